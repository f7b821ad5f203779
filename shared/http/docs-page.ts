/**
 * `GET /docs`: a self-contained HTML API reference rendered from the served OpenAPI 3.1 document
 * (no CDN, no script). Every piece of text from the document is escaped.
 */
type Json = Record<string, unknown>;

const esc = (value: unknown): string =>
  String(value ?? '').replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] as string,
  );
const obj = (value: unknown): Json => (value && typeof value === 'object' ? (value as Json) : {});
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const refName = (ref: string): string => ref.split('/').pop() ?? ref;
const anchor = (text: string): string => text.replace(/[^A-Za-z0-9]+/g, '-');

/** A compact, TypeScript-like one-or-more-line rendering of a JSON schema (plain text, escaped later). */
export function schemaText(schema: unknown, components: Json, depth = 0, seen: string[] = []): string {
  const s = obj(schema);
  const pad = '  '.repeat(depth + 1);
  if (typeof s.$ref === 'string') {
    const name = refName(s.$ref);
    if (seen.includes(name) || depth > 4) return name;
    return schemaText(components[name], components, depth, [...seen, name]);
  }
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    if (Array.isArray(s[key]))
      return s[key]
        .map((part) => schemaText(part, components, depth, seen))
        .join(key === 'allOf' ? ' & ' : ' | ');
  }
  if ('const' in s) return JSON.stringify(s.const);
  if (Array.isArray(s.enum)) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string | undefined];
  const rendered = types.map((type) => {
    if (type === 'object' || (type === undefined && s.properties)) {
      const props = Object.entries(obj(s.properties));
      if (props.length === 0) return 'object';
      const required = list(s.required);
      const lines = props.map(([name, sub]) => {
        const note = obj(sub).description ? `  // ${obj(sub).description}` : '';
        const mark = required.includes(name) ? '' : '?';
        return `${pad}${name}${mark}: ${schemaText(sub, components, depth + 1, seen)}${note}`;
      });
      return `{\n${lines.join('\n')}\n${'  '.repeat(depth)}}`;
    }
    if (type === 'array') {
      const range = s.minItems !== undefined || s.maxItems !== undefined;
      const item = schemaText(s.items, components, depth, seen);
      return `${item.includes(' ') && !item.startsWith('{') ? `(${item})` : item}[]${range ? ` (${s.minItems ?? 0}–${s.maxItems ?? '∞'} items)` : ''}`;
    }
    const facets = [
      s.format,
      s.pattern ? `/${s.pattern}/` : undefined,
      s.minimum !== undefined || s.maximum !== undefined
        ? `${s.minimum ?? ''}–${s.maximum ?? ''}`
        : undefined,
      s.minLength !== undefined || s.maxLength !== undefined
        ? `length ${s.minLength ?? 0}–${s.maxLength ?? '∞'}`
        : undefined,
      s.default !== undefined ? `default ${JSON.stringify(s.default)}` : undefined,
    ].filter((f) => f !== undefined && f !== '');
    return `${type ?? 'any'}${facets.length ? ` (${facets.join(', ')})` : ''}`;
  });
  return rendered.join(' | ');
}

const METHODS = ['get', 'put', 'post', 'patch', 'delete'] as const;

