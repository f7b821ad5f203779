import { describe, expect, it } from 'vitest';
import type { Actor } from '../../shared/domain/actor.js';
import {
  maySeeOrgClaim,
  ORG_CLAIM_MACHINE,
  type OrgClaim,
  orgClaimEventType,
} from '../../shared/domain/org-claim.js';
import {
  mayManage,
  maySeeUser,
  membershipIssues,
  normaliseEmail,
  storedOrg,
  USER_MACHINE,
  type User,
  userEventType,
} from '../../shared/domain/user.js';

const user = (over: Partial<User> = {}): User => ({
  id: 'u1',
  status: 'active',
  email: 'staff@bank.example',
  role: 'lender',
  org: 'bank-a',
  manager: false,
  sub: 'staff-sub',
  version: 1,
  createdAt: '2026-12-01T00:00:00Z',
  updatedAt: '2026-12-01T00:00:00Z',
  ...over,
});
const bankManager: Actor = { role: 'lender', org: 'bank-a', sub: 'manager-sub' };

describe('who a user may be', () => {
  it('names the organisation field and says why, for every refusal', () => {
    const refusals = [
      membershipIssues('ipoffice', 'bank-a'),
      membershipIssues('lender', null),
      membershipIssues('enterprise', '91330784147123451X'),
      membershipIssues('insurer', 'B'),
    ];
    for (const issues of refusals) {
      expect(issues).toHaveLength(1);
      expect(issues[0]!.path).toBe('org');
      expect(issues[0]!.message.length).toBeGreaterThan(10);
    }
    expect(membershipIssues('insurer', null)[0]!.message).toBe(
      'a user of the insurer role needs an organisation',
    );
  });

  it('needs a well-formed organisation for every role but the office, and none for the office', () => {
    expect(membershipIssues('ipoffice', null)).toEqual([]);
    expect(membershipIssues('ipoffice', 'bank-a')).toEqual([
      expect.objectContaining({ code: 'org_not_allowed' }),
    ]);
    for (const role of ['enterprise', 'lender', 'insurer'] as const) {
      expect(membershipIssues(role, null)).toEqual([
        expect.objectContaining({ path: 'org', code: 'org_required' }),
      ]);
      expect(membershipIssues(role, '')).toEqual([expect.objectContaining({ code: 'org_required' })]);
    }
    expect(membershipIssues('enterprise', '91330784147123451K')).toEqual([]);
    expect(membershipIssues('enterprise', '91330784147123451X')).toEqual([
      expect.objectContaining({ code: 'invalid_uscc' }),
    ]);
    expect(membershipIssues('lender', 'bank-a')).toEqual([]);
    expect(membershipIssues('insurer', 'B')).toEqual([
      expect.objectContaining({ code: 'invalid_institution_id' }),
    ]);
  });

  it('stores one spelling of a USCC, and any other organisation as given', () => {
    expect(storedOrg('enterprise', '91330784147123451k')).toBe('91330784147123451K');
    expect(storedOrg('lender', 'bank-a')).toBe('bank-a');
    expect(storedOrg('ipoffice', null)).toBeNull();
  });

  it('keeps one spelling of an address', () => {
    expect(normaliseEmail('  Zhang.Wei@JHBank.Example ')).toBe('zhang.wei@jhbank.example');
  });
});

