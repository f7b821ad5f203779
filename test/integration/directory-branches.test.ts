import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Identity } from '../../shared/auth/principal.js';
import { type Actor, SYSTEM_ACTOR } from '../../shared/domain/actor.js';
import type { LendingPolicy } from '../../shared/domain/lending-policy.js';
import type { User } from '../../shared/domain/user.js';
import { aggregateKey, userEmailKey } from '../../shared/store/keys.js';
import { type UseCaseContext, useCaseContext } from '../../shared/usecases/context.js';
import { getEnterprise, saveEnterprise } from '../../shared/usecases/enterprises.js';
import {
  getInstitution,
  saveInstitution,
  setLendingPolicy,
  setRates,
} from '../../shared/usecases/institutions.js';
import { decideOrgClaim, fileOrgClaim } from '../../shared/usecases/org-claims.js';
import {
  callerOf,
  changeUserRole,
  enrolUser,
  getUser,
  type IdentityAdmin,
  inviteUser,
  listUsers,
  rememberCaller,
  setUserEnabled,
  whoAmI,
} from '../../shared/usecases/users.js';
import { interleavingClient } from '../support/interleave.js';
import { createTestPortal, type TestPortal } from '../support/portal.js';
import { refusal } from '../support/refusal.js';
import { storedEvents } from '../support/stored-items.js';

/**
 * The directory's use cases (enterprises, institutions, users, organisation claims) called directly, each refusal
 * compared whole, the records and events they write, and the concurrent-write branches (README "Mutation testing").
 */
const OFFICE: Actor = { role: 'ipoffice', org: null, sub: 'office-b' };
const DEFAULT_LTV = { invention: 2500, utility_model: 1500, design: 1500, trademark: 5000 };
const USCC = '91330784147123451K';

const short = () => randomUUID().slice(0, 8);
const email = () => `${short()}@dir.example`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const recordingAdmin = () => {
  const calls: unknown[][] = [];
  const admin: IdentityAdmin = {
    invite: async (e, n) => {
      calls.push(['invite', e, n]);
    },
    setEnabled: async (e, on) => {
      calls.push(['setEnabled', e, on]);
    },
  };
  return { admin, calls };
};

