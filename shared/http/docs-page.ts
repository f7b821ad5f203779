import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `GET /docs`: Swagger UI over the served OpenAPI document. Its script and style come from the installed
 * `swagger-ui-dist` and are served by the API itself under `/docs/…`, so the page works offline and under a
 * Content-Security-Policy of 'self': no CDN, no inline script. Every URL is relative, so the same page works at
 * `/docs` locally and at `/api/docs` behind CloudFront.
 */

/** The files the page loads, with their media types. */
export const DOCS_FILES = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'init.js': 'text/javascript; charset=utf-8',
} as const;
export type DocsFile = keyof typeof DOCS_FILES;

/** The files copied from `swagger-ui-dist` (the API bundle ships them in DOCS_DIR beside itself). */
export const SWAGGER_UI_FILES = ['swagger-ui.css', 'swagger-ui-bundle.js'] as const;

/** Their folder beside the API bundle (infra/bundling.ts). */
export const DOCS_DIR = 'docs';

/** Same origin only; Swagger UI sets styles through the DOM (allowed) and shows its icons as data: images. */
export const DOCS_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>IP Finance Portal API reference</title>
<link rel="stylesheet" href="docs/swagger-ui.css">
<script src="docs/swagger-ui-bundle.js" defer></script>
<script src="docs/init.js" defer></script>
</head>
<body>
<main id="reference"><noscript>This reference needs JavaScript; the contract itself is <a href="openapi.json">openapi.json</a>.</noscript></main>
</body>
</html>
`;

// No validator badge (it would call validator.swagger.io); the document's URL is relative to the page.
const INIT = `window.SwaggerUIBundle({
  url: new URL('openapi.json', document.baseURI).href,
  dom_id: '#reference',
  deepLinking: true,
  validatorUrl: null,
  displayOperationId: true,
});
`;

/**
 * Reads one file of the page: from beside the API bundle when it was bundled (esbuild defines
 * `process.env.PORTAL_DOCS_DIR`), otherwise from the installed package.
 */
export async function readDocsFile(file: DocsFile): Promise<string> {
  if (file === 'init.js') return INIT;
  const bundled = process.env.PORTAL_DOCS_DIR;
  const path =
    bundled !== undefined
      ? fileURLToPath(new URL(`${bundled}/${file}`, import.meta.url))
      : join(dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json')), file);
  return readFile(path, 'utf8');
}