describe('who may manage and see a user', () => {
  it('lets the office manage anyone, and a manager its own staff only — never itself or another manager', () => {
    const office: Actor = { role: 'ipoffice', org: null, sub: 'o' };
    expect(mayManage(office, user({ manager: true }))).toBe(true);
    expect(mayManage(bankManager, user())).toBe(true);
    expect(mayManage(bankManager, user({ org: 'bank-b' }))).toBe(false);
    expect(mayManage(bankManager, user({ role: 'insurer' }))).toBe(false);
    expect(mayManage(bankManager, user({ manager: true }))).toBe(false);
    expect(mayManage(bankManager, user({ sub: 'manager-sub' }))).toBe(false);
    expect(mayManage(bankManager, user({ sub: undefined }))).toBe(true);
    expect(mayManage({ role: 'system', org: null }, user({ manager: true }))).toBe(true);
    const insurerManager: Actor = { role: 'insurer', org: 'ins-a', sub: 'im' };
    expect(mayManage(insurerManager, user({ role: 'insurer', org: 'ins-a' }))).toBe(true);
    expect(mayManage(insurerManager, user({ role: 'lender', org: 'ins-a' }))).toBe(false);
    expect(mayManage({ role: 'enterprise', org: 'bank-a', sub: 'e' }, user({ role: 'enterprise' }))).toBe(
      false,
    );
  });

  it('shows a user to the office and to itself', () => {
    expect(maySeeUser({ role: 'ipoffice', org: null }, user())).toBe(true);
    expect(maySeeUser({ role: 'lender', org: 'bank-a', sub: 'staff-sub' }, user())).toBe(true);
    expect(maySeeUser({ role: 'lender', org: 'bank-a', sub: 'other' }, user())).toBe(false);
    expect(maySeeUser({ role: 'lender', org: 'bank-a' }, user({ sub: undefined }))).toBe(false);
  });
});

describe('the user and claim life cycles', () => {
  it('invites, binds at sign-in, disables and enables, each as its event', () => {
    const decide = (
      from: User['status'] | null,
      action: Parameters<typeof USER_MACHINE.decide>[1],
      role: Actor['role'],
    ) => USER_MACHINE.decide(from, action, role);
    expect(decide(null, 'invite', 'lender')).toMatchObject({ ok: true, row: { to: 'invited' } });
    expect(decide(null, 'invite', 'enterprise')).toEqual({ ok: false, error: 'forbidden' });
    expect(decide('invited', 'sign_in', 'system')).toMatchObject({ ok: true, row: { to: 'active' } });
    expect(decide('active', 'sign_in', 'system')).toEqual({ ok: false, error: 'invalid_state' });
    expect(decide('invited', 'sign_in', 'ipoffice')).toEqual({ ok: false, error: 'forbidden' });
    expect(decide('disabled', 'disable', 'ipoffice')).toEqual({ ok: false, error: 'invalid_state' });
    expect(decide('disabled', 'enable', 'insurer')).toMatchObject({ ok: true, row: { to: 'active' } });
    expect(USER_MACHINE.rows.map((r) => userEventType(r))).toEqual([
      'user.invited',
      'user.enabled',
      'user.signed_in',
      'user.disabled',
      'user.enabled',
    ]);
  });

  it('files, approves, rejects and withdraws claims; only the office decides, only the claimant sees its own', () => {
    expect(ORG_CLAIM_MACHINE.decide(null, 'file', 'enterprise')).toMatchObject({ ok: true });
    expect(ORG_CLAIM_MACHINE.decide('pending', 'approve', 'lender')).toEqual({
      ok: false,
      error: 'forbidden',
    });
    expect(ORG_CLAIM_MACHINE.decide('approved', 'reject', 'ipoffice')).toEqual({
      ok: false,
      error: 'invalid_state',
    });
    expect(ORG_CLAIM_MACHINE.rows.map(orgClaimEventType)).toEqual([
      'org_claim.filed',
      'org_claim.approved',
      'org_claim.rejected',
      'org_claim.withdrawn',
    ]);
    const claim = { sub: 'claimant' } as OrgClaim;
    expect(maySeeOrgClaim({ role: 'ipoffice', org: null }, claim)).toBe(true);
    expect(maySeeOrgClaim({ role: 'enterprise', org: null, sub: 'claimant' }, claim)).toBe(true);
    expect(maySeeOrgClaim({ role: 'enterprise', org: null, sub: 'someone' }, claim)).toBe(false);
    expect(maySeeOrgClaim({ role: 'enterprise', org: null }, claim)).toBe(false);
  });
});
