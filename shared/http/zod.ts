import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import * as zod from 'zod';

/**
 * The zod every route schema is written with (`import * as z from '../zod.js'`), extended with `.openapi()`
 * for the OpenAPI document.
 *
 * Importing it as a namespace read member by member keeps zod tree-shakable. The `z` object of
 * `import { z } from 'zod'`, handed around as a value (as `@hono/zod-openapi` does), keeps every export alive,
 * its 40-odd locales included: ~350 KiB more in the Lambda bundle, parsed on every cold start.
 *
 * A bundle that carries the document built at build time (infra/bundling.ts defines PORTAL_OPENAPI_FILE) never
 * reads that metadata: there `.openapi()` answers the schema itself, sparing each cold start a schema clone per
 * call and the extension's code.
 */
if (process.env.PORTAL_OPENAPI_FILE === undefined)
  extendZodWithOpenApi({ ZodType: zod.ZodType } as typeof zod);
else
  zod.ZodType.prototype.openapi = function (this: zod.ZodType) {
    return this;
  } as never;

export * from 'zod';
