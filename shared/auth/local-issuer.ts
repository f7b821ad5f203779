import { randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createLocalJWKSet, exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';
import type { Role } from './principal.js';

/**
 * The local signing key: an RSA key pair kept in DATA_DIR. The local OpenID Connect provider (`npm start`) signs
 * its ID tokens with it, and so do `npm run token` and the tests, as the issuer `LOCAL_ISSUER`; the local portal
 * trusts both issuers, for the one client. Never used in the deployed stack.
 */
export const LOCAL_ISSUER = 'urn:ip-finance-portal:local';
/** The portal's client id at the local provider: the audience of every local ID token. */
export const LOCAL_AUDIENCE = 'ip-finance-portal';

/** Who a local ID token names: the subject, and an address the provider verified. */
export interface LocalIdentity {
  sub: string;
  email?: string;
  name?: string;
}

export interface LocalIssuer {
  jwks: { keys: JWK[] };
  /** The private key as a JWK, for the local provider's own signing keys. */
  privateJwk: JWK;
  keys: ReturnType<typeof createLocalJWKSet>;
  sign(identity: LocalIdentity, options?: { ttlSeconds?: number }): Promise<string>;
}

/** The subject of a developer's local user of a role and organisation (`npm run token`, the tests). */
export const localSubject = (role: Role, org: string | null = null): string =>
  org ? `local-${role}-${org}` : `local-${role}`;

interface StoredKey {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

async function newKey(): Promise<StoredKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = randomUUID();
  return {
    kid,
    privateJwk: await exportJWK(privateKey),
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' },
  };
}

export async function issuerFromKey(stored: StoredKey): Promise<LocalIssuer> {
  const privateKey = await importJWK(stored.privateJwk, 'RS256');
  const jwks = { keys: [stored.publicJwk] };
  return {
    jwks,
    privateJwk: { ...stored.privateJwk, kid: stored.kid, alg: 'RS256', use: 'sig' },
    keys: createLocalJWKSet(jwks),
    async sign({ sub, email, name }, { ttlSeconds = 3600 } = {}) {
      const claims: Record<string, unknown> = email ? { email, email_verified: true } : {};
      if (name) claims.name = name;
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: stored.kid, typ: 'JWT' })
        .setIssuer(LOCAL_ISSUER)
        .setAudience(LOCAL_AUDIENCE)
        .setSubject(sub)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(privateKey);
    },
  };
}

/** Loads the key pair from `${dataDir}/signing-key.json`, creating it on first use. */
export async function loadLocalIssuer(dataDir: string): Promise<LocalIssuer> {
  const file = join(dataDir, 'signing-key.json');
  let stored: StoredKey;
  try {
    stored = JSON.parse(await readFile(file, 'utf8')) as StoredKey;
  } catch {
    stored = await newKey();
    await mkdir(dataDir, { recursive: true });
    await writeFile(file, JSON.stringify(stored), { mode: 0o600 });
  }
  return issuerFromKey(stored);
}

/** An in-memory issuer for tests. */
export const ephemeralIssuer = async (): Promise<LocalIssuer> => issuerFromKey(await newKey());
