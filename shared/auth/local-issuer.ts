import { randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createLocalJWKSet, exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';
import { GROUPS_CLAIM, ORG_CLAIM, type Role } from './principal.js';

/**
 * The local portal's stand-in for Cognito: an RSA key pair kept in DATA_DIR, tokens shaped like
 * Cognito ID tokens. Never used in the deployed stack, which verifies against the user pool's JWKS.
 */
export const LOCAL_ISSUER = 'urn:ip-finance-portal:local';
export const LOCAL_AUDIENCE = 'ip-finance-portal';

export interface LocalIssuer {
  jwks: { keys: JWK[] };
  keys: ReturnType<typeof createLocalJWKSet>;
  sign(role: Role, org?: string | null, options?: { ttlSeconds?: number; sub?: string }): Promise<string>;
}

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
    keys: createLocalJWKSet(jwks),
    async sign(role, org = null, { ttlSeconds = 3600, sub = `local-${role}` } = {}) {
      const claims: Record<string, unknown> = { [GROUPS_CLAIM]: [role], token_use: 'id' };
      if (org) claims[ORG_CLAIM] = org;
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
