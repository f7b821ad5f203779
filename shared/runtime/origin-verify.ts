/**
 * The API is reachable only through CloudFront: CloudFront adds ORIGIN_VERIFY_HEADER with a secret to every request
 * it forwards to the API origin, and the API function refuses any request without it (403), so nobody can call the
 * execute-api endpoint around CloudFront's WAF, headers and logs.
 *
 * Why a secret header and not `disableExecuteApiEndpoint`: disabling the default endpoint needs an API Gateway
 * custom domain with its own certificate and DNS name for CloudFront to reach the API by; in the China stages that
 * is a second ICP-filed name and an IAM/ACM certificate in Ningxia for an origin nobody browses to. The header works
 * the same in both partitions with no extra domain. The secret lives in Secrets Manager (generated, never in git);
 * CloudFront gets its value at deploy time, the function reads it at start and re-reads it every few minutes, so a
 * rotation (new value, then redeploy) is picked up without a cold start.
 */
import { timingSafeEqual } from 'node:crypto';
import { PROBLEM_TYPE_BASE } from '../http/problem.js';

export const ORIGIN_VERIFY_HEADER = 'x-origin-verify';
/** The environment variable naming the secret (set by the CDK stack); without it, no check (local, tests). */
export const ORIGIN_VERIFY_SECRET_ENV = 'ORIGIN_VERIFY_SECRET_ARN';
const REFRESH_MS = 5 * 60_000;
/** A mismatch re-reads the secret at most this often, so forged headers cannot turn into Secrets Manager calls. */
const RECHECK_MS = 30_000;

export const ORIGIN_VERIFY_PROBLEM = {
  type: `${PROBLEM_TYPE_BASE}/forbidden`,
  title: 'Forbidden',
  status: 403,
  detail: 'Call the API through the portal’s address, not the API Gateway endpoint.',
};

const sameSecret = (given: string, expected: string): boolean => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

/**
 * A check of the header against the secret `load` returns, cached for five minutes. A mismatch re-reads the secret
 * (it may just have been rotated) if the cached value is older than 30 s, before refusing.
 */
export function originVerifier(
  load: () => Promise<string>,
  now: () => number = Date.now,
): (headers: Readonly<Record<string, string | undefined>> | undefined) => Promise<boolean> {
  let cached: { value: string; at: number } | undefined;
  const secret = async (recheck: boolean) => {
    const age = cached ? now() - cached.at : Number.POSITIVE_INFINITY;
    if (age > (recheck ? RECHECK_MS : REFRESH_MS)) cached = { value: await load(), at: now() };
    return cached!.value;
  };
  return async (headers) => {
    const given = headers?.[ORIGIN_VERIFY_HEADER];
    if (!given) return false;
    if (sameSecret(given, await secret(false))) return true;
    return sameSecret(given, await secret(true));
  };
}
