import { randomUUID } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { SYSTEM_ACTOR } from '../../shared/domain/actor.js';
import { createApp } from '../../shared/http/app.js';
import { useCaseContext } from '../../shared/usecases/context.js';
import { inviteUser } from '../../shared/usecases/users.js';
import { createTestPortal, type TestPortal } from '../support/portal.js';

/**
 * The portal's user directory against DynamoDB Local, through the real app with real tokens: the token says who
 * someone is; invitations, organisation claims, disabling and role changes say what they may do.
 */
const OFFICE = { role: 'ipoffice' } as const;
const BANK = 'dir-bank';
const OTHER_BANK = 'dir-other-bank';
const ACME = '91330784147123451K';

describe('user directory', () => {
  let portal: TestPortal;

  beforeAll(async () => {
    portal = await createTestPortal();
    for (const [id, kind] of [
      [BANK, 'lender'],
      [OTHER_BANK, 'lender'],
      ['dir-insurer', 'insurer'],
    ] as const) {
      const res = await portal.call('PUT', `/institutions/${id}`, { as: OFFICE, body: { kind, name: id } });
      expect(res.status).toBe(201);
    }
  });
  afterEach(() => vi.useRealTimers());

  /** Someone signed in at the provider: a token with a subject and (verified) e-mail address, nothing more. */
  const signedIn = async (email?: string, sub = `sub-${randomUUID()}`) => ({
    sub,
    headers: { Authorization: `Bearer ${await portal.identityToken(sub, email)}` },
  });
  const invite = async (
    body: Record<string, unknown>,
    as: NonNullable<Parameters<TestPortal['call']>[2]>['as'] = OFFICE,
  ) => portal.call('POST', '/users', { as, body });

  it('binds an invitation to the first sign-in with the invited, verified address, once', async () => {
    const email = `${randomUUID()}@jhbank.example`;
    const invited = await invite({ email: email.toUpperCase(), role: 'lender', org: BANK, name: '张伟' });
    expect(invited.status).toBe(201);
    expect(invited.body).toMatchObject({
      status: 'invited',
      email,
      role: 'lender',
      org: BANK,
      manager: true,
    });
    expect(invited.body.sub).toBeUndefined();

    // Without the address the token is a newcomer: onboarding only.
    const stranger = await signedIn();
    const refused = await portal.call('GET', `/pledges`, { headers: stranger.headers });
    expect(refused.status).toBe(403);
    expect(refused.body.errors).toEqual([
      expect.objectContaining({ path: 'header.Authorization', code: 'onboarding_required' }),
    ]);

    // Two first requests at once with the invited address: one binding, both act as the bank.
    const person = await signedIn(email);
    const [a, b] = await Promise.all([
      portal.call('GET', '/pledges', { headers: person.headers }),
      portal.call('GET', '/pledges', { headers: person.headers }),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const me = await portal.call('GET', '/me', { headers: person.headers });
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({
      id: invited.body.id,
      status: 'active',
      sub: person.sub,
      role: 'lender',
    });

    // Someone else signing in later with the same address (another provider account) gets nothing.
    const impostor = await signedIn(email);
    expect((await portal.call('GET', '/pledges', { headers: impostor.headers })).status).toBe(403);

    // The history and the audit feed have it.
    const events = await portal.call('GET', `/events?subject=user:${invited.body.id}`, { as: OFFICE });
    expect(events.status).toBe(200);
    expect(events.body.items.map((e: { type: string }) => e.type)).toEqual([
      'user.invited',
      'user.signed_in',
    ]);
  });

  it('refuses an address taken, an unknown institution, a manager flag from a manager, and staff of another bank', async () => {
    const email = `${randomUUID()}@example.com`;
    expect((await invite({ email, role: 'enterprise', org: ACME })).status).toBe(201);
    const again = await invite({ email, role: 'enterprise', org: ACME });
    expect(again.status).toBe(409);
    expect(again.body.errors[0]).toMatchObject({ path: 'email', code: 'email_taken' });

    const unknown = await invite({ email: `${randomUUID()}@x.example`, role: 'lender', org: 'no-such-bank' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors[0]).toMatchObject({ path: 'org', code: 'institution_unknown' });
    const wrongKind = await invite({ email: `${randomUUID()}@x.example`, role: 'insurer', org: BANK });
    expect(wrongKind.body.errors[0]).toMatchObject({ path: 'org', code: 'institution_unknown' });
    const noOrg = await invite({ email: `${randomUUID()}@x.example`, role: 'lender' });
    expect(noOrg.body.errors[0]).toMatchObject({ path: 'org', code: 'org_required' });
    const officeOrg = await invite({ email: `${randomUUID()}@x.example`, role: 'ipoffice', org: BANK });
    expect(officeOrg.body.errors[0]).toMatchObject({ path: 'org', code: 'org_not_allowed' });
    const badUscc = await invite({
      email: `${randomUUID()}@x.example`,
      role: 'enterprise',
      org: '91330784147123451X',
    });
    expect(badUscc.body.errors[0]).toMatchObject({ path: 'org', code: 'invalid_uscc' });
    const badEmail = await invite({ email: 'not-an-address', role: 'ipoffice' });
    expect(badEmail.status).toBe(400);
    expect(badEmail.body.errors[0]).toMatchObject({ path: 'email' });

    // A bank's manager invites its own staff only.
    const managerEmail = `${randomUUID()}@jhbank.example`;
    await invite({ email: managerEmail, role: 'lender', org: BANK });
    const manager = await signedIn(managerEmail);
    const staffEmail = `${randomUUID()}@jhbank.example`;
    const staff = await portal.call('POST', '/users', {
      headers: manager.headers,
      body: { email: staffEmail, role: 'lender', org: BANK },
    });
    expect(staff.status).toBe(201);
    expect(staff.body).toMatchObject({ role: 'lender', org: BANK, manager: false });
    const elsewhere = await portal.call('POST', '/users', {
      headers: manager.headers,
      body: { email: `${randomUUID()}@x.example`, role: 'lender', org: OTHER_BANK },
    });
    expect(elsewhere.status).toBe(422);
    expect(elsewhere.body.errors[0]).toMatchObject({ code: 'own_organisation_only' });
    const promote = await portal.call('POST', '/users', {
      headers: manager.headers,
      body: { email: `${randomUUID()}@x.example`, role: 'lender', org: BANK, manager: true },
    });
    expect(promote.body.errors[0]).toMatchObject({ path: 'manager', code: 'office_only' });
    const list = await portal.call('GET', '/users', { headers: manager.headers });
    expect(list.status).toBe(200);
    expect(new Set(list.body.items.map((u: { org: string }) => u.org))).toEqual(new Set([BANK]));

    // Staff may neither invite nor list.
    const staffMember = await signedIn(staffEmail);
    const byStaff = await portal.call('POST', '/users', {
      headers: staffMember.headers,
      body: { email: `${randomUUID()}@x.example`, role: 'lender', org: BANK },
    });
    expect(byStaff.status).toBe(403);
    expect((await portal.call('GET', '/users', { headers: staffMember.headers })).status).toBe(403);
    // Nothing was written by the refusals: the bank has its manager and the one staff member.
    const all = await portal.call('GET', `/users?role=lender&org=${BANK}&limit=100`, { as: OFFICE });
    expect(all.body.items.map((u: { email: string }) => u.email).sort()).toEqual(
      expect.arrayContaining([managerEmail, staffEmail]),
    );
    expect(all.body.items.filter((u: { email: string }) => u.email.endsWith('@x.example'))).toEqual([]);
  });

  it('refuses a disabled user at the next request here, and within a minute on another instance', async () => {
    const email = `${randomUUID()}@jhbank.example`;
    const invited = await invite({ email, role: 'lender', org: BANK, manager: false });
    const person = await signedIn(email);
    expect((await portal.call('GET', '/pledges', { headers: person.headers })).status).toBe(200);
    // A second API instance on the same table has read the user too.
    const other = await createApp({ ...portal.deps });
    const viaOther = () => other.request('/pledges', { headers: person.headers });
    expect((await viaOther()).status).toBe(200);

    const disabled = await portal.call('POST', `/users/${invited.body.id}/disable`, { as: OFFICE });
    expect(disabled.status).toBe(200);
    expect(disabled.body.status).toBe('disabled');
    const refused = await portal.call('GET', '/pledges', { headers: person.headers });
    expect(refused.status).toBe(403);
    expect(refused.body.errors[0]).toMatchObject({ code: 'account_disabled' });
    expect((await portal.call('GET', '/me', { headers: person.headers })).status).toBe(403);

    // The other instance still remembers the user as it was, for at most a minute.
    expect((await viaOther()).status).toBe(200);
    vi.useFakeTimers({ now: Date.now() + 61_000, toFake: ['Date'] });
    expect((await viaOther()).status).toBe(403);
    vi.useRealTimers();

    const enabled = await portal.call('POST', `/users/${invited.body.id}/enable`, { as: OFFICE });
    expect(enabled.body.status).toBe('active');
    expect((await portal.call('GET', '/pledges', { headers: person.headers })).status).toBe(200);
    const events = await portal.call('GET', `/events?subject=user:${invited.body.id}`, { as: OFFICE });
    expect(events.body.items.map((e: { type: string }) => e.type)).toEqual([
      'user.invited',
      'user.signed_in',
      'user.disabled',
      'user.enabled',
    ]);
  });

  it('changes a role at once: the former bank user acts for the insurer, audited with the former role', async () => {
    const email = `${randomUUID()}@example.com`;
    const invited = await invite({ email, role: 'lender', org: BANK });
    const person = await signedIn(email);
    // An insurer's route: refused to a bank's user; an insurer passes (and learns no share is set, 404).
    const insurerRoute = () =>
      portal.call('GET', '/programmes/premium-subsidy?year=2026', { headers: person.headers });
    expect((await insurerRoute()).status).toBe(403);
    // The first sign-in moved the entry on (invited → active).
    const current = await portal.call('GET', `/users/${invited.body.id}`, { as: OFFICE });
    expect(current.body.version).toBe(invited.body.version + 1);
    const changed = await portal.call('PUT', `/users/${invited.body.id}/role`, {
      as: OFFICE,
      headers: { 'If-Match': current.headers.get('etag')! },
      body: { role: 'insurer', org: 'dir-insurer' },
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body).toMatchObject({ role: 'insurer', org: 'dir-insurer', manager: true });
    expect((await insurerRoute()).status).toBe(404);
    const stale = await portal.call('PUT', `/users/${invited.body.id}/role`, {
      as: OFFICE,
      headers: { 'If-Match': `"${invited.body.version}"` },
      body: { role: 'ipoffice' },
    });
    expect(stale.status).toBe(412);
    const events = await portal.call('GET', `/events?subject=user:${invited.body.id}`, { as: OFFICE });
    const change = events.body.items.find((e: { type: string }) => e.type === 'user.role_changed');
    expect(change.data).toMatchObject({
      from: { role: 'lender', org: BANK },
      role: 'insurer',
      org: 'dir-insurer',
    });
  });

  it('onboards a company: the newcomer reaches only its claim until the office approves it', async () => {
    const person = await signedIn(`${randomUUID()}@acme.example`);
    const me = await portal.call('GET', '/me', { headers: person.headers });
    expect(me.body).toMatchObject({
      user: null,
      latestClaim: null,
      identity: { sub: person.sub, emailVerified: true },
    });
    expect((await portal.call('GET', `/enterprises/${ACME}`, { headers: person.headers })).status).toBe(403);

    const bad = await portal.call('POST', '/org-claims', {
      headers: person.headers,
      body: { uscc: 'nonsense' },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0]).toMatchObject({ path: 'uscc', code: 'invalid_uscc' });
    const filed = await portal.call('POST', '/org-claims', {
      headers: person.headers,
      body: { uscc: ACME.toLowerCase() },
    });
    expect(filed.status).toBe(201);
    expect(filed.body).toMatchObject({ status: 'pending', uscc: ACME, sub: person.sub });
    const twice = await portal.call('POST', '/org-claims', { headers: person.headers, body: { uscc: ACME } });
    expect(twice.status).toBe(409);
    expect(twice.body.errors[0]).toMatchObject({ code: 'claim_pending' });

    // Another newcomer cannot see it; the office's queue has it.
    const other = await signedIn();
    expect(
      (await portal.call('GET', `/org-claims/${filed.body.id}`, { headers: other.headers })).status,
    ).toBe(404);
    const queue = await portal.call('GET', '/org-claims?status=pending&limit=100', { as: OFFICE });
    expect(queue.body.items.map((c: { id: string }) => c.id)).toContain(filed.body.id);

    const approved = await portal.call('POST', `/org-claims/${filed.body.id}/approve`, { as: OFFICE });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', userId: expect.any(String) });
    const again = await portal.call('POST', `/org-claims/${filed.body.id}/approve`, { as: OFFICE });
    expect(again.status).toBe(409);

    // The next request acts for the enterprise.
    const own = await portal.call('PUT', `/enterprises/${ACME}`, {
      headers: person.headers,
      body: { name: 'Acme' },
    });
    expect(own.status, JSON.stringify(own.body)).toBe(201);
    const meNow = await portal.call('GET', '/me', { headers: person.headers });
    expect(meNow.body.user).toMatchObject({ role: 'enterprise', org: ACME, status: 'active' });
    expect(meNow.body.latestClaim).toMatchObject({ id: filed.body.id, status: 'approved' });
    const member = await portal.call('POST', '/org-claims', {
      headers: person.headers,
      body: { uscc: ACME },
    });
    expect(member.status).toBe(409);
    expect(member.body.errors[0]).toMatchObject({ code: 'already_member' });
  });

  it('tells a rejected claimant why, and lets it claim again', async () => {
    const person = await signedIn();
    const filed = await portal.call('POST', '/org-claims', { headers: person.headers, body: { uscc: ACME } });
    const rejected = await portal.call('POST', `/org-claims/${filed.body.id}/reject`, {
      as: OFFICE,
      body: { reason: '营业执照与申请人不符' },
    });
    expect(rejected.body).toMatchObject({ status: 'rejected', reason: '营业执照与申请人不符' });
    const mine = await portal.call('GET', '/org-claims', { headers: person.headers });
    expect(mine.body.items).toEqual([
      expect.objectContaining({ id: filed.body.id, reason: '营业执照与申请人不符' }),
    ]);
    expect((await portal.call('GET', '/pledges', { headers: person.headers })).status).toBe(403);
    const again = await portal.call('POST', '/org-claims', { headers: person.headers, body: { uscc: ACME } });
    expect(again.status).toBe(201);
    const withdrawn = await portal.call('POST', `/org-claims/${again.body.id}/withdraw`, {
      headers: person.headers,
    });
    expect(withdrawn.body.status).toBe('withdrawn');
  });

  it('invites the first office user from the deployer’s machine (npm run first-office-user), as system', async () => {
    const email = `${randomUUID()}@ipo.example`;
    const invited = await inviteUser(
      useCaseContext(portal.deps),
      { ...SYSTEM_ACTOR, sub: 'first-office-user' },
      {
        email,
        role: 'ipoffice',
      },
    );
    expect(invited).toMatchObject({ status: 'invited', role: 'ipoffice', org: null, manager: false });
    const clerk = await signedIn(email);
    const res = await portal.call('POST', '/users', {
      headers: clerk.headers,
      body: { email: `${randomUUID()}@ipo.example`, role: 'ipoffice' },
    });
    expect(res.status).toBe(201);
    expect(res.body.invitedBy).toEqual({ role: 'ipoffice', org: null, sub: clerk.sub });
  });

  it('approves one of two racing approvals of the same claim', async () => {
    const person = await signedIn();
    const filed = await portal.call('POST', '/org-claims', { headers: person.headers, body: { uscc: ACME } });
    const results = await Promise.all(
      [1, 2, 3].map(() => portal.call('POST', `/org-claims/${filed.body.id}/approve`, { as: OFFICE })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409]);
    const users = await portal.call('GET', `/users?role=enterprise&org=${ACME}&limit=100`, { as: OFFICE });
    expect(users.body.items.filter((u: { sub?: string }) => u.sub === person.sub)).toHaveLength(1);
  });
});
