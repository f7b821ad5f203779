/**
 * Webhook subscriptions of banks' and insurers' own systems (API.md v2), the Standard Webhooks way: which events a
 * subscription asks for, and which addresses it may never reach. Pure: no AWS, no HTTP.
 */
import { SUBJECT_KINDS } from './domain-event.js';
import type { FieldIssue } from './errors.js';

/** `pledge.*`, or one type (`claim.paid`): the kinds of subject a bank or insurer sees events of. */
const PATTERN = new RegExp(`^(${SUBJECT_KINDS.join('|')})\\.(\\*|[a-z_]{1,40})$`);

export const matchesEvent = (patterns: readonly string[], type: string): boolean =>
  patterns.some((p) => p === type || (p.endsWith('.*') && type.startsWith(p.slice(0, -1))));

export function eventPatternIssues(patterns: readonly string[]): FieldIssue[] {
  const issues: FieldIssue[] = [];
  patterns.forEach((p, i) => {
    if (!PATTERN.test(p))
      issues.push({
        path: `events.${i}`,
        code: 'event_pattern_invalid',
        message: `must be <kind>.* or <kind>.<type> with kind one of ${SUBJECT_KINDS.join(', ')}`,
      });
  });
  return issues;
}

/** An IPv4 or IPv6 address in a private, loopback, link-local, shared or unspecified range: never a webhook target. */
export function isPrivateAddress(address: string): boolean {
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  const parts = v4.split('.').map(Number);
  if (parts.length === 4 && parts.every((n) => Number.isInteger(n) && n >= 0 && n <= 255)) {
    const [a, b] = parts as [number, number, number, number];
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      a >= 224
    );
  }
  const v6 = address.toLowerCase();
  return (
    v6 === '::' ||
    v6 === '::1' ||
    v6.startsWith('fc') ||
    v6.startsWith('fd') ||
    v6.startsWith('fe8') ||
    v6.startsWith('fe9') ||
    v6.startsWith('fea') ||
    v6.startsWith('feb') ||
    v6.startsWith('ff')
  );
}
