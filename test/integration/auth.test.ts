import { randomUUID } from 'node:crypto';
import {
  createLocalJWKSet,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  type JWK,
  type JWTPayload,
  SignJWT,
} from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_AUDIENCE, LOCAL_ISSUER } from '../../shared/auth/local-issuer.js';
import { createIdentityVerifier } from '../../shared/auth/verify-token.js';
import { SYSTEM_ACTOR } from '../../shared/domain/actor.js';
import { useCaseContext } from '../../shared/usecases/context.js';
import { enrolUser } from '../../shared/usecases/users.js';
import { createTestPortal, type TestPortal } from '../support/portal.js';

/**
 * Token attacks against a real route. The portal trusts one RS256 key (kid `trusted`); the test holds
 * its private key so it can forge every variant a hostile or broken client might send. The subject `attacker` is
 * an enterprise user in the directory: a token is who someone is, never what they may do.
 */
const ENTERPRISE = '91110000600037341L';
const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

type CryptoKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

interface Keys {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
  publicKey: CryptoKey;
}

async function keyPair(kid: string): Promise<Keys> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  return { kid, privateKey, publicKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256' } };
}

const goodClaims = (): JWTPayload => ({ email: 'attacker@example.com', email_verified: true });

async function sign(
  keys: Keys,
  claims: JWTPayload = goodClaims(),
  options: { issuer?: string; audience?: string; expires?: string | number; kid?: string } = {},
): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: options.kid ?? keys.kid, typ: 'JWT' })
    .setIssuer(options.issuer ?? LOCAL_ISSUER)
    .setAudience(options.audience ?? LOCAL_AUDIENCE)
    .setSubject('attacker')
    .setIssuedAt()
    .setExpirationTime(options.expires ?? '10m')
    .sign(keys.privateKey);
}

describe('bearer token verification', () => {
  let portal: TestPortal;
  let trusted: Keys;
  let stranger: Keys;

  beforeAll(async () => {
    trusted = await keyPair('trusted');
    stranger = await keyPair(`stranger-${randomUUID()}`);
    const keys = createLocalJWKSet({ keys: [trusted.publicJwk] });
    portal = await createTestPortal({
      verifyIdentity: createIdentityVerifier({ keys, issuer: LOCAL_ISSUER, audience: LOCAL_AUDIENCE }),
    });
    await enrolUser(useCaseContext(portal.deps), SYSTEM_ACTOR, {
      sub: 'attacker',
      role: 'enterprise',
      org: ENTERPRISE,
    });
  });

  const get = (authorization?: string) =>
    portal.call('GET', '/institutions', {
      headers: authorization === undefined ? {} : { Authorization: authorization },
    });

  it('accepts a valid token', async () => {
    const res = await get(`Bearer ${await sign(trusted)}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ items: [], nextCursor: null });
  });

  it('takes the role from the directory, never from claims the token carries', async () => {
    const token = await sign(trusted, {
      'cognito:groups': ['ipoffice'],
      'custom:org': null,
      role: 'ipoffice',
    });
    const res = await portal.call('PUT', '/institutions/evil-bank', {
      headers: { Authorization: `Bearer ${token}` },
      body: { kind: 'lender', name: 'Evil' },
    });
    expect(res.status).toBe(403);
    expect(res.body.detail).toBe('The enterprise role may not call this route.');
  });

  const attacks: [string, () => Promise<string | undefined>][] = [
    ['no Authorization header', async () => undefined],
    ['an empty header', async () => ''],
    ['the Basic scheme', async () => `Basic ${Buffer.from('ipoffice:secret').toString('base64')}`],
    ['a bare token without scheme', async () => sign(trusted)],
    ['garbage', async () => 'Bearer not-a-jwt'],
    ['three garbage segments', async () => 'Bearer aaaa.bbbb.cccc'],
    [
      'a wrong issuer',
      async () => `Bearer ${await sign(trusted, goodClaims(), { issuer: 'https://evil.example' })}`,
    ],
    [
      'a wrong audience',
      async () => `Bearer ${await sign(trusted, goodClaims(), { audience: 'another-app' })}`,
    ],
    [
      'an expired token',
      async () =>
        `Bearer ${await sign(trusted, goodClaims(), { expires: Math.floor(Date.now() / 1000) - 60 })}`,
    ],
    [
      'an iat in the future',
      async () => {
        const now = Math.floor(Date.now() / 1000);
        const token = await new SignJWT(goodClaims())
          .setProtectedHeader({ alg: 'RS256', kid: trusted.kid, typ: 'JWT' })
          .setIssuer(LOCAL_ISSUER)
          .setAudience(LOCAL_AUDIENCE)
          .setSubject('attacker')
          .setIssuedAt(now + 3600)
          .setExpirationTime(now + 7200)
          .sign(trusted.privateKey);
        return `Bearer ${token}`;
      },
    ],
    [
      'an exp a century away',
      async () => `Bearer ${await sign(trusted, goodClaims(), { expires: '36500d' })}`,
    ],
    [
      'an access token (token_use access)',
      async () => `Bearer ${await sign(trusted, { token_use: 'access' })}`,
    ],
    [
      'alg none',
      async () => {
        const now = Math.floor(Date.now() / 1000);
        const payload = { ...goodClaims(), iss: LOCAL_ISSUER, aud: LOCAL_AUDIENCE, sub: 'x', exp: now + 600 };
        return `Bearer ${b64url({ alg: 'none', typ: 'JWT', kid: 'trusted' })}.${b64url(payload)}.`;
      },
    ],
    [
      'HS256 signed with the public key as the HMAC secret',
      async () => {
        const secret = new TextEncoder().encode(await exportSPKI(trusted.publicKey));
        const token = await new SignJWT(goodClaims())
          .setProtectedHeader({ alg: 'HS256', kid: 'trusted', typ: 'JWT' })
          .setIssuer(LOCAL_ISSUER)
          .setAudience(LOCAL_AUDIENCE)
          .setSubject('attacker')
          .setExpirationTime('10m')
          .sign(secret);
        return `Bearer ${token}`;
      },
    ],
    ['an unknown kid (another key pair)', async () => `Bearer ${await sign(stranger)}`],
    [
      "another key pair claiming the trusted key's kid",
      async () => `Bearer ${await sign(stranger, goodClaims(), { kid: 'trusted' })}`,
    ],
    ['no kid', async () => `Bearer ${await sign(trusted, goodClaims(), { kid: '' })}`],
    [
      'a tampered payload (subject changed, signature kept)',
      async () => {
        const genuine = await sign(trusted);
        const [header, payload, signature] = genuine.split('.');
        const claims = JSON.parse(Buffer.from(payload as string, 'base64url').toString());
        claims.sub = 'local-ipoffice';
        return `Bearer ${header}.${b64url(claims)}.${signature}`;
      },
    ],
  ];

  it.each(attacks)('answers 401 problem+json with WWW-Authenticate for %s', async (_name, authorization) => {
    const res = await get(await authorization());
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(res.body).toMatchObject({ status: 401, title: 'Unauthorized', detail: expect.any(String) });
    expect(JSON.stringify(res.body)).not.toMatch(/\bat .*\.(ts|js):\d+/);
  });

  it('checks the token before the body, so an anonymous caller learns nothing about validation', async () => {
    const res = await portal.call('PUT', '/institutions/Bad_Id', { body: { nonsense: true } });
    expect(res.status).toBe(401);
  });
});
