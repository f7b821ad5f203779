/**
 * Mutation testing only (vitest.stryker.config.ts, vitest.stryker.usecases.config.ts): loads every shared/domain
 * module — and, for the use-case run (STRYKER_PRELOAD_USECASES), every shared/usecases module — before any test, so
 * that the modules' top-level code (tables, sets, patterns) always runs outside a test. Stryker then sees it as
 * static and handles it as such, instead of crediting it to whichever test first loaded the module lazily (through
 * a route imported on first request) and re-running only that test when such a constant is mutated.
 */
import { readdirSync } from 'node:fs';

const folders = ['../../shared/domain/'];
if (process.env.STRYKER_PRELOAD_USECASES)
  folders.push('../../shared/usecases/', '../../shared/usecases/consumers/');
for (const folder of folders) {
  const url = new URL(folder, import.meta.url);
  for (const file of readdirSync(url).sort())
    if (file.endsWith('.ts') && !file.endsWith('.d.ts')) await import(new URL(file, url).href);
}
