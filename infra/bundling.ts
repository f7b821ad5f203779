import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * How portal functions are bundled, in one place for the PortalFunction construct and the cold-start bench
 * (bench/sections/cold-start.ts), so the bench measures what ships.
 */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Some CommonJS dependencies call require() at run time; ESM has no require of its own. */
export const BUNDLE_BANNER =
  "import { createRequire as __portalCreateRequire } from 'node:module';" +
  'const require = __portalCreateRequire(import.meta.url);';

/** The OpenAPI document the API bundle inlines, written before bundling (git-ignored). */
export const OPENAPI_JSON = join(PROJECT_ROOT, '.build', 'openapi.json');

/**
 * esbuild `define` for a bundle that serves the document built at build time: shared/http/routes/system.ts
 * then imports this JSON, and esbuild drops the branch that would generate it (and the generator with it).
 */
export const OPENAPI_DEFINE: Record<string, string> = {
  'process.env.PORTAL_OPENAPI_JSON': JSON.stringify(OPENAPI_JSON),
};

/** Writes OPENAPI_JSON with the one generator (shared/http/openapi.ts); run from PROJECT_ROOT. */
export const WRITE_OPENAPI_COMMAND = `"${process.execPath}" --import tsx scripts/openapi.ts "${OPENAPI_JSON}"`;
