import {
  decodeProtectedHeader,
  type JWTPayload,
  type JWTVerifyGetKey,
  errors as joseErrors,
  jwtVerify,
} from 'jose';
import { DomainError } from '../domain/errors.js';
import { checkUscc } from '../domain/uscc.js';
import { GROUPS_CLAIM, isRole, ORG_CLAIM, type Principal } from './principal.js';

export interface TokenVerifierConfig {
  /** Key source: a local JWKS (local portal) or Cognito's remote JWKS. */
  keys: JWTVerifyGetKey;
  issuer: string;
  audience: string;
  /** How many verified tokens to remember until they expire (0 turns the cache off). */
  cacheSize?: number;
}

export type TokenVerifier = (authorization: string | undefined) => Promise<Principal>;

const unauthenticated = (detail: string) => new DomainError('unauthenticated', detail);

/** The longest a token may be valid (`npm run token` issues 12-hour tokens; Cognito's last an hour). */
const MAX_TOKEN_LIFETIME_S = 24 * 3600;

/**
 * Verifies a bearer JWT: RS256 only, a `kid` that names a known key, issuer, audience and expiry.
 * Every failure is a 401 whose detail says what was wrong, never why a key did not match.
 */
export function createTokenVerifier(config: TokenVerifierConfig): TokenVerifier {
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
    // Cognito's ID token (and the local issuer's) says so; an access token or another kind is not for the portal.
    if (payload.token_use !== 'id') throw unauthenticated('The token\'s "token_use" claim is not accepted.');
    const principal = principalFromClaims(payload);
    verified.remember(token, principal, payload.exp as number);
    return principal;
  };
}

/**
 * Tokens already verified, until their own expiry. A client sends the same token on every request for up to an
 * hour, and an RS256 check costs several times a whole cheap request; the exact token string is the key, so a
 * changed byte is a cache miss and is verified afresh. Oldest entries are dropped first.
 */
class VerifiedTokens {
  private readonly entries = new Map<string, { principal: Principal; expiresAtMs: number }>();

  constructor(private readonly capacity: number) {}

  get(token: string): Principal | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (entry.expiresAtMs > Date.now()) return entry.principal;
    this.entries.delete(token);
    return undefined;
  }

  remember(token: string, principal: Principal, expSeconds: number): void {
    if (this.capacity === 0) return;
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(token, { principal, expiresAtMs: expSeconds * 1000 });
  }
}

/** Maps verified claims to a principal: exactly one role group, and an organisation unless ipoffice. */
export function principalFromClaims(payload: JWTPayload): Principal {
  const groups = payload[GROUPS_CLAIM];
  const roles = Array.isArray(groups) ? groups.filter(isRole) : [];
  const role = roles[0];
  if (!role || roles.length !== 1)
    throw unauthenticated(
      'The token must carry exactly one role group (enterprise, lender, insurer, ipoffice).',
    );
  const sub = payload.sub as string;
  const rawOrg = payload[ORG_CLAIM];
  if (role === 'ipoffice') {
    if (rawOrg !== undefined) throw unauthenticated(`An ipoffice token carries no "${ORG_CLAIM}".`);
    return { role, org: null, sub };
  }
  if (typeof rawOrg !== 'string' || rawOrg === '')
    throw unauthenticated(`A ${role} token must carry its organisation in "${ORG_CLAIM}".`);
  // Exactly as registered: a trailing ideographic or no-break space must not land on a real organisation.
  if (/\s/u.test(rawOrg)) throw unauthenticated(`The token's "${ORG_CLAIM}" contains spaces.`);
  if (role !== 'enterprise') return { role, org: rawOrg, sub };
  // A malformed USCC could never own anything; refusing it here keeps tenant keys well-formed.
  const uscc = checkUscc(rawOrg);
  if (!uscc.ok) throw unauthenticated(`The enterprise token's "${ORG_CLAIM}" is not a valid USCC.`);
  return { role, org: uscc.uscc, sub };
}
