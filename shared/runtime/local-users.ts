import { type LocalIssuer, localSubject } from '../auth/local-issuer.js';
import type { Role } from '../auth/principal.js';
import { SYSTEM_ACTOR } from '../domain/actor.js';
import type { PortalDeps } from '../http/context.js';
import { useCaseContext } from '../usecases/context.js';
import { enrolUser } from '../usecases/users.js';

/**
 * A developer's local user of a role and organisation (`npm run token`, the seed, the local provider's quick
 * sign-in): enrolled in the directory on first use — that user and nothing else — and a token for it.
 */
export async function localUserToken(
  deps: PortalDeps,
  issuer: LocalIssuer,
  role: Role,
  org: string | null,
  ttlSeconds: number,
): Promise<string> {
  const sub = localSubject(role, org);
  await enrolUser(useCaseContext(deps), SYSTEM_ACTOR, { sub, role, org });
  return issuer.sign({ sub }, { ttlSeconds });
}
