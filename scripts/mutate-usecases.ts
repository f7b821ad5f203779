/**
 * `npm run mutate:usecases [-- <part>… ] [-- --incremental]`: StrykerJS over the use-case layer, one part after
 * another (stryker.usecases.config.mjs: a part per group of modules, each with its own report and incremental file),
 * then one per-file table over every part's latest report (reports/mutation/usecases-<part>.json). Parts named on
 * the command line run alone; `--table` only prints the table. Any other argument goes to Stryker. Runs under
 * `nice`, one Stryker worker: the machine is shared.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';

// The parts live in the Stryker config itself (a plain ES module, outside the TypeScript project).
const config = new URL('../stryker.usecases.config.mjs', import.meta.url).href;
const { PARTS } = (await import(config)) as { PARTS: Record<string, string[]> };

const args = process.argv.slice(2);
const named = args.filter((a) => a in PARTS);
const tableOnly = args.includes('--table');
const passThrough = args.filter((a) => !(a in PARTS) && a !== '--table');
const parts = named.length > 0 ? named : Object.keys(PARTS);

if (!tableOnly) {
  for (const part of parts) {
    const started = Date.now();
    console.log(`\n== use-case mutation, part ${part} ==`);
    const run = spawnSync(
      'nice',
      ['-n', '15', 'npx', 'stryker', 'run', 'stryker.usecases.config.mjs', ...passThrough],
      { stdio: 'inherit', env: { ...process.env, STRYKER_PART: part } },
    );
    console.log(`== part ${part}: exit ${run.status}, ${Math.round((Date.now() - started) / 1000)} s ==`);
    if (run.status !== 0) process.exitCode = 1;
  }
}

interface Mutant {
  status: string;
}
interface Report {
  files: Record<string, { mutants: Mutant[] }>;
}

const rows: string[][] = [];
const sum = { killed: 0, survived: 0, noCoverage: 0, timeout: 0 };
for (const part of Object.keys(PARTS)) {
  const file = `reports/mutation/usecases-${part}.json`;
  if (!existsSync(file)) continue;
  const report = JSON.parse(readFileSync(file, 'utf8')) as Report;
  const files = Object.entries(report.files).filter(([name]) => PARTS[part]!.some((p) => inPart(name, p)));
  for (const [name, { mutants }] of files.sort(([a], [b]) => a.localeCompare(b))) {
    const n = (status: string) => mutants.filter((m) => m.status === status).length;
    const c = {
      killed: n('Killed'),
      survived: n('Survived'),
      noCoverage: n('NoCoverage'),
      timeout: n('Timeout'),
    };
    for (const k of Object.keys(sum) as (keyof typeof sum)[]) sum[k] += c[k];
    rows.push([name.replace('shared/usecases/', ''), part, ...counts(c)]);
  }
}
rows.push(['all', '', ...counts(sum)]);

/** A report's file counts for the part that holds it now (a file moved to another part counts there once). */
function inPart(file: string, pattern: string): boolean {
  return pattern.endsWith('/*.ts')
    ? dirname(file) === pattern.slice(0, -'/*.ts'.length) && file.endsWith('.ts')
    : file === pattern;
}

function counts(c: typeof sum): string[] {
  const detected = c.killed + c.timeout;
  const valid = detected + c.survived + c.noCoverage;
  const score = valid === 0 ? 'n/a' : ((100 * detected) / valid).toFixed(2);
  return [c.killed, c.survived, c.noCoverage, c.timeout].map(String).concat(score);
}

const head = ['File', 'Part', 'Killed', 'Survived', 'No coverage', 'Timeout', 'Score'];
const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
const line = (cells: string[]) =>
  `| ${cells.map((c, i) => (i < 2 ? c.padEnd(width[i] ?? 0) : c.padStart(width[i] ?? 0))).join(' | ')} |`;
console.log(`\n${line(head)}`);
console.log(`| ${width.map((w, i) => (i < 2 ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`)).join(' | ')} |`);
for (const r of rows) console.log(line(r));
