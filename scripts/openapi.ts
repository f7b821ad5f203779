/**
 * `tsx scripts/openapi.ts <openapi.json> [routes.json]`: writes the API's OpenAPI document, from the one generator
 * (shared/http/openapi.ts) over the app's routes, and the route manifest. Bundling the API function runs it
 * (infra/bundling.ts), so the Lambda serves the document built here instead of generating it, and routes by the
 * manifest without loading a route module before a request needs it.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createApp } from '../shared/http/app.js';
import type { PortalDeps } from '../shared/http/context.js';
import { openApiDocument } from '../shared/http/openapi.js';
import { routeManifest } from '../shared/http/route.js';

const [documentFile, manifestFile] = process.argv.slice(2);
if (!documentFile) throw new Error('usage: tsx scripts/openapi.ts <openapi.json> [routes.json]');
// Building the document registers routes only; no dependency is touched.
const app = await createApp({} as PortalDeps);
await writeAtomically(documentFile, JSON.stringify(openApiDocument(app)));
if (manifestFile) await writeAtomically(manifestFile, JSON.stringify(routeManifest(app)));

/** Write then rename: a bundling running in parallel never reads half a file. */
async function writeAtomically(file: string, text: string) {
  await mkdir(dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.partial`;
  await writeFile(partial, text);
  await rename(partial, file);
}
