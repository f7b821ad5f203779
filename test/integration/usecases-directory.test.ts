import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Identity } from '../../shared/auth/principal.js';
import { type Actor, SYSTEM_ACTOR } from '../../shared/domain/actor.js';
import type { User } from '../../shared/domain/user.js';
import { type UseCaseContext, useCaseContext } from '../../shared/usecases/context.js';
import {
  decideOrgClaim,
  fileOrgClaim,
  getOrgClaim,
  listOrgClaims,
} from '../../shared/usecases/org-claims.js';
import {
  changeUserRole,
  enrolUser,
  getUser,
  inviteUser,
  listUsers,
  type Manager,
} from '../../shared/usecases/users.js';
import { createTestPortal, type TestPortal } from '../support/portal.js';
import { refusal } from '../support/refusal.js';

/**
 * The directory's use cases called directly on DynamoDB Local, for what the HTTP tests (users.test.ts) leave open:
 * a role change into an institution that is not one of that kind, the manager flag a role change keeps or drops, what
 * a manager may read and list. Mutation testing found these unpinned (README "Mutation testing").
 */
const OFFICE: Actor = { role: 'ipoffice', org: null, sub: 'office-1' };
const BANK = 'ucdir-bank';
const OTHER_BANK = 'ucdir-other-bank';
const INSURER = 'ucdir-insurer';