function operationHtml(method: string, path: string, op: Json, components: Json): string {
  const roles = list(op['x-roles']).map((r) => `<span class="role">${esc(r)}</span>`);
  const params = list(op.parameters).map((p) => {
    const param = obj(p);
    return `<tr><td><code>${esc(param.name)}</code></td><td>${esc(param.in)}</td><td>${param.required ? 'yes' : ''}</td><td><code>${esc(schemaText(param.schema, components))}</code></td><td>${esc(param.description ?? obj(param.schema).description)}</td></tr>`;
  });
  const body = obj(obj(obj(op.requestBody).content)['application/json']).schema;
  const entries = Object.entries(obj(op.responses));
  const isProblem = (r: unknown) => 'application/problem+json' in obj(obj(r).content);
  const responses = entries
    .filter(([, r]) => !isProblem(r))
    .map(([status, r]) => {
      const [type, media] = Object.entries(obj(obj(r).content))[0] ?? [];
      const schema = obj(obj(media).schema);
      const shape = typeof schema.$ref === 'string' ? ` → <code>${esc(refName(schema.$ref))}</code>` : '';
      return `<li><b>${esc(status)}</b> ${esc(obj(r).description)}${type ? ` <small>${esc(type)}</small>` : ''}${shape}</li>`;
    });
  const problems = entries.filter(([, r]) => isProblem(r));
  if (problems.length)
    responses.push(
      `<li class="err">problem+json: ${problems.map(([status, r]) => `<b>${esc(status)}</b> ${esc(obj(r).description)}`).join(' · ')}</li>`,
    );
  return `<section class="op" id="${esc(anchor(`${method}${path}`))}">
<h3><span class="m ${esc(method)}">${esc(method.toUpperCase())}</span> <code>${esc(path)}</code></h3>
<p>${esc(op.summary)}${op.description ? ` — ${esc(op.description)}` : ''}</p>
<p>Who: ${roles.join(' ') || '<span class="role">none</span>'}</p>
${params.length ? `<table><tr><th>parameter</th><th>in</th><th>required</th><th>schema</th><th></th></tr>${params.join('')}</table>` : ''}
${body ? `<h4>Request body (application/json)</h4><pre>${esc(schemaText(body, components))}</pre>` : ''}
<h4>Responses</h4><ul>${responses.join('')}</ul></section>`;
}

export function renderDocsPage(document: unknown): string {
  const doc = obj(document);
  const info = obj(doc.info);
  const components = obj(obj(doc.components).schemas);
  const byTag = new Map<string, string[]>();
  for (const [path, item] of Object.entries(obj(doc.paths))) {
    for (const method of METHODS) {
      const op = obj(obj(item)[method]);
      if (!obj(item)[method]) continue;
      const tag = String(list(op.tags)[0] ?? 'other');
      byTag.set(tag, [...(byTag.get(tag) ?? []), operationHtml(method, path, op, components)]);
    }
  }
  const tags = [...byTag.keys()];
  const schemas = Object.entries(components).map(
    ([name, schema]) =>
      `<h3 id="schema-${esc(anchor(name))}">${esc(name)}</h3><pre>${esc(schemaText(schema, components, 0, [name]))}</pre>`,
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(info.title)} — reference</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1d2530}
code,pre{font:13px ui-monospace,Menlo,Consolas,monospace}pre{background:#f4f6f8;padding:.6rem;overflow:auto;border-radius:4px}
.op{border-top:1px solid #dde2e8;padding:.4rem 0}.m{display:inline-block;min-width:4.2rem;text-align:center;border-radius:3px;color:#fff;font-size:13px;padding:1px 6px}
.get{background:#2f6fb3}.post{background:#2e8b57}.put{background:#b07a1e}.delete{background:#b33a3a}.patch{background:#7a4fb3}
.role{background:#e8eef6;border-radius:3px;padding:0 6px;margin-right:4px;font-size:13px}table{border-collapse:collapse}td,th{border:1px solid #dde2e8;padding:2px 8px;text-align:left;font-size:14px}
nav a{margin-right:1rem}.err{color:#55606e;font-size:14px}
</style></head><body>
<h1>${esc(info.title)} <small>${esc(info.version)}</small></h1>
<p>${esc(info.description)}</p>
<h2>Authentication</h2>
<p>Send <code>Authorization: Bearer &lt;JWT&gt;</code>. The token names one role (<code>enterprise</code>, <code>lender</code>, <code>insurer</code>, <code>ipoffice</code>) and, except for <code>ipoffice</code>, an organisation: an enterprise's USCC or an institution id. A missing, invalid or expired token gives 401; a role that may not call a route gives 403; another tenant's object answers 404. Locally, <code>npm run --silent token -- &lt;role&gt; [org]</code> prints a token. Errors are RFC 9457 <code>application/problem+json</code>. The machine-readable document is at <a href="/openapi.json">/openapi.json</a>.</p>
<nav>${tags.map((t) => `<a href="#tag-${esc(anchor(t))}">${esc(t)}</a>`).join('')}<a href="#schemas">schemas</a></nav>
${tags.map((t) => `<h2 id="tag-${esc(anchor(t))}">${esc(t)}</h2>${(byTag.get(t) ?? []).join('\n')}`).join('\n')}
<h2 id="schemas">Schemas</h2>
${schemas.join('\n')}
</body></html>`;
}
