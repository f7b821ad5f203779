import { createHash } from 'node:crypto';
import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

/**
 * Helpers for tests driven by the served OpenAPI document: walk its operations, resolve `$ref`s,
 * build a minimal valid example of a request schema, validate responses with ajv, and checksum a table.
 */
// biome-ignore lint/suspicious/noExplicitAny: OpenAPI/JSON Schema documents are walked generically
export type Schema = Record<string, any>;
export type OpenApiDoc = Schema;

export interface Operation {
  method: string;
  /** OpenAPI path, e.g. `/assets/{id}`. */
  path: string;
  op: Schema;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

export function operationsOf(doc: OpenApiDoc): Operation[] {
  return Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
    Object.entries(item as Schema)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]) => ({ method: method.toUpperCase(), path, op: op as Schema })),
  );
}

/** Follows local `$ref`s (`#/components/...`) until a concrete schema. */
export function deref(doc: OpenApiDoc, schema: Schema | undefined): Schema | undefined {
  let current = schema;
  for (let hops = 0; current?.$ref && hops < 20; hops++) {
    const pointer = String(current.$ref).replace(/^#\//, '').split('/');
    current = pointer.reduce<Schema | undefined>((node, key) => node?.[key], doc);
  }
  return current;
}

export const requestSchemaOf = (doc: OpenApiDoc, op: Schema): Schema | undefined =>
  deref(doc, op.requestBody?.content?.['application/json']?.schema);

export const queryParamsOf = (doc: OpenApiDoc, op: Schema): Schema[] =>
  ((op.parameters ?? []) as Schema[]).map((p) => deref(doc, p) as Schema).filter((p) => p.in === 'query');

/** Object branches of a schema (oneOf/anyOf flattened), each dereferenced. */
export function objectBranches(doc: OpenApiDoc, schema: Schema | undefined): Schema[] {
  const s = deref(doc, schema);
  if (!s) return [];
  const alternatives = (s.oneOf ?? s.anyOf) as Schema[] | undefined;
  if (alternatives) return alternatives.flatMap((a) => objectBranches(doc, a));
  return s.type === 'object' || s.properties ? [s] : [];
}

export type Hint = (field: string, schema: Schema) => unknown;

/**
 * A minimal value that satisfies `schema` (required properties only), preferring `hint(field)` for
 * values only the caller knows (ids of fixture objects, valid patent numbers).
 */
export function sampleValue(doc: OpenApiDoc, schema: Schema | undefined, field = '', hint?: Hint): unknown {
  const s = deref(doc, schema);
  if (!s) return {};
  const hinted = hint?.(field, s);
  if (hinted !== undefined) return hinted;
  if (s.oneOf || s.anyOf) return sampleValue(doc, (s.oneOf ?? s.anyOf)[0], field, hint);
  if (s.enum) return s.enum[0];
  if (s.const !== undefined) return s.const;
  const type = Array.isArray(s.type) ? s.type.find((t: string) => t !== 'null') : s.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const key of (s.required ?? []) as string[])
        out[key] = sampleValue(doc, s.properties?.[key], key, hint);
      return out;
    }
    case 'array':
      return Array.from({ length: Math.max(1, s.minItems ?? 0) }, () =>
        sampleValue(doc, s.items, field, hint),
      );
    case 'integer':
    case 'number':
      return Math.max(s.minimum ?? 0, Math.min(1, s.maximum ?? 1));
    case 'boolean':
      return true;
    case 'string':
      if (s.pattern === '^\\d{4}-\\d{2}-\\d{2}$' || s.format === 'date') return '2025-01-15';
      return 'x'.repeat(Math.max(1, s.minLength ?? 1));
    default:
      return {};
  }
}

/** Validates 2xx JSON bodies against the operation's response schema, with the document's components. */
export function responseValidator(doc: OpenApiDoc) {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  // ajv-formats is CommonJS; its default export arrives wrapped under some loaders.
  const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
    a: Ajv2020,
  ) => void;
  addFormats(ajv);
  const base = 'https://portal.test/openapi.json';
  const rebase = (schema: unknown): Schema =>
    JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', `"${base}#/components/`));
  ajv.addSchema({ $id: base, components: doc.components ?? {} });
  const cache = new Map<string, ValidateFunction | null>();
  return (operation: Operation, status: number, body: unknown): string | null => {
    const key = `${operation.method} ${operation.path} ${status}`;
    if (!cache.has(key)) {
      const schema = operation.op.responses?.[String(status)]?.content?.['application/json']?.schema;
      cache.set(key, schema ? ajv.compile(rebase(schema)) : null);
    }
    const validate = cache.get(key);
    if (validate === undefined) return null;
    if (validate === null) return `no application/json schema documented for status ${status}`;
    return validate(body) ? null : ajv.errorsText(validate.errors, { separator: '; ' });
  };
}

/** Stable JSON: sorted keys, sets as sorted arrays (DynamoDB returns attributes in any order). */
function stable(value: unknown): unknown {
  if (value instanceof Set) return [...value].map(String).sort();
  if (Array.isArray(value)) return value.map(stable);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, stable((value as Record<string, unknown>)[k])]),
    );
  return value;
}

/**
 * A checksum of every item in a test's own table, idempotency records excluded. A Scan is fine here:
 * this is a test inspecting its private table, never application code.
 */
export async function tableChecksum(db: DynamoDBDocumentClient, tableName: string): Promise<string> {
  const lines: string[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start }));
    for (const item of page.Items ?? [])
      if (!String(item.pk).startsWith('IDEM#')) lines.push(JSON.stringify(stable(item)));
    start = page.LastEvaluatedKey;
  } while (start);
  return createHash('sha256').update(lines.sort().join('\n')).digest('hex');
}
