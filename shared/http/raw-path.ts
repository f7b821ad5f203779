/**
 * A request path with a dot segment — `..` or `.`, raw or percent-encoded (`%2e%2e`) — is refused with 400 before
 * routing. URL parsing would resolve it (`/claims/%2e%2e/pledges` → `/pledges`), so the app would route a path the
 * client did not send; no client of this API needs one. Both adapters (the local server, the Lambda) check the path
 * as it arrived, before the URL is parsed.
 */
import { PROBLEM_TYPE_BASE } from './problem.js';

const DOT_SEGMENT = /(^|\/)(\.|%2e){1,2}(\/|$)/i;

export const hasDotSegment = (rawPath: string): boolean => DOT_SEGMENT.test(rawPath.split('?')[0] ?? '');

export const DOT_SEGMENT_PROBLEM = {
  type: `${PROBLEM_TYPE_BASE}/bad-request`,
  title: 'Bad Request',
  status: 400,
  detail: 'The path contains a dot segment (".." or ".", also percent-encoded); send the path itself.',
  errors: [{ path: 'path', code: 'dot_segment', message: 'must not contain "." or ".." segments' }],
};

export const dotSegmentResponse = (): Response =>
  new Response(JSON.stringify(DOT_SEGMENT_PROBLEM), {
    status: 400,
    headers: { 'content-type': 'application/problem+json' },
  });

/**
 * The path within an API Gateway stage. For a named stage (the deployed `api`, which is also the prefix CloudFront
 * reaches the API under) the gateway routes on the path after the stage but hands the Lambda the whole path in
 * `rawPath`; the app's routes live at the root, so the stage comes off here. `$default` has no prefix.
 */
export function pathWithinStage(rawPath: string, stage: string | undefined): string {
  if (!stage || stage === '$default') return rawPath;
  const prefix = `/${stage}`;
  if (rawPath === prefix) return '/';
  return rawPath.startsWith(`${prefix}/`) ? rawPath.slice(prefix.length) : rawPath;
}
