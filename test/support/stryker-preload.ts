/**
 * Mutation testing only (vitest.stryker.config.ts): loads every shared/domain module before any test, so that the
 * modules' top-level code (tables, sets, patterns) always runs outside a test. Stryker then sees it as static and
 * handles it as such, instead of crediting it to whichever test first loaded the module lazily (through a route
 * imported on first request) and re-running only that test when such a constant is mutated.
 */
import { readdirSync } from 'node:fs';

const domain = new URL('../../shared/domain/', import.meta.url);
for (const file of readdirSync(domain).sort())
  if (file.endsWith('.ts') && !file.endsWith('.d.ts')) await import(new URL(file, domain).href);
