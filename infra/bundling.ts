import { execSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync, type Metafile } from 'esbuild';
import { DOCS_DIR, SWAGGER_UI_FILES } from '../shared/http/docs-page.js';

/**
 * How portal functions are bundled, in one place for the PortalFunction construct and the cold-start bench
 * (bench/sections/cold-start.ts), so the bench measures what ships.
 */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Some CommonJS dependencies call require() at run time; ESM has no require of its own. */
export const BUNDLE_BANNER =
  "import { createRequire as __portalCreateRequire } from 'node:module';" +
  'const require = __portalCreateRequire(import.meta.url);';

/** The OpenAPI document, written before bundling (git-ignored) and shipped beside the API bundle. */
export const OPENAPI_JSON = join(PROJECT_ROOT, '.build', 'openapi.json');

/** The route manifest the API bundle inlines (method, path, access and route group of every route). */
export const ROUTES_JSON = join(PROJECT_ROOT, '.build', 'routes.json');

/** The document's file name beside the bundle. */
export const OPENAPI_FILE = 'openapi.json';

/**
 * esbuild `define` for the API bundle: shared/http/app.ts imports the route manifest and loads each route module
 * on its first request; shared/http/routes/system.ts reads the document from OPENAPI_FILE beside the bundle on its
 * first request, and esbuild drops the branch that would generate it (and the generator with it); the reference
 * page's Swagger UI files are read from DOCS_DIR beside the bundle (shared/http/docs-page.ts).
 */
export const OPENAPI_DEFINE: Record<string, string> = {
  'process.env.PORTAL_OPENAPI_FILE': JSON.stringify(OPENAPI_FILE),
  'process.env.PORTAL_DOCS_DIR': JSON.stringify(DOCS_DIR),
  'process.env.PORTAL_ROUTES_JSON': JSON.stringify(ROUTES_JSON),
};

/** Writes OPENAPI_JSON and ROUTES_JSON from the app's routes (shared/http/openapi.ts); run from PROJECT_ROOT. */
export const WRITE_OPENAPI_COMMAND = `"${process.execPath}" --import tsx scripts/openapi.ts "${OPENAPI_JSON}" "${ROUTES_JSON}"`;

export interface BundleOptions {
  /** The API function: its OpenAPI document and route manifest are built first (WRITE_OPENAPI_COMMAND). */
  api?: boolean;
}

/**
 * Bundles one entry into `outdir` as the Lambda runs it: `index.mjs` (handler `index.handler`), ESM for node22,
 * minified, source maps without sources, the AWS SDK bundled at the version the tests ran against (not the
 * runtime's copy, which AWS changes underneath us). Code split: what a function reaches only through a dynamic
 * import (the API's route modules, the SDK's credential providers) lands in chunks beside it, which Node reads,
 * compiles and runs only when first needed, so a cold start pays for the code its first request uses.
 */
export function bundleFunction(entry: string, outdir: string, options: BundleOptions = {}): Metafile {
  mkdirSync(outdir, { recursive: true });
  if (options.api) execSync(WRITE_OPENAPI_COMMAND, { cwd: PROJECT_ROOT, stdio: 'inherit' });
  const result = buildSync({
    entryPoints: { index: entry },
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    mainFields: ['module', 'main'],
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    banner: { js: BUNDLE_BANNER },
    define: options.api ? OPENAPI_DEFINE : {},
    metafile: true,
    logLevel: 'warning',
  });
  if (options.api) {
    copyFileSync(OPENAPI_JSON, join(outdir, OPENAPI_FILE));
    const swaggerUi = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
    mkdirSync(join(outdir, DOCS_DIR), { recursive: true });
    for (const file of SWAGGER_UI_FILES) copyFileSync(join(swaggerUi, file), join(outdir, DOCS_DIR, file));
  }
  return result.metafile;
}
