/**
 * `tsx scripts/openapi.ts <file>`: writes the API's OpenAPI document, from the one generator
 * (shared/http/openapi.ts) over the app's routes. Bundling the API function runs it (infra/bundling.ts), so
 * the Lambda serves the document built here instead of generating it.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createApp } from '../shared/http/app.js';
import type { PortalDeps } from '../shared/http/context.js';
import { openApiDocument } from '../shared/http/openapi.js';

const file = process.argv[2];
if (!file) throw new Error('usage: tsx scripts/openapi.ts <file>');
await mkdir(dirname(file), { recursive: true });
// Building the document registers routes only; no dependency is touched.
const document = openApiDocument(createApp({} as PortalDeps));
// Write then rename: a bundling running in parallel never reads half a file.
const partial = `${file}.${process.pid}.partial`;
await writeFile(partial, JSON.stringify(document));
await rename(partial, file);
