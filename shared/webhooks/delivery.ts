/**
 * Delivering an event to a subscriber's system, by the Standard Webhooks specification: a POST of
 * `{ type, timestamp, data }` with `webhook-id` (the event id, stable across retries so the receiver can drop a
 * repeat), `webhook-timestamp` (seconds) and `webhook-signature: v1,<base64 HMAC-SHA256 of id.timestamp.body>` under
 * the `whsec_` secret. The target is resolved and checked again at every attempt (a name may come to point at a
 * private address), redirects are not followed, and the answer must come within 5 seconds.
 */
import { createHmac } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import type { DomainEvent } from '../domain/domain-event.js';
import { isPrivateAddress } from '../domain/webhook.js';

export type TargetPolicy = 'public-only' | 'any';

export const sign = (secret: string, id: string, timestamp: number, body: string): string =>
  `v1,${createHmac('sha256', Buffer.from(secret.replace(/^whsec_/, ''), 'base64'))
    .update(`${id}.${timestamp}.${body}`)
    .digest('base64')}`;

/** Why a URL may not be a webhook target (a code and the words), or undefined when it may. */
export async function targetRefusal(
  url: string,
  policy: TargetPolicy,
): Promise<{ code: string; message: string } | undefined> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { code: 'webhook_url_invalid', message: 'is not an absolute URL' };
  }
  if (parsed.username || parsed.password)
    return { code: 'webhook_url_invalid', message: 'must not carry credentials' };
  if (parsed.protocol !== 'https:' && !(policy === 'any' && parsed.protocol === 'http:'))
    return { code: 'webhook_url_not_https', message: 'must be an https:// URL' };
  if (policy === 'any') return undefined;
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
  } catch {
    return { code: 'webhook_target_unresolvable', message: `${host} does not resolve` };
  }
  const inside = addresses.find(isPrivateAddress);
  return inside
    ? {
        code: 'webhook_target_private',
        message: `${host} resolves to ${inside}, a private or link-local address`,
      }
    : undefined;
}

export interface Attempt {
  ok: boolean;
  httpStatus?: number;
  error?: string;
}

/** One signed POST of `event` to `url`. */
export async function post(
  url: string,
  secret: string,
  event: DomainEvent,
  policy: TargetPolicy,
  now: Date,
): Promise<Attempt> {
  const refused = await targetRefusal(url, policy);
  if (refused) return { ok: false, error: refused.message };
  const timestamp = Math.floor(now.getTime() / 1000);
  const body = JSON.stringify({ type: event.type, timestamp: now.toISOString(), data: event });
  try {
    const res = await fetch(url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(5000),
      headers: {
        'content-type': 'application/json',
        'webhook-id': event.id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': sign(secret, event.id, timestamp, body),
      },
      body,
    });
    await res.body?.cancel();
    return res.status >= 200 && res.status < 300
      ? { ok: true, httpStatus: res.status }
      : { ok: false, httpStatus: res.status };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}
