import { patentCheckCharacter } from '../../shared/domain/patent-number.js';
import { withUsccCheck } from '../../shared/domain/uscc.js';

/** Small helpers shared by the benchmark sections. */

export const median = (values: readonly number[]): number => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

export const round = (n: number, digits = 2): number => Math.round(n * 10 ** digits) / 10 ** digits;

/** A plain-text table: the first row is the header. */
export function table(rows: readonly (readonly (string | number)[])[]): string {
  const cells = rows.map((r) => r.map((c) => String(c)));
  const widths = cells[0]?.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length))) ?? [];
  const line = (r: string[]) =>
    r.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  const [head, ...body] = cells;
  if (!head) return '';
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

/** A valid USCC in Yiwu (330782) whose organisation code is `org` (9 characters of the USCC alphabet). */
export const usccOf = (org: string): string => withUsccCheck(`91330782${org}`);

/** A valid application number (canonical form) of `type` (1 invention, 2 utility model, 3 design). */
export const patentNumber = (year: number, type: number, serial: number): string => {
  const digits = `${year}${type}${String(serial).padStart(7, '0')}`;
  return `${digits}.${patentCheckCharacter(digits)}`;
};

/** Serial numbers that do not collide between runs on a persistent table. */
let serial = Math.floor(Math.random() * 4_000_000);
export const nextSerial = (): number => ++serial;

export const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};
