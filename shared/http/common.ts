import type { Context } from 'hono';
import { isValidDate } from '../domain/dates.js';
import { preconditionFailed, validationError } from '../domain/errors.js';
import * as z from './zod.js';

/** Shared request/response schemas and helpers for every route module. */

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    errors: z
      .array(
        z.object({
          path: z.string(),
          message: z.string(),
          code: z
            .string()
            .optional()
            .openapi({ description: 'Stable reason code (API.md); the pages translate it' }),
          params: z
            .record(z.string(), z.union([z.string(), z.number()]))
            .optional()
            .openapi({ description: 'What the code’s sentence names (minimum, maximum, values, …)' }),
        }),
      )
      .optional(),
    currentState: z.string().optional(),
    activeDesignationId: z
      .string()
      .optional()
      .openapi({ description: '409 of POST /designations: the active one' }),
    ownershipCaseId: z
      .string()
      .optional()
      .openapi({ description: '409 of a number another holds: the case opened' }),
    pledgeId: z.string().optional().openapi({ description: 'The pledge that holds the asset' }),
    maxLtvBps: z.number().int().optional(),
    maxApprovedAmountFen: z.number().int().optional(),
  })
  .openapi('Problem', {
    description: 'RFC 9457 problem details; a refusal may carry further members naming what it is about',
  });

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ProblemSchema } },
});

/** The error responses every authenticated route can give, for the OpenAPI document. */
export const errorResponses = {
  400: problem('Malformed request; `errors` names each field and reason.'),
  401: problem('Missing, invalid or expired bearer token.'),
  403: problem('Your role may not call this route.'),
  404: problem('Not found, or not yours.'),
  409: problem('Conflicts with the current state; `currentState` names it.'),
  412: problem('`If-Match` is stale.'),
  405: problem('The path exists, but not for this method; `Allow` lists those that do.'),
  413: problem('Body larger than 64 KiB.'),
  415: problem('The body is not `application/json`.'),
  422: problem('Refused by a business rule; `errors` lists every reason.'),
  431: problem('Request headers too large.'),
  503: {
    ...problem('Busy; retry after `Retry-After` seconds.'),
    headers: { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' as const } } },
  },
} as const;

/** A JSON request body; `required: false` lets an action accept no body at all. */
export const jsonBody = <T extends z.ZodType>(schema: T, required = true) => ({
  required,
  content: { 'application/json': { schema } },
});

export const jsonResponse = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

/** Text a person typed (a name, a title): trimmed, 1–`max` characters, no control characters (NUL, line breaks). */
export const plainText = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .regex(/^\P{Cc}*$/u, 'must not contain control characters');

/**
 * A whole number in a query string, in plain decimal digits: `0x10`, `1e1`, `+5` or ` 5` are refused (400), not
 * read as numbers the way `Number()` would.
 */
export const queryInt = (min: number, max: number) =>
  z.preprocess(
    (value) => (typeof value === 'string' && /^[0-9]{1,9}$/.test(value) ? Number(value) : value),
    z.number({ error: 'must be a whole number in decimal digits' }).int().min(min).max(max),
  );

export const PageQuerySchema = z.strictObject({
  limit: queryInt(1, 100).default(25).openapi({ description: '1–100, default 25' }),
  cursor: z.string().max(2048).optional().openapi({ description: 'Opaque; from `nextCursor`' }),
});

/** `{id}` path parameter of pledges, policies and claims. */
export const IdParam = z.object({ id: z.string().min(1).max(100) });

/** Who took an action, as every history records it. */
export const ActorSchema = z
  .object({
    role: z.string(),
    org: z.string().nullable(),
    sub: z.string().optional().openapi({ description: 'Token subject; absent for jobs' }),
  })
  .openapi('Actor');

/** The actor of a history line: with the name of the organisation it acted for, so no request per line. */
export const HistoryActorSchema = ActorSchema.extend({
  name: z
    .string()
    .optional()
    .openapi({
      description:
        'Name of the enterprise, bank or insurer `org` identifies (as the record holds it, else as the directory ' +
        'holds it now); absent for the IP office, jobs, and an organisation without a registered name',
    }),
}).openapi('HistoryActor');

export const pageOf = <T extends z.ZodType>(item: T, name: string) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() }).openapi(name);

/** Money: integer fen, a safe integer ≥ 0. */
export const Fen = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** A calendar date YYYY-MM-DD in a sane range, so date arithmetic downstream cannot overflow. */
export const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine(isValidDate, 'is not a real calendar date')
  .refine((s) => s >= '1900-01-01' && s <= '2199-12-31', 'must lie between 1900-01-01 and 2199-12-31');

export const IfMatchHeader = z.object({
  'if-match': z.string().optional().openapi({ description: 'Version from the ETag; stale → 412' }),
});

/** Fields every stored resource carries. */
export const storedFields = {
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
};

export const etagOf = (version: number) => `"${version}"`;

/** A success answer that carries the resource's version as its `ETag`, to send back in `If-Match`. */
export const versioned = <R extends object>(response: R) => ({
  ...response,
  headers: {
    ETag: {
      description: 'The stored version, for `If-Match`',
      schema: { type: 'string' as const, example: '"3"' },
    },
  },
});

/**
 * Reads `If-Match` into the version the caller expects, or undefined when absent. `*` means any version.
 */
export function expectedVersion(c: Context): number | undefined {
  const raw = c.req.header('If-Match');
  if (raw === undefined || raw.trim() === '*') return undefined;
  const match = /^(?:W\/)?"?(\d{1,15})"?$/.exec(raw.trim());
  if (!match) throw validationError([{ path: 'header.If-Match', message: 'must be an ETag such as "3"' }]);
  return Number(match[1]);
}

/**
 * Throws 412 when the caller's `If-Match` names another version than the stored one; otherwise returns the
 * expected version (undefined when absent), for a conditional write.
 */
export function assertVersion(c: Context, current: number): number | undefined {
  const expected = expectedVersion(c);
  if (expected !== undefined && expected !== current) throw preconditionFailed(current);
  return expected;
}

/** A presigned S3 PUT a client sends its file with (documents, imports). */
export const PresignedUploadSchema = z
  .object({
    url: z.string(),
    method: z.literal('PUT'),
    headers: z.record(z.string(), z.string()).openapi({
      description: 'Send exactly these with the PUT; the body is the file, exactly `sizeBytes` long',
    }),
  })
  .openapi('PresignedUpload');
