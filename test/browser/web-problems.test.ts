import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Every `.ts` file below `dir`. */
const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );

/**
 * The refusal codes the API puts in its problem items (`code: '<code>'` in the domain, use-case and HTTP code; zod's
 * own `custom` issue code is not one), read from the source so that a new code cannot ship without its sentences.
 */
const API_CODES = [
  ...new Set(
    sources(join(process.cwd(), 'shared')).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/\bcode: '([a-z_]+)'/g)].map((m) => m[1]!),
    ),
  ),
]
  .filter((code) => code !== 'custom')
  .sort();

/** The `problem.<code>` sentences of each dictionary of web/src/i18n.ts (the zh dictionary, then the en one). */
const i18n = readFileSync(join(process.cwd(), 'web', 'src', 'i18n.ts'), 'utf8');
const enStart = i18n.indexOf('const en: Record<TextKey, string> = {');
const sentences = (text: string) =>
  new Map(
    [...text.matchAll(/'problem\.([a-z_]+)':\s*(?:'([^']*)'|"([^"]*)")/g)].map((m) => [m[1]!, m[2] ?? m[3]!]),
  );
const DICTIONARIES = { zh: sentences(i18n.slice(0, enStart)), en: sentences(i18n.slice(enStart)) };

describe('the pages’ sentences for the API’s refusal codes', () => {
  it('finds the codes in the source', () => {
    expect(API_CODES.length).toBeGreaterThan(50);
    expect(API_CODES).toContain('below_eligibility');
  });

  it('has a Chinese and an English sentence for every code', () => {
    expect(enStart).toBeGreaterThan(0);
    const missing = (lang: 'zh' | 'en') =>
      API_CODES.filter((code) => {
        const sentence = DICTIONARIES[lang].get(code);
        return !sentence || sentence === code;
      });
    expect(missing('zh')).toEqual([]);
    expect(missing('en')).toEqual([]);
  });
});
