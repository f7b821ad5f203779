import {
  decodeProtectedHeader,
  type JWTPayload,
  type JWTVerifyGetKey,
  errors as joseErrors,
  jwtVerify,
} from 'jose';
import { DomainError } from '../domain/errors.js';
import type { Identity } from './principal.js';

export interface IdentityVerifierConfig {
  /** Key source: the provider's JWKS (from its discovery document), or a local JWKS. */
  keys: JWTVerifyGetKey;
  /** The one trusted issuer (locally also the token script's, signed with the same key). */
  issuer: string | string[];
  /** The portal's client id at the provider: the audience of its ID tokens. */
  audience: string;
  /** How many verified tokens to remember until they expire (0 turns the cache off). */
  cacheSize?: number;
}

/** Who the bearer is, as the identity provider says: never what the bearer may do (the directory says that). */
export type IdentityVerifier = (authorization: string | undefined) => Promise<Identity>;

const unauthenticated = (detail: string) => new DomainError('unauthenticated', detail);

/** The longest a token may be valid (`npm run token` issues 12-hour tokens; providers' ID tokens last an hour). */
const MAX_TOKEN_LIFETIME_S = 24 * 3600;

/**
 * Verifies a bearer ID token of the configured OpenID Connect provider: RS256 only, a `kid` that names a known key,
 * issuer, audience and expiry. Every failure is a 401 whose detail says what was wrong, never why a key did not
 * match. Any claim about roles or organisations is ignored: those live in the portal's directory.
 */
export function createIdentityVerifier(config: IdentityVerifierConfig): IdentityVerifier {
  const verified = new VerifiedTokens(config.cacheSize ?? 1000);
  return async (authorization) => {
    const match = /^Bearer ([A-Za-z0-9_.-]+)$/.exec(authorization?.trim() ?? '');
    if (!match?.[1]) throw unauthenticated('A bearer token is required in the Authorization header.');
    const token = match[1];
    const known = verified.get(token);
    if (known) return known;
    let header: ReturnType<typeof decodeProtectedHeader>;
    try {
      header = decodeProtectedHeader(token);
    } catch {
      throw unauthenticated('The bearer token is malformed.');
    }
    if (header.alg !== 'RS256') throw unauthenticated('The token must be signed with RS256.');
    if (typeof header.kid !== 'string' || header.kid === '')
      throw unauthenticated('The token has no key id.');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, config.keys, {
        algorithms: ['RS256'],
        issuer: config.issuer,
        audience: config.audience,
        requiredClaims: ['exp', 'sub', 'iat'],
      }));
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw unauthenticated('The token has expired.');
      if (error instanceof joseErrors.JWTClaimValidationFailed)
        throw unauthenticated(`The token's "${error.claim}" claim is not accepted.`);
      if (error instanceof joseErrors.JOSEError) throw unauthenticated('The token could not be verified.');
      throw error;
    }
    // Issued in the past (a minute of clock skew allowed), and for a day at most.
    if ((payload.iat as number) > Date.now() / 1000 + 60)
      throw unauthenticated('The token was issued in the future.');
    if ((payload.exp as number) - (payload.iat as number) > MAX_TOKEN_LIFETIME_S)
      throw unauthenticated('The token is valid for longer than 24 hours; the portal accepts none such.');
    // Cognito marks its tokens: an access token is not an ID token, whatever its audience.
    if (payload.token_use !== undefined && payload.token_use !== 'id')
      throw unauthenticated('The token\'s "token_use" claim is not accepted.');
    const identity = identityFromClaims(payload);
    verified.remember(token, identity, payload.exp as number);
    return identity;
  };
}

/**
 * Tokens already verified, until their own expiry. A client sends the same token on every request for up to an
 * hour, and an RS256 check costs several times a whole cheap request; the exact token string is the key, so a
 * changed byte is a cache miss and is verified afresh. Oldest entries are dropped first.
 */
class VerifiedTokens {
  private readonly entries = new Map<string, { identity: Identity; expiresAtMs: number }>();

  constructor(private readonly capacity: number) {}

  get(token: string): Identity | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (entry.expiresAtMs > Date.now()) return entry.identity;
    this.entries.delete(token);
    return undefined;
  }

  remember(token: string, identity: Identity, expSeconds: number): void {
    if (this.capacity === 0) return;
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(token, { identity, expiresAtMs: expSeconds * 1000 });
  }
}

/** Who the token says the bearer is: the subject, and the e-mail address only when the provider verified it. */
export function identityFromClaims(payload: JWTPayload): Identity {
  const text = (claim: string) => {
    const value = payload[claim];
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
  };
  const email = text('email');
  return {
    sub: payload.sub as string,
    email: email?.toLowerCase() ?? null,
    emailVerified: email !== null && payload.email_verified === true,
    name: text('name'),
  };
}
