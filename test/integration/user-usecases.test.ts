import { beforeAll, describe, expect, it } from 'vitest';
import type { Identity } from '../../shared/auth/principal.js';
import { type Actor, SYSTEM_ACTOR } from '../../shared/domain/actor.js';
import { aggregateKey } from '../../shared/store/keys.js';
import { type UseCaseContext, useCaseContext } from '../../shared/usecases/context.js';
import { saveInstitution } from '../../shared/usecases/institutions.js';
import { decideOrgClaim, fileOrgClaim } from '../../shared/usecases/org-claims.js';
import {
  callerOf,
  enrolUser,
  type IdentityAdmin,
  inviteUser,
  type Manager,
  setUserEnabled,
  whoAmI,
} from '../../shared/usecases/users.js';
import { interleavingClient } from '../support/interleave.js';
import { yiwu } from '../support/pledge-fixtures.js';
import { createTestPortal, type TestPortal } from '../support/portal.js';
import { refusal } from '../support/refusal.js';
import { storedEvents } from '../support/stored-items.js';

/**
 * The user directory's use cases, called directly: invitations (who may invite whom, every refusal whole, the
 * record and event), the first sign-in that binds an invitation, a disabled account, enrolment, and who-am-I.
 */
const OFFICE: Actor = { role: 'ipoffice', org: null, sub: 'clerk' };
const BANK = 'uu-bank';
const INSURER = 'uu-insurer';

