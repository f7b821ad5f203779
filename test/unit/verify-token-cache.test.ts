import { afterEach, describe, expect, it, vi } from 'vitest';
import { ephemeralIssuer, LOCAL_AUDIENCE, LOCAL_ISSUER } from '../../shared/auth/local-issuer.js';
import { createIdentityVerifier } from '../../shared/auth/verify-token.js';
import { DomainError } from '../../shared/domain/errors.js';

describe('verified-token cache', () => {
  afterEach(() => vi.useRealTimers());

  it('answers a repeated token without verifying it again, and still refuses it once expired', async () => {
    const issuer = await ephemeralIssuer();
    const keys = vi.fn(issuer.keys);
    const verify = createIdentityVerifier({ keys, issuer: LOCAL_ISSUER, audience: LOCAL_AUDIENCE });
    const token = await issuer.sign({ sub: 'someone', email: 'A@Example.com' }, { ttlSeconds: 60 });

    const first = await verify(`Bearer ${token}`);
    const second = await verify(`Bearer ${token}`);
    expect(second).toEqual(first);
    expect(first).toEqual({ sub: 'someone', email: 'a@example.com', emailVerified: true, name: null });
    expect(keys).toHaveBeenCalledTimes(1);

    vi.useFakeTimers({ now: Date.now() + 61_000 });
    await expect(verify(`Bearer ${token}`)).rejects.toMatchObject({ kind: 'unauthenticated' });
  });

  it('never lets a tampered copy of a cached token through', async () => {
    const issuer = await ephemeralIssuer();
    const verify = createIdentityVerifier({
      keys: issuer.keys,
      issuer: LOCAL_ISSUER,
      audience: LOCAL_AUDIENCE,
    });
    const token = await issuer.sign({ sub: 'someone' });
    await verify(`Bearer ${token}`);
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: 'someone-else' })).toString('base64url');
    const error = await verify(`Bearer ${header}.${forged}.${signature}`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).kind).toBe('unauthenticated');
  });

  it('keeps at most its capacity, dropping the oldest first', async () => {
    const issuer = await ephemeralIssuer();
    const keys = vi.fn(issuer.keys);
    const verify = createIdentityVerifier({
      keys,
      issuer: LOCAL_ISSUER,
      audience: LOCAL_AUDIENCE,
      cacheSize: 2,
    });
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((sub) => issuer.sign({ sub })));
    for (const t of [a, b, c, c, b]) await verify(`Bearer ${t}`);
    expect(keys).toHaveBeenCalledTimes(3);
    await verify(`Bearer ${a}`);
    expect(keys).toHaveBeenCalledTimes(4);
  });
});
