import { beforeAll, describe, expect, it } from 'vitest';
import type { Identity } from '../../shared/auth/principal.js';
import type { Actor } from '../../shared/domain/actor.js';
import { aggregateKey, openOrgClaimKey } from '../../shared/store/keys.js';
import { type UseCaseContext, useCaseContext } from '../../shared/usecases/context.js';
import { decideOrgClaim, fileOrgClaim, getOrgClaim } from '../../shared/usecases/org-claims.js';
import { callerOf, enrolUser } from '../../shared/usecases/users.js';
import { interleavingClient } from '../support/interleave.js';
import { yiwu } from '../support/pledge-fixtures.js';
import { createTestPortal, type TestPortal } from '../support/portal.js';
import { refusal } from '../support/refusal.js';
import { storedEvents, storedItem } from '../support/stored-items.js';

/**
 * Organisation claims through their use cases: the events and the open-claim lock of each step, the approval's
 * enrolment and its race with another enrolment, and who may read a claim.
 */
const OFFICE: Actor = { role: 'ipoffice', org: null, sub: 'clerk' };
const USCC = yiwu('MA2H00001');

describe('organisation claim use cases', () => {
  let portal: TestPortal;
  let uc: UseCaseContext;
  let n = 0;
  const newcomer = (): Identity => {
    const sub = `newcomer-${++n}`;
    return { sub, email: `${sub}@example.com`, emailVerified: true, name: `Newcomer ${n}` };
  };
  const lockOf = (sub: string) => storedItem(portal, openOrgClaimKey(sub).pk, openOrgClaimKey(sub).sk);
  const eventsOf = async (id: string) =>
    (await storedEvents(portal, aggregateKey('org_claim', id).pk)).map((e) => [e.type, e.data, e.audience]);

  beforeAll(async () => {
    portal = await createTestPortal();
    uc = useCaseContext(portal.deps);
  });

  it('filing takes the lock and tells only the office; a rejection with its reason frees it', async () => {
    const who = newcomer();
    const claim = await fileOrgClaim(uc, who, false, { uscc: USCC });
    expect(await lockOf(who.sub)).toMatchObject({ claimId: claim.id });
    const rejected = await decideOrgClaim(uc, OFFICE, {
      id: claim.id,
      action: 'reject',
      reason: '执照不清晰',
    });
    expect([rejected.status, rejected.reason]).toEqual(['rejected', '执照不清晰']);
    expect(await lockOf(who.sub)).toBeUndefined();
    expect(await eventsOf(claim.id)).toEqual([
      ['org_claim.filed', { uscc: USCC }, []],
      ['org_claim.rejected', { reason: '执照不清晰' }, []],
    ]);
    // Free again: the same identity may file anew.
    expect((await fileOrgClaim(uc, who, false, { uscc: USCC })).status).toBe('pending');
  });

  it('a withdrawal without a reason records none and frees the lock', async () => {
    const who = newcomer();
    const claim = await fileOrgClaim(uc, who, false, { uscc: USCC });
    const claimant: Actor = { role: 'enterprise', org: null, sub: who.sub };
    const withdrawn = await decideOrgClaim(uc, claimant, { id: claim.id, action: 'withdraw' });
    expect(withdrawn).not.toHaveProperty('reason');
    expect(await eventsOf(claim.id)).toEqual([
      ['org_claim.filed', { uscc: USCC }, []],
      ['org_claim.withdrawn', {}, []],
    ]);
    expect(await lockOf(who.sub)).toBeUndefined();
  });

  it('an approval enrols the claimant, who acts for the enterprise at once', async () => {
    const who = newcomer();
    const claim = await fileOrgClaim(uc, who, false, { uscc: USCC });
    expect((await callerOf(uc, who)).principal).toBeUndefined();
    const approved = await decideOrgClaim(uc, OFFICE, { id: claim.id, action: 'approve' });
    expect(approved.userId).toEqual(expect.any(String));
    expect(await eventsOf(claim.id)).toEqual([
      ['org_claim.filed', { uscc: USCC }, []],
      ['org_claim.approved', { uscc: USCC, userId: approved.userId }, []],
    ]);
    expect(await lockOf(who.sub)).toBeUndefined();
    expect((await callerOf(uc, who)).principal).toMatchObject({
      role: 'enterprise',
      org: USCC,
      userId: approved.userId,
    });
  });

  it('a claimant enrolled meanwhile cannot be approved: 409, and the claim stays pending', async () => {
    const who = newcomer();
    const claim = await fileOrgClaim(uc, who, false, { uscc: USCC });
    const interleaving = interleavingClient();
    interleaving.beforeNext(() => enrolUser(uc, OFFICE, { sub: who.sub, role: 'enterprise', org: USCC }));
    const raced = useCaseContext({ ...portal.deps, db: interleaving.db });
    const e = await refusal(decideOrgClaim(raced, OFFICE, { id: claim.id, action: 'approve' }));
    expect([e.kind, e.message, e.extra.errors]).toEqual([
      'conflict',
      'The claimant has become a portal user meanwhile; reject this claim instead.',
      [{ path: 'id', code: 'already_member', message: 'the claimant is a user already' }],
    ]);
    expect((await getOrgClaim(uc, OFFICE, claim.id)).status).toBe('pending');
  });

  it('a claim is the claimant’s and the office’s to read', async () => {
    const who = newcomer();
    const claim = await fileOrgClaim(uc, who, false, { uscc: USCC });
    expect((await getOrgClaim(uc, { role: 'enterprise', org: null, sub: who.sub }, claim.id)).id).toBe(
      claim.id,
    );
    for (const actor of [
      { role: 'enterprise', org: null, sub: 'someone-else' },
      { role: 'enterprise', org: USCC },
    ] as Actor[]) {
      const e = await refusal(getOrgClaim(uc, actor, claim.id));
      expect([e.kind, e.message]).toEqual(['not_found', `Organisation claim ${claim.id} was not found.`]);
    }
  });
});