describe('user use cases', () => {
  let portal: TestPortal;
  let uc: UseCaseContext;
  let n = 0;
  const email = () => `person-${++n}@example.com`;
  const identity = (address: string | null, over: Partial<Identity> = {}): Identity => ({
    sub: `sub-${++n}`,
    email: address,
    emailVerified: true,
    name: null,
    ...over,
  });
  const refused = async (p: Promise<unknown>) => {
    const e = await refusal(p);
    return { kind: e.kind, message: e.message, ...(e.extra.errors ? { errors: e.extra.errors } : {}) };
  };
  const bankManager: Manager = { role: 'lender', org: BANK, sub: 'boss', manager: true };

  beforeAll(async () => {
    portal = await createTestPortal();
    uc = useCaseContext(portal.deps);
    await saveInstitution(uc, { id: BANK, kind: 'lender', name: BANK });
    await saveInstitution(uc, { id: INSURER, kind: 'insurer', name: INSURER });
  });

  describe('invitations', () => {
    it("the office's invitation of a bank's first user makes a manager; the record and event say who and what", async () => {
      const address = email();
      const invited: string[] = [];
      const admin: IdentityAdmin = {
        invite: async (e) => void invited.push(e),
        setEnabled: async () => undefined,
      };
      const user = await inviteUser(
        uc,
        { ...OFFICE, manager: true },
        { email: address.toUpperCase(), role: 'lender', org: BANK, name: '王经理' },
        { identityAdmin: admin },
      );
      expect(user).toMatchObject({
        status: 'invited',
        email: address,
        name: '王经理',
        role: 'lender',
        org: BANK,
        manager: true,
        invitedBy: { role: 'ipoffice', org: null, sub: 'clerk' },
        version: 1,
      });
      expect(invited).toEqual([address]);
      const [event] = await storedEvents(portal, aggregateKey('user', user.id).pk);
      expect(event).toMatchObject({
        type: 'user.invited',
        data: { email: address, role: 'lender', org: BANK, manager: true },
        audience: [`lender:${BANK}`],
      });
      const staff = await inviteUser(uc, OFFICE, {
        email: email(),
        role: 'enterprise',
        org: yiwu('MA2U00001'),
      });
      expect([staff.manager, staff]).toEqual([
        false,
        expect.not.objectContaining({ name: expect.anything() }),
      ]);
      const insurerUser = await inviteUser(uc, OFFICE, {
        email: email(),
        role: 'insurer',
        org: INSURER,
        manager: false,
      });
      expect(insurerUser.manager).toBe(false);
      const office = await inviteUser(uc, OFFICE, { email: email(), role: 'ipoffice' });
      expect([office.manager, office.org]).toEqual([false, null]);
      const [officeEvent] = await storedEvents(portal, aggregateKey('user', office.id).pk);
      expect(officeEvent!.audience).toEqual([]);
    });

    it("a bank's manager invites its own staff, never a manager; the record keeps the manager without its standing", async () => {
      const staff = await inviteUser(uc, bankManager, { email: email(), role: 'lender' });
      expect([staff.role, staff.org, staff.manager, staff.invitedBy]).toEqual([
        'lender',
        BANK,
        false,
        { role: 'lender', org: BANK, sub: 'boss' },
      ]);
      const ownOnly = {
        kind: 'unprocessable',
        message: 'A manager invites staff of its own organisation only.',
        errors: [{ path: 'role', code: 'own_organisation_only', message: `must be lender of ${BANK}` }],
      };
      expect(await refused(inviteUser(uc, bankManager, { email: email(), role: 'insurer' }))).toEqual(
        ownOnly,
      );
      expect(
        await refused(inviteUser(uc, bankManager, { email: email(), role: 'lender', org: 'other-bank' })),
      ).toEqual(ownOnly);
      expect((await inviteUser(uc, bankManager, { email: email(), role: 'lender', org: BANK })).org).toBe(
        BANK,
      );
      expect(
        await refused(inviteUser(uc, bankManager, { email: email(), role: 'lender', manager: true })),
      ).toEqual({
        kind: 'unprocessable',
        message: 'Only the IP office makes a user a manager.',
        errors: [{ path: 'manager', code: 'office_only', message: 'only the IP office makes a manager' }],
      });
      expect(
        await refused(
          inviteUser(uc, { role: 'lender', org: BANK, sub: 'clerk' }, { email: email(), role: 'lender' }),
        ),
      ).toEqual({
        kind: 'forbidden',
        message: 'Only the IP office and your organisation’s managers administer users.',
      });
    });

    it('refuses a taken address, an unknown institution and a bad membership, each whole', async () => {
      const address = email();
      await inviteUser(uc, OFFICE, { email: address, role: 'ipoffice' });
      const taken = {
        kind: 'conflict',
        message: `${address} is already in the portal's directory.`,
        errors: [{ path: 'email', code: 'email_taken', message: 'this address already has a user' }],
      };
      expect(await refused(inviteUser(uc, OFFICE, { email: address, role: 'ipoffice' }))).toEqual(taken);
      expect(await refused(inviteUser(uc, OFFICE, { email: email(), role: 'insurer', org: BANK }))).toEqual({
        kind: 'unprocessable',
        message: `Institution ${BANK} is not a registered insurer.`,
        errors: [
          { path: 'org', code: 'institution_unknown', message: `${BANK} is not a registered insurer` },
        ],
      });
      const membership = await refused(inviteUser(uc, OFFICE, { email: email(), role: 'lender', org: null }));
      expect([membership.kind, membership.message]).toEqual(['unprocessable', 'The invitation was refused.']);
      expect(membership.errors).toEqual([expect.objectContaining({ path: 'org' })]);
    });

    it('an address taken while the invitation was written is a 409 too', async () => {
      const address = email();
      const interleaving = interleavingClient();
      interleaving.beforeNext(() => inviteUser(uc, OFFICE, { email: address, role: 'ipoffice' }));
      const raced = useCaseContext({ ...portal.deps, db: interleaving.db });
      expect(await refused(inviteUser(raced, OFFICE, { email: address, role: 'ipoffice' }))).toEqual({
        kind: 'conflict',
        message: `${address} is already in the portal's directory.`,
        errors: [{ path: 'email', code: 'email_taken', message: 'this address already has a user' }],
      });
    });
  });

  describe('the first sign-in', () => {
    it('binds an invitation to a verified address, taking the name from the provider when it has none', async () => {
      const address = email();
      const invite = await inviteUser(uc, OFFICE, { email: address, role: 'ipoffice' });
      const who = identity(address, { name: '李文' });
      const caller = await callerOf(uc, who);
      expect(caller.principal).toEqual({
        role: 'ipoffice',
        org: null,
        sub: who.sub,
        userId: invite.id,
        manager: false,
      });
      const bound = (await whoAmI(uc, caller)).user!;
      expect([bound.status, bound.sub, bound.name]).toEqual(['active', who.sub, '李文']);
      // A name the invitation gave stays.
      const named = email();
      await inviteUser(uc, OFFICE, { email: named, role: 'ipoffice', name: '原名' });
      const other = await callerOf(uc, identity(named, { name: '新名' }));
      expect((await whoAmI(uc, other)).user!.name).toBe('原名');
    });

    it('an unverified address, an address bound to someone else or a disabled invitation binds nothing', async () => {
      const address = email();
      await inviteUser(uc, OFFICE, { email: address, role: 'ipoffice' });
      expect((await callerOf(uc, identity(address, { emailVerified: false }))).principal).toBeUndefined();
      expect((await callerOf(uc, identity(null))).principal).toBeUndefined();
      const first = identity(address);
      expect((await callerOf(uc, first)).principal?.sub).toBe(first.sub);
      expect((await callerOf(uc, identity(address))).principal).toBeUndefined();

      const disabledAddress = email();
      const invite = await inviteUser(uc, OFFICE, { email: disabledAddress, role: 'ipoffice' });
      await setUserEnabled(uc, OFFICE, { id: invite.id, enabled: false });
      expect((await callerOf(uc, identity(disabledAddress))).principal).toBeUndefined();
    });

    it('a disabled account is refused with whom it names, at once on this instance and at the provider', async () => {
      const address = email();
      const who = identity(address);
      await inviteUser(uc, OFFICE, { email: address, role: 'ipoffice' });
      const { principal } = await callerOf(uc, who);
      const told: [string, boolean][] = [];
      const admin: IdentityAdmin = {
        invite: async () => undefined,
        setEnabled: async (e, on) => void told.push([e, on]),
      };
      await setUserEnabled(uc, OFFICE, { id: principal!.userId!, enabled: false }, admin);
      expect(told).toEqual([[address, false]]);
      expect(await refused(callerOf(uc, who))).toEqual({
        kind: 'forbidden',
        message: `The account ${address} has been disabled.`,
        errors: [
          {
            path: 'header.Authorization',
            code: 'account_disabled',
            message: 'this account has been disabled; ask your administrator',
          },
        ],
      });
      const enrolled = await enrolUser(uc, SYSTEM_ACTOR, { sub: 'no-mail', role: 'ipoffice', org: null });
      await setUserEnabled(uc, OFFICE, { id: enrolled.id, enabled: false }, admin);
      expect(told).toHaveLength(1);
      expect((await refused(callerOf(uc, identity(null, { sub: 'no-mail' })))).message).toBe(
        'The account no-mail has been disabled.',
      );
    });
  });

  describe('enrolment and who-am-I', () => {
    it('enrols once: the same subject again is answered as it is; a bad membership is refused', async () => {
      const org = yiwu('MA2U00002');
      const user = await enrolUser(uc, SYSTEM_ACTOR, {
        sub: 'enrol-1',
        email: 'E1@Example.com',
        role: 'enterprise',
        org,
        name: '张',
      });
      expect(user).toMatchObject({
        status: 'active',
        email: 'e1@example.com',
        name: '张',
        org,
        sub: 'enrol-1',
        manager: false,
      });
      const [event] = await storedEvents(portal, aggregateKey('user', user.id).pk);
      expect(event).toMatchObject({
        type: 'user.enabled',
        data: { role: 'enterprise', org },
        audience: [`enterprise:${org}`],
      });
      expect(await enrolUser(uc, SYSTEM_ACTOR, { sub: 'enrol-1', role: 'lender', org: BANK })).toEqual(user);
      const bad = await refused(
        enrolUser(uc, SYSTEM_ACTOR, { sub: 'enrol-2', role: 'enterprise', org: null }),
      );
      expect([bad.kind, bad.message]).toEqual(['unprocessable', 'The user was refused.']);
      expect(bad.errors).toEqual([expect.objectContaining({ path: 'org' })]);
    });

    it('an enrolment raced by another of the same subject answers that one', async () => {
      const interleaving = interleavingClient();
      interleaving.beforeNext(() =>
        enrolUser(uc, SYSTEM_ACTOR, { sub: 'enrol-race', role: 'ipoffice', org: null }),
      );
      const raced = useCaseContext({ ...portal.deps, db: interleaving.db });
      const answered = await enrolUser(raced, SYSTEM_ACTOR, {
        sub: 'enrol-race',
        role: 'ipoffice',
        org: null,
      });
      const { principal } = await callerOf(uc, identity(null, { sub: 'enrol-race' }));
      expect(answered.id).toBe(principal!.userId);
    });

    it('who-am-I shows a newcomer its latest claim, and a member its entry', async () => {
      const who = identity(email());
      const older = await fileOrgClaim(uc, who, false, { uscc: yiwu('MA2U00003') });
      await decideOrgClaim(
        uc,
        { role: 'enterprise', org: null, sub: who.sub },
        { id: older.id, action: 'withdraw' },
      );
      await new Promise((r) => setTimeout(r, 5));
      const latest = await fileOrgClaim(uc, who, false, { uscc: yiwu('MA2U00004') });
      const me = await whoAmI(uc, await callerOf(uc, who));
      expect([me.user, me.latestClaim?.id, me.identity]).toEqual([null, latest.id, who]);
    });
  });
});
