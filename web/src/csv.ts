/**
 * CSV files the pages offer for download (a chart's data, a figure's records): RFC 4180 with CRLF and a UTF-8 BOM
 * (Excel, which most offices open them with, reads Chinese text as GBK without it). A text cell that starts with a
 * formula character is prefixed with an apostrophe, so a company name cannot run as a formula.
 * Pure and import-free, so the Node tests can check it too.
 */
export type Cell = string | number | boolean | null | undefined;

function field(value: Cell): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export const toCsv = (header: readonly string[], rows: readonly (readonly Cell[])[]): string =>
  `\uFEFF${[header, ...rows].map((row) => row.map(field).join(',')).join('\r\n')}\r\n`;