describe('directory use cases', () => {
  let portal: TestPortal;
  let uc: UseCaseContext;

  beforeAll(async () => {
    portal = await createTestPortal();
    uc = useCaseContext(portal.deps);
    for (const [id, kind] of [
      [BANK, 'lender'],
      [OTHER_BANK, 'lender'],
      [INSURER, 'insurer'],
    ] as const) {
      const res = await portal.call('PUT', `/institutions/${id}`, {
        as: { role: 'ipoffice' },
        body: { kind, name: id },
      });
      expect(res.status).toBe(201);
    }
  });

  const enrol = (role: User['role'], org: string | null) =>
    enrolUser(uc, SYSTEM_ACTOR, {
      sub: `sub-${randomUUID()}`,
      email: `${randomUUID()}@x.example`,
      role,
      org,
    });
  const managerOf = async (org: string, role: 'lender' | 'insurer' = 'lender') =>
    inviteUser(uc, OFFICE, { email: `${randomUUID()}@x.example`, role, org });

  it('a role change into an institution needs one of that kind', async () => {
    const user = await enrol('enterprise', '91330784147123451K');
    const unknown = await refusal(
      changeUserRole(uc, OFFICE, { id: user.id, role: 'lender', org: 'no-such-bank' }),
    );
    expect(unknown.kind).toBe('unprocessable');
    expect(unknown.message).toBe('Institution no-such-bank is not a registered lender.');
    expect(unknown.extra.errors).toEqual([
      { path: 'org', code: 'institution_unknown', message: 'no-such-bank is not a registered lender' },
    ]);
    const wrongKind = await refusal(changeUserRole(uc, OFFICE, { id: user.id, role: 'insurer', org: BANK }));
    expect(wrongKind.extra.errors).toEqual([
      { path: 'org', code: 'institution_unknown', message: `${BANK} is not a registered insurer` },
    ]);
    const invalid = await refusal(changeUserRole(uc, OFFICE, { id: user.id, role: 'lender', org: null }));
    expect(invalid.kind).toBe('unprocessable');
    expect(invalid.message).toBe('The role change was refused.');
    const moved = await changeUserRole(uc, OFFICE, { id: user.id, role: 'insurer', org: INSURER });
    expect(moved).toMatchObject({ role: 'insurer', org: INSURER, manager: false });
  });

  it('a manager stays one into another institution, never into a company or the office', async () => {
    const toInsurer = await managerOf(BANK);
    expect(toInsurer.manager).toBe(true);
    expect(
      (await changeUserRole(uc, OFFICE, { id: toInsurer.id, role: 'insurer', org: INSURER })).manager,
    ).toBe(true);
    const toCompany = await managerOf(BANK);
    expect(
      (await changeUserRole(uc, OFFICE, { id: toCompany.id, role: 'enterprise', org: '91330784147123451K' }))
        .manager,
    ).toBe(false);
    const toOffice = await managerOf(BANK);
    expect((await changeUserRole(uc, OFFICE, { id: toOffice.id, role: 'ipoffice', org: null })).manager).toBe(
      false,
    );
    const asked = await managerOf(BANK);
    expect(
      (await changeUserRole(uc, OFFICE, { id: asked.id, role: 'lender', org: OTHER_BANK, manager: false }))
        .manager,
    ).toBe(false);
  });

  it('a manager reads the users of its own organisation and role only; staff read no one else', async () => {
    const staff = await enrol('lender', BANK);
    const elsewhere = await enrol('lender', OTHER_BANK);
    const manager: Manager = { role: 'lender', org: BANK, sub: 'm-1', manager: true };
    expect((await getUser(uc, manager, staff.id)).id).toBe(staff.id);
    const foreign = await refusal(getUser(uc, manager, elsewhere.id));
    expect(foreign.kind).toBe('not_found');
    expect(foreign.message).toContain(`User ${elsewhere.id}`);
    const insurerManager: Manager = { role: 'insurer', org: BANK, sub: 'm-2', manager: true };
    expect((await refusal(getUser(uc, insurerManager, staff.id))).kind).toBe('not_found');
    const colleague: Manager = { role: 'lender', org: BANK, sub: 'c-1', manager: false };
    expect((await refusal(getUser(uc, colleague, staff.id))).kind).toBe('not_found');
    expect((await getUser(uc, { ...colleague, sub: staff.sub }, staff.id)).id).toBe(staff.id);
    expect((await refusal(getUser(uc, manager, 'no-such-user'))).kind).toBe('not_found');
  });

  it("an institution's manager lists its own organisation only, whatever the filters say", async () => {
    const insured = await enrol('insurer', INSURER);
    const banker = await enrol('lender', OTHER_BANK);
    const insurerManager: Manager = { role: 'insurer', org: INSURER, sub: 'm-3', manager: true };
    const own = await listUsers(uc, insurerManager, { role: 'lender' }, { limit: 100 });
    expect(own.items.map((u) => u.id)).toContain(insured.id);
    expect(own.items.every((u) => u.role === 'insurer' && u.org === INSURER)).toBe(true);
    expect(await listUsers(uc, insurerManager, { org: OTHER_BANK }, { limit: 100 })).toEqual({
      items: [],
      nextCursor: null,
    });
    expect(
      (await listUsers(uc, insurerManager, { org: INSURER }, { limit: 100 })).items.map((u) => u.id),
    ).toContain(insured.id);
    // The office: by role and organisation, or everyone (a role or an organisation alone does not narrow).
    const byOrg = await listUsers(uc, OFFICE, { role: 'lender', org: OTHER_BANK }, { limit: 100 });
    expect(byOrg.items.map((u) => u.id)).toContain(banker.id);
    expect(byOrg.items.every((u) => u.org === OTHER_BANK)).toBe(true);
    const everyone = await listUsers(uc, OFFICE, { role: 'lender' }, { limit: 100 });
    expect(everyone.items.map((u) => u.id)).toEqual(expect.arrayContaining([insured.id, banker.id]));
    const orgOnly = await listUsers(uc, OFFICE, { org: OTHER_BANK }, { limit: 100 });
    expect(orgOnly.items.map((u) => u.id)).toEqual(expect.arrayContaining([insured.id, banker.id]));
  });

  const newcomer = (): Identity => ({
    sub: `sub-${randomUUID()}`,
    email: null,
    emailVerified: false,
    name: null,
  });
  const CLAIMED = '91330784147123451K';

  it('a member has nothing to claim, a bad USCC is refused, a second pending claim too — each with its reason', async () => {
    const member = await refusal(fileOrgClaim(uc, newcomer(), true, { uscc: CLAIMED }));
    expect(member.kind).toBe('conflict');
    expect(member.message).toBe('You are a portal user already; an organisation claim is for new sign-ups.');
    expect(member.extra.errors).toEqual([
      { path: 'uscc', code: 'already_member', message: 'you already belong to an organisation' },
    ]);
    const bad = await refusal(fileOrgClaim(uc, newcomer(), false, { uscc: 'nonsense' }));
    expect(bad.kind).toBe('unprocessable');
    expect(bad.message).toBe('The claim was refused.');
    const person = newcomer();
    await fileOrgClaim(uc, person, false, { uscc: CLAIMED });
    const twice = await refusal(fileOrgClaim(uc, person, false, { uscc: CLAIMED }));
    expect(twice.kind).toBe('conflict');
    expect(twice.message).toBe('You have a claim pending already; wait for the office or withdraw it.');
    expect(twice.extra.errors).toEqual([
      { path: 'uscc', code: 'claim_pending', message: 'a claim of yours is pending' },
    ]);
  });

  it('a withdrawn or rejected claim frees its claimant to claim again', async () => {
    const person = newcomer();
    const me: Actor = { role: 'enterprise', org: null, sub: person.sub };
    const first = await fileOrgClaim(uc, person, false, { uscc: CLAIMED });
    await decideOrgClaim(uc, me, { id: first.id, action: 'withdraw' });
    const second = await fileOrgClaim(uc, person, false, { uscc: CLAIMED });
    const rejected = await decideOrgClaim(uc, OFFICE, {
      id: second.id,
      action: 'reject',
      reason: 'no licence',
    });
    expect(rejected).toMatchObject({ status: 'rejected', reason: 'no licence' });
    const third = await fileOrgClaim(uc, person, false, { uscc: CLAIMED });
    expect(third.status).toBe('pending');
    // Newest first for the claimant; the office's queue by status.
    const mine = await listOrgClaims(uc, me, undefined, { limit: 10 });
    expect(mine.items.map((c) => c.id)).toEqual([third.id, second.id, first.id]);
    const rejectedQueue = await listOrgClaims(uc, OFFICE, 'rejected', { limit: 100 });
    expect(rejectedQueue.items.map((c) => c.id)).toContain(second.id);
    expect(rejectedQueue.items.every((c) => c.status === 'rejected')).toBe(true);
    const everything = await listOrgClaims(uc, OFFICE, undefined, { limit: 100 });
    expect(everything.items.map((c) => c.id)).toEqual(
      expect.arrayContaining([first.id, second.id, third.id]),
    );
  });

  it('a claim is read by the office and its claimant, 404 for anyone else or none', async () => {
    const person = newcomer();
    const claim = await fileOrgClaim(uc, person, false, { uscc: CLAIMED });
    expect((await getOrgClaim(uc, OFFICE, claim.id)).id).toBe(claim.id);
    expect((await getOrgClaim(uc, { role: 'enterprise', org: null, sub: person.sub }, claim.id)).id).toBe(
      claim.id,
    );
    const other = await refusal(
      getOrgClaim(uc, { role: 'enterprise', org: null, sub: 'someone-else' }, claim.id),
    );
    expect(other.kind).toBe('not_found');
    expect(other.message).toBe(`Organisation claim ${claim.id} was not found.`);
    expect((await refusal(getOrgClaim(uc, OFFICE, 'no-such-claim'))).kind).toBe('not_found');
  });
});