describe('directory use cases, branch by branch', () => {
  let portal: TestPortal;
  let uc: UseCaseContext;
  let BANK: string;
  let INSURER: string;

  beforeAll(async () => {
    portal = await createTestPortal();
    uc = useCaseContext(portal.deps);
    BANK = `bank-${short()}`;
    INSURER = `ins-${short()}`;
    await saveInstitution(uc, { id: BANK, kind: 'lender', name: 'Bank' });
    await saveInstitution(uc, { id: INSURER, kind: 'insurer', name: 'Insurer' });
  });

  const events = async (id: string) =>
    (await storedEvents(portal, aggregateKey('user', id).pk)).map((e) => ({
      type: e.type,
      action: e.action,
      actor: e.actor,
      data: e.data,
      audience: e.audience,
    }));
  const claimEvents = async (id: string) =>
    (await storedEvents(portal, aggregateKey('org_claim', id).pk)).map((e) => ({
      type: e.type,
      data: e.data,
      audience: e.audience,
    }));
  const interleaved = () => {
    const il = interleavingClient();
    return { il, ucI: useCaseContext({ ...portal.deps, db: il.db }) };
  };

  // ---- institutions ----------------------------------------------------------------------------------------------

  it('an institution as created, renamed (keeping its policy or rates and its creation time) and viewed', async () => {
    const id = `l-${short()}`;
    const created = await saveInstitution(uc, { id, kind: 'lender', name: 'First' });
    const at = created.institution.createdAt;
    expect(created).toStrictEqual({
      created: true,
      institution: {
        id,
        kind: 'lender',
        name: 'First',
        lendingPolicy: { maxLtvBps: DEFAULT_LTV },
        version: 1,
        createdAt: at,
        updatedAt: at,
      },
    });
    const policy: LendingPolicy = { maxLtvBps: { ...DEFAULT_LTV, invention: 3000 }, penaltyFactorBps: 12000 };
    expect(await setLendingPolicy(uc, OFFICE, { id, policy, expectedVersion: 1 })).toMatchObject({
      version: 2,
      lendingPolicy: policy,
    });
    await sleep(5);
    const renamed = await saveInstitution(uc, { id, kind: 'lender', name: 'Second' });
    expect(renamed.created).toBe(false);
    expect(renamed.institution).toStrictEqual({
      id,
      kind: 'lender',
      name: 'Second',
      lendingPolicy: policy,
      version: 3,
      createdAt: at,
      updatedAt: renamed.institution.updatedAt,
    });
    expect(renamed.institution.updatedAt > at).toBe(true);
    expect(await getInstitution(uc, id)).toStrictEqual(renamed.institution);

    const iid = `i-${short()}`;
    const insurer = await saveInstitution(uc, { id: iid, kind: 'insurer', name: 'Ins' });
    expect(insurer.institution).toStrictEqual({
      id: iid,
      kind: 'insurer',
      name: 'Ins',
      version: 1,
      createdAt: insurer.institution.createdAt,
      updatedAt: insurer.institution.createdAt,
    });
    const rates = [{ line: 'enforcement_cost' as const, rateBps: 120 }];
    const rated = await setRates(uc, OFFICE, { id: iid, rates });
    expect(rated).toStrictEqual({ ...insurer.institution, rates, version: 2, updatedAt: rated.updatedAt });
    const renamedInsurer = await saveInstitution(uc, { id: iid, kind: 'insurer', name: 'Ins 2' });
    expect(renamedInsurer.institution).toStrictEqual({
      ...rated,
      name: 'Ins 2',
      version: 3,
      updatedAt: renamedInsurer.institution.updatedAt,
    });
    expect(await getInstitution(uc, iid)).toStrictEqual(renamedInsurer.institution);
  });

  it("an institution's kind never changes; unknown or foreign ones are 404 with their id", async () => {
    const kind = await refusal(saveInstitution(uc, { id: BANK, kind: 'insurer', name: 'x' }));
    expect([kind.kind, kind.message, kind.extra]).toEqual([
      'conflict',
      `Institution ${BANK} is a lender; its kind cannot change.`,
      {},
    ]);
    const gone = `nope-${short()}`;
    const notFoundOf = (id: string) => ['not_found', `Institution ${id} was not found.`];
    const policy: LendingPolicy = { maxLtvBps: DEFAULT_LTV };
    const asErr = async (p: Promise<unknown>) => {
      const e = await refusal(p);
      return [e.kind, e.message];
    };
    expect(await asErr(getInstitution(uc, gone))).toEqual(notFoundOf(gone));
    expect(await asErr(setLendingPolicy(uc, OFFICE, { id: gone, policy }))).toEqual(notFoundOf(gone));
    expect(
      await asErr(setLendingPolicy(uc, { role: 'lender', org: 'other-bank' }, { id: BANK, policy })),
    ).toEqual(notFoundOf(BANK));
    expect(await asErr(setRates(uc, OFFICE, { id: gone, rates: [] }))).toEqual(notFoundOf(gone));
    expect(
      await asErr(setRates(uc, { role: 'insurer', org: 'other-ins' }, { id: INSURER, rates: [] })),
    ).toEqual(notFoundOf(INSURER));
  });

  it('a lending policy only for a lender, rates only for an insurer, each checked', async () => {
    const notLender = await refusal(
      setLendingPolicy(uc, OFFICE, { id: INSURER, policy: { maxLtvBps: DEFAULT_LTV } }),
    );
    expect([notLender.kind, notLender.message, notLender.extra]).toEqual([
      'unprocessable',
      `Institution ${INSURER} is an insurer; only lenders have a lending policy.`,
      {
        errors: [
          {
            path: 'param.id',
            code: 'not_a_lender',
            message: 'is an insurer; only lenders have a lending policy',
          },
        ],
      },
    ]);
    const notInsurer = await refusal(setRates(uc, OFFICE, { id: BANK, rates: [] }));
    expect([notInsurer.kind, notInsurer.message, notInsurer.extra]).toEqual([
      'unprocessable',
      `Institution ${BANK} is a lender; only insurers have premium rates.`,
      {
        errors: [
          {
            path: 'param.id',
            code: 'not_an_insurer',
            message: 'is a lender; only insurers have premium rates',
          },
        ],
      },
    ]);
    const badPolicy = await refusal(
      setLendingPolicy(
        uc,
        { role: 'lender', org: BANK },
        {
          id: BANK,
          policy: {
            maxLtvBps: DEFAULT_LTV,
            classificationDays: { specialMention: 10, substandard: 10, doubtful: 100, loss: 200 },
          },
        },
      ),
    );
    expect([badPolicy.kind, badPolicy.message, badPolicy.extra]).toEqual([
      'unprocessable',
      'The lending policy was refused.',
      {
        errors: [
          {
            path: 'classificationDays.substandard',
            code: 'classification_days_not_increasing',
            message: 'must be more than specialMention (10)',
          },
        ],
      },
    ]);
    const badRates = await refusal(
      setRates(
        uc,
        { role: 'insurer', org: INSURER },
        {
          id: INSURER,
          rates: [
            { line: 'enforcement_cost', rateBps: 1 },
            { line: 'enforcement_cost', rateBps: 2 },
          ],
        },
      ),
    );
    expect([badRates.kind, badRates.message, badRates.extra]).toEqual([
      'unprocessable',
      'The rate table was refused.',
      {
        errors: [
          { path: 'rates.1.line', code: 'duplicate_line', message: 'enforcement_cost is rated twice' },
        ],
      },
    ]);
  });

  it('an institution written meanwhile is a 409, for a rename, a policy and rates alike', async () => {
    const concurrently = 'The institution was changed concurrently; reload and retry.';
    const { il, ucI } = interleaved();
    il.beforeNext(() => saveInstitution(uc, { id: BANK, kind: 'lender', name: 'Meanwhile' }));
    const renamed = await refusal(saveInstitution(ucI, { id: BANK, kind: 'lender', name: 'Late' }));
    expect([renamed.kind, renamed.message]).toEqual(['conflict', concurrently]);
    il.beforeNext(() => saveInstitution(uc, { id: BANK, kind: 'lender', name: 'Meanwhile 2' }));
    const policy = await refusal(
      setLendingPolicy(ucI, OFFICE, { id: BANK, policy: { maxLtvBps: DEFAULT_LTV } }),
    );
    expect([policy.kind, policy.message]).toEqual(['conflict', concurrently]);
    il.beforeNext(() => saveInstitution(uc, { id: INSURER, kind: 'insurer', name: 'Meanwhile' }));
    const rates = await refusal(setRates(ucI, OFFICE, { id: INSURER, rates: [] }));
    expect([rates.kind, rates.message]).toEqual(['conflict', concurrently]);
    expect(il.waiting()).toBe(false);
  });

  // ---- enterprises -----------------------------------------------------------------------------------------------

  it('an enterprise registers only itself, is read by itself and the office, 404 with its USCC otherwise', async () => {
    const uscc = `E${short().toUpperCase()}`;
    const self: Actor = { role: 'enterprise', org: uscc, sub: 'e-1' };
    const other = await refusal(
      saveEnterprise(uc, self, { uscc: `X${uscc}`, divisionCode: '330100', input: { name: 'n' } }),
    );
    expect([other.kind, other.message]).toEqual([
      'forbidden',
      'An enterprise may only register or update its own USCC.',
    ]);
    const { enterprise, created } = await saveEnterprise(uc, self, {
      uscc,
      divisionCode: '330100',
      input: { name: 'Co' },
    });
    expect(created).toBe(true);
    expect(enterprise).toStrictEqual({
      uscc,
      name: 'Co',
      divisionCode: '330100',
      version: 1,
      createdAt: enterprise.createdAt,
      updatedAt: enterprise.createdAt,
    });
    const withIndustry = await saveEnterprise(uc, OFFICE, {
      uscc,
      divisionCode: '330100',
      input: { name: 'Co', industry: 'textiles' },
      expectedVersion: 1,
    });
    expect(withIndustry).toStrictEqual({
      created: false,
      enterprise: {
        ...enterprise,
        industry: 'textiles',
        version: 2,
        updatedAt: withIndustry.enterprise.updatedAt,
      },
    });
    expect(await getEnterprise(uc, self, uscc)).toStrictEqual({
      ...withIndustry.enterprise,
      designations: [],
    });
    const foreign = await refusal(getEnterprise(uc, { role: 'enterprise', org: 'OTHER', sub: 'o' }, uscc));
    expect([foreign.kind, foreign.message]).toEqual(['not_found', `Enterprise ${uscc} was not found.`]);
    const unknown = `U${short().toUpperCase()}`;
    const none = await refusal(getEnterprise(uc, OFFICE, unknown));
    expect([none.kind, none.message]).toEqual(['not_found', `Enterprise ${unknown} was not found.`]);
  });

  it('an enterprise written meanwhile is a 409', async () => {
    const uscc = `C${short().toUpperCase()}`;
    const { il, ucI } = interleaved();
    il.beforeNext(() =>
      saveEnterprise(uc, OFFICE, { uscc, divisionCode: '330100', input: { name: 'First' } }),
    );
    const late = await refusal(
      saveEnterprise(ucI, OFFICE, { uscc, divisionCode: '330100', input: { name: 'L' } }),
    );
    expect([late.kind, late.message]).toEqual([
      'conflict',
      'The enterprise was changed concurrently; reload and retry.',
    ]);
  });

  // ---- users -----------------------------------------------------------------------------------------------------

  it('an invitation by the office: the user, its events, the provider told, the default manager flag', async () => {
    const { admin, calls } = recordingAdmin();
    const address = email();
    const lender = await inviteUser(
      uc,
      SYSTEM_ACTOR,
      { email: address.toUpperCase(), role: 'lender', org: BANK, name: 'Wang' },
      { identityAdmin: admin },
    );
    expect(lender).toStrictEqual({
      id: lender.id,
      status: 'invited',
      email: address,
      name: 'Wang',
      role: 'lender',
      org: BANK,
      manager: true,
      invitedBy: { role: 'system', org: null },
      version: 1,
      createdAt: lender.createdAt,
      updatedAt: lender.createdAt,
    });
    expect(calls).toEqual([['invite', address, 'Wang']]);
    expect(await events(lender.id)).toEqual([
      {
        type: 'user.invited',
        action: 'invite',
        actor: { role: 'system', org: null },
        data: { email: address, role: 'lender', org: BANK, manager: true },
        audience: [`lender:${BANK}`],
      },
    ]);
    const insurer = await inviteUser(uc, OFFICE, { email: email(), role: 'insurer', org: INSURER });
    expect(insurer.manager).toBe(true);
    expect('name' in insurer).toBe(false);
    expect(insurer.invitedBy).toStrictEqual(OFFICE);
    const company = await inviteUser(uc, OFFICE, { email: email(), role: 'enterprise', org: USCC });
    expect(company.manager).toBe(false);
    const office = await inviteUser(uc, OFFICE, { email: email(), role: 'ipoffice' });
    expect(office.org).toBeNull();
    expect((await events(office.id))[0]?.audience).toEqual([]);
    // Two invitations without a subject each: no subject link is taken for them.
    const disabled = await setUserEnabled(uc, OFFICE, { id: office.id, enabled: false });
    expect(disabled.status).toBe('disabled');
  });

  it("an invitation refused: a manager's own staff only, never a manager, a known institution, a free address", async () => {
    const manager = { role: 'lender' as const, org: BANK, sub: 'mgr', manager: true };
    const own = await inviteUser(uc, manager, { email: email(), role: 'lender' });
    expect([own.role, own.org, own.manager]).toEqual(['lender', BANK, false]);
    const ownRefusal = {
      kind: 'unprocessable',
      message: 'A manager invites staff of its own organisation only.',
      extra: {
        errors: [{ path: 'role', code: 'own_organisation_only', message: `must be lender of ${BANK}` }],
      },
    };
    const whole = async (p: Promise<unknown>) => {
      const e = await refusal(p);
      return { kind: e.kind, message: e.message, extra: e.extra };
    };
    expect(await whole(inviteUser(uc, manager, { email: email(), role: 'insurer' }))).toEqual(ownRefusal);
    expect(await whole(inviteUser(uc, manager, { email: email(), role: 'lender', org: 'other' }))).toEqual(
      ownRefusal,
    );
    expect(await whole(inviteUser(uc, manager, { email: email(), role: 'lender', manager: true }))).toEqual({
      kind: 'unprocessable',
      message: 'Only the IP office makes a user a manager.',
      extra: {
        errors: [{ path: 'manager', code: 'office_only', message: 'only the IP office makes a manager' }],
      },
    });
    expect(await whole(inviteUser(uc, OFFICE, { email: email(), role: 'lender' }))).toEqual({
      kind: 'unprocessable',
      message: 'The invitation was refused.',
      extra: {
        errors: [
          { path: 'org', code: 'org_required', message: 'a user of the lender role needs an organisation' },
        ],
      },
    });
    expect(await whole(inviteUser(uc, OFFICE, { email: email(), role: 'insurer', org: BANK }))).toEqual({
      kind: 'unprocessable',
      message: `Institution ${BANK} is not a registered insurer.`,
      extra: {
        errors: [
          { path: 'org', code: 'institution_unknown', message: `${BANK} is not a registered insurer` },
        ],
      },
    });
    const staff = { ...manager, manager: false };
    expect(await whole(inviteUser(uc, staff, { email: email(), role: 'lender' }))).toEqual({
      kind: 'forbidden',
      message: 'Only the IP office and your organisation’s managers administer users.',
      extra: {},
    });
    const { admin, calls } = recordingAdmin();
    const taken = await whole(
      inviteUser(uc, OFFICE, { email: own.email ?? '', role: 'lender', org: BANK }, { identityAdmin: admin }),
    );
    const takenRefusal = {
      kind: 'conflict',
      message: `${own.email} is already in the portal's directory.`,
      extra: { errors: [{ path: 'email', code: 'email_taken', message: 'this address already has a user' }] },
    };
    expect(taken).toEqual(takenRefusal);
    expect(calls).toEqual([]);
    // The same address invited meanwhile: refused on the write.
    const raced = email();
    const { il, ucI } = interleaved();
    il.beforeNext(() => inviteUser(uc, OFFICE, { email: raced, role: 'enterprise', org: USCC }));
    expect(await whole(inviteUser(ucI, OFFICE, { email: raced, role: 'enterprise', org: USCC }))).toEqual({
      ...takenRefusal,
      message: `${raced} is already in the portal's directory.`,
    });
  });

  it('an enrolment: its record, its event, the same entry for a known subject or one enrolled meanwhile', async () => {
    const sub = `sub-${short()}`;
    const enrolled = await enrolUser(uc, SYSTEM_ACTOR, {
      sub,
      email: 'Mixed@Dir.Example',
      name: 'Zhang',
      role: 'enterprise',
      org: USCC,
    });
    expect(enrolled).toStrictEqual({
      id: enrolled.id,
      status: 'active',
      email: 'mixed@dir.example',
      name: 'Zhang',
      role: 'enterprise',
      org: USCC,
      manager: false,
      sub,
      invitedBy: { role: 'system', org: null },
      version: 1,
      createdAt: enrolled.createdAt,
      updatedAt: enrolled.createdAt,
    });
    expect(await events(enrolled.id)).toEqual([
      {
        type: 'user.enabled',
        action: 'enrol',
        actor: { role: 'system', org: null },
        data: { role: 'enterprise', org: USCC },
        audience: [`enterprise:${USCC}`],
      },
    ]);
    expect((await enrolUser(uc, OFFICE, { sub, role: 'lender', org: BANK })).id).toBe(enrolled.id);
    // Answered as it is, before the input is even checked.
    expect((await enrolUser(uc, OFFICE, { sub, role: 'lender', org: null })).id).toBe(enrolled.id);
    const refused = await refusal(
      enrolUser(uc, OFFICE, { sub: `sub-${short()}`, role: 'ipoffice', org: BANK }),
    );
    expect([refused.kind, refused.message, refused.extra]).toEqual([
      'unprocessable',
      'The user was refused.',
      {
        errors: [
          { path: 'org', code: 'org_not_allowed', message: 'an IP office user belongs to no organisation' },
        ],
      },
    ]);
    const racedSub = `sub-${short()}`;
    const { il, ucI } = interleaved();
    let first: { id: string } | undefined;
    il.beforeNext(async () => {
      first = await enrolUser(uc, OFFICE, { sub: racedSub, role: 'ipoffice', org: null });
    });
    const second = await enrolUser(ucI, OFFICE, { sub: racedSub, role: 'ipoffice', org: null });
    expect(second.id).toBe(first?.id);
  });

  it('who is calling: unknown, an invitation claimed at first sign-in (names), a disabled account refused', async () => {
    const stranger: Identity = { sub: `s-${short()}`, email: null, emailVerified: false, name: null };
    expect(await callerOf(uc, stranger)).toStrictEqual({ identity: stranger });

    const address = email();
    const invited = await inviteUser(uc, OFFICE, { email: address, role: 'lender', org: BANK });
    const unverified: Identity = { sub: `s-${short()}`, email: address, emailVerified: false, name: 'Li' };
    expect(await callerOf(uc, unverified)).toStrictEqual({ identity: unverified });
    const identity: Identity = { sub: `s-${short()}`, email: address, emailVerified: true, name: 'Li' };
    expect(await callerOf(uc, identity)).toStrictEqual({
      identity,
      principal: { role: 'lender', org: BANK, sub: identity.sub, userId: invited.id, manager: true },
    });
    expect(await getUser(uc, OFFICE, invited.id)).toMatchObject({
      status: 'active',
      sub: identity.sub,
      name: 'Li',
    });

    const named = await inviteUser(uc, OFFICE, { email: email(), role: 'lender', org: BANK, name: 'Given' });
    await callerOf(uc, { sub: `s-${short()}`, email: named.email, emailVerified: true, name: 'Other' });
    expect((await getUser(uc, OFFICE, named.id)).name).toBe('Given');
    const nameless = await inviteUser(uc, OFFICE, { email: email(), role: 'lender', org: BANK });
    await callerOf(uc, { sub: `s-${short()}`, email: nameless.email, emailVerified: true, name: null });
    const bound = await getUser(uc, OFFICE, nameless.id);
    expect(bound.status).toBe('active');
    expect('name' in bound).toBe(false);

    // An address whose user is gone is nobody.
    const ghost = email();
    await portal.deps.db.send(
      new PutCommand({
        TableName: portal.tableName,
        Item: { ...userEmailKey(ghost), userId: 'no-such-user' },
      }),
    );
    const ghostIdentity: Identity = { sub: `s-${short()}`, email: ghost, emailVerified: true, name: null };
    expect(await callerOf(uc, ghostIdentity)).toStrictEqual({ identity: ghostIdentity });

    const { admin, calls } = recordingAdmin();
    const sub = `s-${short()}`;
    const user = await enrolUser(uc, SYSTEM_ACTOR, {
      sub,
      email: 'off@dir.example',
      role: 'lender',
      org: BANK,
    });
    await setUserEnabled(uc, OFFICE, { id: user.id, enabled: false }, admin);
    expect(calls).toEqual([['setEnabled', 'off@dir.example', false]]);
    const off = await refusal(callerOf(uc, { sub, email: null, emailVerified: false, name: null }));
    expect([off.kind, off.message, off.extra]).toEqual([
      'forbidden',
      'The account off@dir.example has been disabled.',
      {
        errors: [
          {
            path: 'header.Authorization',
            code: 'account_disabled',
            message: 'this account has been disabled; ask your administrator',
          },
        ],
      },
    ]);
    const mailless = await enrolUser(uc, SYSTEM_ACTOR, { sub: `s-${short()}`, role: 'lender', org: BANK });
    await setUserEnabled(uc, OFFICE, { id: mailless.id, enabled: false }, admin);
    await setUserEnabled(uc, OFFICE, { id: mailless.id, enabled: true }, admin);
    expect(calls).toHaveLength(1);
  });

  it('a warm instance remembers callers, at most 10 000 of them, the oldest forgotten first', async () => {
    const own = useCaseContext({ ...portal.deps });
    const at = new Date().toISOString();
    const fake: User = {
      ...{ id: 'remembered', status: 'active', email: null, role: 'lender', org: BANK, manager: false },
      ...{ sub: 'first', invitedBy: SYSTEM_ACTOR, version: 1, createdAt: at, updatedAt: at },
    } as User;
    const who = (sub: string): Identity => ({ sub, email: null, emailVerified: false, name: null });
    const principal = { role: 'lender', org: BANK, sub: 'first', userId: 'remembered', manager: false };
    rememberCaller(own, 'first', fake);
    expect(await callerOf(own, who(`s-${short()}`))).toStrictEqual({ identity: expect.any(Object) });
    expect(await callerOf(own, who('first'))).toStrictEqual({ identity: who('first'), principal });
    for (let i = 2; i < 10_000; i++) rememberCaller(own, `filler-${i}`, fake);
    expect(await callerOf(own, who('first'))).toStrictEqual({ identity: who('first'), principal });
    await callerOf(own, who(`s-${short()}`));
    expect(await callerOf(own, who('first'))).toStrictEqual({ identity: who('first') });
  });

  it('a store fault while binding an invitation is no silent newcomer', async () => {
    const address = email();
    await inviteUser(uc, OFFICE, { email: address, role: 'lender', org: BANK });
    const { il, ucI } = interleaved();
    il.beforeNext(async () => {
      throw new Error('store fault');
    });
    await expect(
      callerOf(ucI, { sub: `s-${short()}`, email: address, emailVerified: true, name: null }),
    ).rejects.toThrow('store fault');
  });

  it('the office lists by status; a role change with a wrong organisation names the issue', async () => {
    const user = await enrolUser(uc, SYSTEM_ACTOR, { sub: `s-${short()}`, role: 'lender', org: BANK });
    await setUserEnabled(uc, OFFICE, { id: user.id, enabled: false });
    const disabled = await listUsers(uc, OFFICE, { status: 'disabled' }, { limit: 100 });
    expect(disabled.items.map((u) => u.id)).toContain(user.id);
    expect(disabled.items.every((u) => u.status === 'disabled')).toBe(true);
    const refused = await refusal(changeUserRole(uc, OFFICE, { id: user.id, role: 'insurer', org: null }));
    expect(refused.extra).toEqual({
      errors: [
        { path: 'org', code: 'org_required', message: 'a user of the insurer role needs an organisation' },
      ],
    });
  });

  // ---- organisation claims ---------------------------------------------------------------------------------------

  it("a claim's events, an approval's enrolment, a claimant enrolled meanwhile, the newest claim in whoAmI", async () => {
    const identity: Identity = { sub: `c-${short()}`, email: null, emailVerified: false, name: null };
    const me: Actor = { role: 'enterprise', org: null, sub: identity.sub };
    const first = await fileOrgClaim(uc, identity, false, { uscc: USCC });
    await decideOrgClaim(uc, OFFICE, { id: first.id, action: 'reject', reason: 'no licence' });
    await sleep(5);
    const second = await fileOrgClaim(uc, identity, false, { uscc: USCC });
    expect(await whoAmI(uc, { identity })).toEqual({ identity, user: null, latestClaim: second });
    await decideOrgClaim(uc, me, { id: second.id, action: 'withdraw' });
    expect(await claimEvents(first.id)).toEqual([
      { type: 'org_claim.filed', data: { uscc: USCC }, audience: [] },
      { type: 'org_claim.rejected', data: { reason: 'no licence' }, audience: [] },
    ]);
    expect(await claimEvents(second.id)).toEqual([
      { type: 'org_claim.filed', data: { uscc: USCC }, audience: [] },
      { type: 'org_claim.withdrawn', data: {}, audience: [] },
    ]);

    const third = await fileOrgClaim(uc, identity, false, { uscc: USCC });
    const approved = await decideOrgClaim(uc, OFFICE, { id: third.id, action: 'approve' });
    const userId = approved.userId ?? '';
    expect((await claimEvents(third.id))[1]).toEqual({
      type: 'org_claim.approved',
      data: { uscc: USCC, userId },
      audience: [],
    });
    expect(await events(userId)).toEqual([
      {
        type: 'user.enabled',
        action: 'enrol',
        actor: OFFICE,
        data: { role: 'enterprise', org: USCC },
        audience: [`enterprise:${USCC}`],
      },
    ]);

    const late: Identity = { sub: `c-${short()}`, email: null, emailVerified: false, name: null };
    const claim = await fileOrgClaim(uc, late, false, { uscc: USCC });
    await enrolUser(uc, SYSTEM_ACTOR, { sub: late.sub, role: 'enterprise', org: USCC });
    const member = await refusal(decideOrgClaim(uc, OFFICE, { id: claim.id, action: 'approve' }));
    expect([member.kind, member.message, member.extra]).toEqual([
      'conflict',
      'The claimant has become a portal user meanwhile; reject this claim instead.',
      { errors: [{ path: 'id', code: 'already_member', message: 'the claimant is a user already' }] },
    ]);
  });
});
