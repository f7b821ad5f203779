/**
 * Authorisation matrix: every route in the app's route table × every kind of caller, against the real app.
 *
 * HOW TO ADD A ROUTE: add one line to `EXPECTATIONS` keyed by `METHOD /path` exactly as registered, e.g.
 *   'POST /pledges/{id}/review': { allow: ['lender1'], hide: ['lender2'], body: () => ({}) },
 * - `allow`: callers that must get through access control: the status must be 2xx (or one of `ok`).
 *   `'public'` means no token is needed: everyone, anonymous included, gets 2xx.
 * - `hide`: callers whose role may call the route but who do not own/address the fixture's object: exactly 404
 *   (the contract: another tenant's object is not revealed to exist).
 * - every other authenticated caller must get exactly 403 — also an enterprise writing under another USCC, which
 *   is a claim to be that company, not a look at an object; an anonymous caller exactly 401.
 * - `body`: a VALID body (ownership is checked after validation, so `hide` needs a valid body to mean anything).
 * - `params`: only when the default filling is wrong. By default `{uscc}` is enterprise A and `{id}` is the
 *   fixture object named by the path segment before it (see `ID_OF`; add your collection there).
 * The test fails when a registered route has no line here, or a line names no registered route.
 */

import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../shared/auth/principal.js';
import { fixedClock } from '../../shared/domain/clock.js';
import { patentCheckCharacter } from '../../shared/domain/patent-number.js';
import { withUsccCheck } from '../../shared/domain/uscc.js';
import { createApp } from '../../shared/http/app.js';
import type { PortalDeps } from '../../shared/http/context.js';
import { routeTable } from '../../shared/http/route.js';
import { computeStats } from '../../shared/jobs/compute-stats.js';
import { NotificationRepository } from '../../shared/store/notification-repository.js';
import { Store } from '../../shared/store/toolkit.js';
import {
  declareAndPut,
  ensureClaimEvidence,
  ensurePledgeDocuments,
  pdfBytes,
  sha256,
  uploadDocument,
} from '../support/documents.js';
import { createTestPortal, type TestPortal } from '../support/portal.js';

const CALLERS = {
  entA: { role: 'enterprise', org: '91330700MA2A00001L' },
  entB: { role: 'enterprise', org: '91330700MA2B00002A' },
  lender1: { role: 'lender', org: 'matrix-l1' },
  lender2: { role: 'lender', org: 'matrix-l2' },
  insurer1: { role: 'insurer', org: 'matrix-i1' },
  ipoffice: { role: 'ipoffice', org: null },
  anonymous: null,
} as const satisfies Record<string, { role: Role; org: string | null } | null>;
/** `newcomer`: signed in at the identity provider, unknown to the portal's directory (onboarding only). */
type Caller = keyof typeof CALLERS | 'newcomer';
type Authenticated = Exclude<Caller, 'anonymous'>;

const A = CALLERS.entA.org;
const B = CALLERS.entB.org;
const ANY_ROLE: Authenticated[] = ['entA', 'entB', 'lender1', 'lender2', 'insurer1', 'ipoffice'];
const INSTITUTIONS: Authenticated[] = ['lender1', 'lender2', 'insurer1'];
const SIGNED_IN: Authenticated[] = [...ANY_ROLE, 'newcomer'];
const NEWCOMER_SUB = 'matrix-newcomer';

/** Objects the requests point at, all created through the API before the matrix runs. */
interface Fixture {
  portal: TestPortal;
  assetOfA: string;
  /** A new patent of A (for destructive routes, so that each caller has its own target). */
  newAssetOfA(extra?: Record<string, unknown>): Promise<string>;
  /** A new patent of A co-owned by B, with B's consent recorded. */
  consentedAssetOfA(): Promise<string>;
  /** A valid, never-used patent application number filed in 2020. */
  nextPatentNumber(): string;
}

interface Expectation {
  allow: Authenticated[] | 'public';
  hide?: Authenticated[];
  /** Statuses that count as "got through" for allowed callers; default any 2xx. */
  ok?: number[];
  /** Per-caller override of `ok`, when the API answers the allowed callers differently (e.g. 201 vs 422). */
  okFor?: Partial<Record<Authenticated, number[]>>;
  body?: (fx: Fixture) => unknown;
  params?: (fx: Fixture) => Promise<Record<string, string>>;
  /** A query string the route needs (e.g. `?year=2026`). */
  query?: string;
}

const patentBody = (fx: Fixture) => ({
  kind: 'patent',
  number: fx.nextPatentNumber(),
  title: 'Matrix widget',
  filingDate: '2020-03-02',
  grantDate: '2022-05-10',
});
/** A fixture step: the office sets a programme, so that reading it has something to read. */
const programmeSet = (path: string, body: unknown) => async (fx: Fixture) => {
  const res = await fx.portal.call('PUT', path, { as: CALLERS.ipoffice, body });
  expect([200, 201], `fixture ${path}`).toContain(res.status);
  return {};
};
const SUBSIDY = { year: 2026, shareBps: 5000, capPerEnterpriseFen: 1_000_000 };
const RISK_POOL = { poolBps: 4000, lenderBps: 3000, insurerBps: 2000, appraiserBps: 1000 };
const PREMIUM_SUBSIDY = { year: 2026, shareBps: 3000 };
const ltv = { maxLtvBps: { invention: 3000, utility_model: 1500, design: 1500, trademark: 5000 } };

/** Pledge fixtures: a pledge of A to lender1 on a fresh asset, driven through the API to `state`. */
const PLEDGE_PATH: [string, Exclude<keyof typeof CALLERS, 'anonymous'>, unknown?][] = [
  ['review', 'lender1'],
  ['approve', 'lender1', { approvedAmountFen: 100_000, annualRateBps: 400 }],
  ['register', 'ipoffice', { registrationNumber: 'Y2026330000123' }],
  ['disburse', 'lender1'],
  ['repay', 'lender1'],
];
const PLEDGE_STATES = ['submitted', 'under_review', 'approved', 'registered', 'active', 'repaid'];
const pledgeBody = (assetId: string) => ({
  lenderId: CALLERS.lender1.org,
  assetIds: [assetId],
  appraisedValueFen: 1_000_000,
  requestedAmountFen: 100_000,
  termMonths: 12,
});
let pledgeAssetOfA = '';
async function pledgeOfA(fx: Fixture, state: string): Promise<string> {
  const applied = await fx.portal.call('POST', '/pledges', {
    as: CALLERS.entA,
    body: pledgeBody(await fx.newAssetOfA()),
  });
  expect(applied.status, 'fixture pledge').toBe(201);
  const id = applied.body.id as string;
  await drivePledge(fx, id, state);
  return id;
}
/** Takes a submitted pledge along PLEDGE_PATH to `state`. */
async function drivePledge(fx: Fixture, id: string, state: string) {
  for (const [action, caller, body] of PLEDGE_PATH.slice(0, PLEDGE_STATES.indexOf(state))) {
    // Registration needs the pledge's four documents, uploaded by A.
    if (action === 'register') await ensurePledgeDocuments(fx.portal, id);
    const res = await fx.portal.call('POST', `/pledges/${id}/${action}`, {
      as: CALLERS[caller],
      ...(body === undefined ? {} : { body }),
    });
    expect(res.status, `fixture pledge ${action}`).toBe(200);
  }
}
const pledgeAction = (
  allow: Authenticated[],
  hide: Authenticated[],
  state: string,
  body?: unknown,
): Expectation => ({
  allow,
  hide,
  params: async (fx) => ({ id: await pledgeOfA(fx, state) }),
  ...(body === undefined ? {} : { body: () => body }),
});

/** A maturity after any fixture loan's and before any fixture right expires. */
const LATER_MATURITY = () => `${Number(insuranceToday().slice(0, 4)) + 3}-01-01`;

/** An active pledge of A over two fresh assets; `releasableAsset` is the one a partial release may free. */
let releasableAsset = '';
async function twoAssetPledgeOfA(fx: Fixture): Promise<string> {
  const kept = await fx.newAssetOfA();
  releasableAsset = await fx.newAssetOfA();
  const applied = await fx.portal.call('POST', '/pledges', {
    as: CALLERS.entA,
    body: { ...pledgeBody(kept), assetIds: [kept, releasableAsset] },
  });
  expect(applied.status, 'fixture pledge').toBe(201);
  const id = applied.body.id as string;
  await drivePledge(fx, id, 'active');
  return id;
}

/** Insurance fixtures: a policy of A addressed to insurer1 on a fresh asset (period: today + 1 year), and claims. */
const insuranceToday = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
const policyBody = (assetId: string) => ({
  insurerId: CALLERS.insurer1.org,
  assetIds: [assetId],
  coverages: [{ line: 'enforcement_cost', sumInsuredFen: 1_000_000 }],
  periodStart: insuranceToday(),
  periodEnd: `${Number(insuranceToday().slice(0, 4)) + 1}-01-01`,
});
/** A renewal's last day: a year after the fixture policy's. */
const RENEWAL_END = () => `${Number(insuranceToday().slice(0, 4)) + 2}-01-01`;
let policyAssetOfA = '';
async function policyOfA(fx: Fixture, state: 'applied' | 'active'): Promise<string> {
  const applied = await fx.portal.call('POST', '/policies', {
    as: CALLERS.entA,
    body: policyBody(await fx.newAssetOfA()),
  });
  expect(applied.status, 'fixture policy').toBe(201);
  if (state === 'active') {
    const issued = await fx.portal.call('POST', `/policies/${applied.body.id}/issue`, {
      as: CALLERS.insurer1,
      body: { premiumFen: 100 },
    });
    expect(issued.status, 'fixture policy issue').toBe(200);
  }
  return applied.body.id as string;
}
const claimBody = () => ({
  line: 'enforcement_cost',
  claimedFen: 100,
  incidentDate: insuranceToday(),
  description: 'x',
});
/** A claim of A's, taken by insurer1 through `steps` (e.g. investigate, assess) first. */
async function claimOfA(fx: Fixture, ...steps: [string, Record<string, unknown>][]): Promise<string> {
  const filed = await fx.portal.call('POST', `/policies/${await policyOfA(fx, 'active')}/claims`, {
    as: CALLERS.entA,
    body: claimBody(),
  });
  expect(filed.status, 'fixture claim').toBe(201);
  for (const [step, body] of steps) {
    const res = await fx.portal.call('POST', `/claims/${filed.body.id}/${step}`, {
      as: CALLERS.insurer1,
      body,
    });
    expect(res.status, `fixture claim ${step} ${JSON.stringify(res.body)}`).toBe(200);
  }
  return filed.body.id as string;
}
/** A claim of A's ready to be paid or settled: with its evidence, uploaded by A. */
async function evidencedClaimOfA(
  fx: Fixture,
  ...steps: [string, Record<string, unknown>][]
): Promise<string> {
  const id = await claimOfA(fx, ...steps);
  await ensureClaimEvidence(fx.portal, id, CALLERS.entA);
  return id;
}

/**
 * Document fixtures: a document of A's on a submitted pledge of A's (its parties: A, lender1 and the office), and
 * one shared pledge for the declarations.
 */
let documentPledge: string | undefined;
const documentBody = () => ({
  kind: 'other',
  subject: { kind: 'pledge', id: documentPledge },
  fileName: 'matrix.pdf',
  contentType: 'application/pdf',
  sizeBytes: pdfBytes('matrix').length,
  sha256: sha256(pdfBytes('matrix')),
});
/** A's document, declared and its bytes PUT; `verified`: also completed. */
async function documentOfA(fx: Fixture, verified: boolean): Promise<string> {
  const upload = { kind: 'other', subject: { kind: 'pledge', id: await pledgeOfA(fx, 'submitted') } };
  if (verified) return uploadDocument(fx.portal, CALLERS.entA, upload);
  const { id, putStatus } = await declareAndPut(fx.portal, CALLERS.entA, upload);
  expect(putStatus, 'fixture document PUT').toBe(200);
  return id;
}
let sharedDocument: Promise<string> | undefined;

/** Designation fixtures: a fresh enterprise designated (so each case can review or revoke its own). */
let designationSerial = 0;
async function designationOfFreshEnterprise(fx: Fixture): Promise<string> {
  const first17 = `91330782MD${String(++designationSerial).padStart(7, '0')}`;
  const uscc = withUsccCheck(first17);
  const registered = await fx.portal.call('PUT', `/enterprises/${uscc}`, {
    as: CALLERS.ipoffice,
    body: { name: `Designated ${designationSerial}` },
  });
  expect(registered.status, 'fixture enterprise').toBe(201);
  const designated = await fx.portal.call('POST', '/designations', {
    as: CALLERS.ipoffice,
    body: { uscc, level: 'provincial_demonstration', year: 2024 },
  });
  expect(designated.status, 'fixture designation').toBe(201);
  return designated.body.id as string;
}
let sharedDesignation: Promise<string> | undefined;

/** The statistics job runs once in the fixture, at 12:00 Asia/Shanghai on STATS_DATE. */
const STATS_DATE = '2026-01-15';
const STATS_RUN = new Date(`${STATS_DATE}T04:00:00.000Z`);
const ipofficeOnly = (extra: Partial<Expectation> = {}): Expectation => ({ allow: ['ipoffice'], ...extra });

const EXPECTATIONS: Record<string, Expectation> = {
  'GET /healthz': { allow: 'public' },
  'GET /openapi.json': { allow: 'public' },
  'GET /docs': { allow: 'public' },
  'GET /docs/{file}': { allow: 'public', params: async () => ({ file: 'init.js' }) },

  'GET /me': { allow: SIGNED_IN },
  // The matrix's bank and insurer users are staff, not managers: only the office administers here.
  'POST /users': {
    allow: ['ipoffice'],
    body: () => ({ email: `${randomUUID()}@matrix.example`, role: 'enterprise', org: A }),
  },
  'GET /users': { allow: ['ipoffice'] },
  'GET /users/{id}': {
    allow: ['ipoffice'],
    hide: ['entA', 'entB', 'lender1', 'lender2', 'insurer1'],
    params: async (fx) => ({ id: await userOfLender1(fx) }),
  },
  'POST /users/{id}/disable': {
    allow: ['ipoffice'],
    params: async (fx) => ({ id: await userOfLender1(fx) }),
  },
  'POST /users/{id}/enable': {
    allow: ['ipoffice'],
    ok: [409],
    params: async (fx) => ({ id: await userOfLender1(fx) }),
  },
  'PUT /users/{id}/role': {
    allow: ['ipoffice'],
    body: () => ({ role: 'lender', org: CALLERS.lender2.org }),
    params: async (fx) => ({ id: await userOfLender1(fx) }),
  },
  // Anyone signed in may claim; someone already in the directory is told so (409 already_member).
  'POST /org-claims': { allow: SIGNED_IN, ok: [409], okFor: { newcomer: [201] }, body: () => ({ uscc: A }) },
  'GET /org-claims': { allow: SIGNED_IN },
  'GET /org-claims/{id}': {
    allow: ['ipoffice'],
    hide: ['entA', 'entB', 'lender1', 'lender2', 'insurer1', 'newcomer'],
    params: async (fx) => ({ id: await pendingOrgClaim(fx) }),
  },
  'POST /org-claims/{id}/approve': {
    allow: ['ipoffice'],
    params: async (fx) => ({ id: await pendingOrgClaim(fx) }),
  },
  'POST /org-claims/{id}/reject': {
    allow: ['ipoffice'],
    body: () => ({ reason: 'Not the legal representative' }),
    params: async (fx) => ({ id: await pendingOrgClaim(fx) }),
  },
  // Only its claimant withdraws a claim: to everyone else it does not exist, and the office may not withdraw.
  'POST /org-claims/{id}/withdraw': {
    allow: [],
    hide: ['entA', 'entB', 'lender1', 'lender2', 'insurer1', 'newcomer'],
    params: async (fx) => ({ id: await pendingOrgClaim(fx) }),
  },

  // Imports: the office for anyone, a company for itself; a company's import is hidden from another company.
  'POST /imports': {
    allow: ['ipoffice', 'entA', 'entB'],
    body: () => ({ kind: 'assets', format: 'csv', fileName: 'm.csv', sizeBytes: 10, sha256: 'a'.repeat(64) }),
  },
  // Nothing was uploaded: the callers who get through are told so (422 import_upload_missing).
  'POST /imports/{id}/start': {
    allow: ['ipoffice', 'entA'],
    hide: ['entB'],
    ok: [422],
    params: async (fx) => ({ id: await importOfA(fx) }),
  },
  'GET /imports/{id}': {
    allow: ['ipoffice', 'entA'],
    hide: ['entB'],
    params: async (fx) => ({ id: await importOfA(fx) }),
  },

  'PUT /institutions/{id}': {
    allow: ['ipoffice'],
    body: () => ({ kind: 'lender', name: 'Matrix Lender 1' }),
  },
  'PUT /institutions/{id}/lending-policy': {
    allow: ['ipoffice', 'lender1'],
    hide: ['lender2'],
    body: () => ltv,
  },
  'PUT /institutions/{id}/rates': {
    // insurer1 is the only insurer: there is no other insurer to be hidden from.
    allow: ['ipoffice', 'insurer1'],
    params: async () => ({ id: CALLERS.insurer1.org }),
    body: () => ({ rates: [{ line: 'enforcement_cost', rateBps: 100 }] }),
  },
  'GET /institutions/{id}': { allow: ANY_ROLE },
  'GET /institutions': { allow: ANY_ROLE },

  'PUT /enterprises/{uscc}': { allow: ['entA', 'ipoffice'], body: () => ({ name: 'A Co.' }) },
  'GET /enterprises/{uscc}': { allow: ['entA', 'ipoffice'], hide: ['entB'] },
  'GET /enterprises': { allow: ['ipoffice'] },

  'POST /enterprises/{uscc}/assets': { allow: ['entA', 'ipoffice'], body: patentBody },
  'GET /enterprises/{uscc}/assets': { allow: ['entA', 'ipoffice'], hide: ['entB'] },
  'GET /assets/{id}': { allow: ['entA', 'ipoffice'], hide: ['entB', ...INSTITUTIONS] },
  // The owner records its annuity payments (with the office's receipt), the office any event; others see no right.
  'POST /assets/{id}/legal-events': {
    allow: ['entA', 'ipoffice'],
    hide: ['entB', ...INSTITUTIONS],
    ok: [201],
    params: async (fx) => ({ id: await fx.newAssetOfA() }),
    body: () => ({ type: 'annuity_paid', date: '2026-03-01', paidThrough: '2027-03-01', reference: 'R-1' }),
  },
  'GET /assets/{id}/legal-events': { allow: ['entA', 'ipoffice'], hide: ['entB', ...INSTITUTIONS] },
  // Ownership cases: the office decides; an enterprise reads its own claims.
  'GET /ownership-cases': { allow: ['entA', 'entB', 'ipoffice'], ok: [200] },
  'POST /ownership-cases/{id}/decide': {
    allow: ['ipoffice'],
    body: () => ({ outcome: 'holder', reference: 'M-2' }),
    params: async (fx) => ({ id: await ownershipCaseOverA(fx) }),
  },
  'POST /assets/{id}/verification': {
    allow: ['ipoffice'],
    body: () => ({ source: 'registry', reference: 'M-1' }),
    params: async (fx) => ({ id: await fx.newAssetOfA() }),
  },
  // The collateral monitor's list: each bank its own pledges' rights, the office all.
  'GET /collateral-watch': { allow: ['lender1', 'lender2', 'ipoffice'], ok: [200] },
  'DELETE /assets/{id}': {
    allow: ['entA'],
    hide: ['entB'],
    params: async (fx) => ({ id: await fx.newAssetOfA() }),
  },
  // B's consent is B's to give (or the office's to record from B's document); the owner A may not speak for B.
  'PUT /assets/{id}/co-owner-consents/{uscc}': {
    allow: ['entB', 'ipoffice'],
    body: () => ({ documentRef: 'DOC-M' }),
    params: async (fx) => ({ id: await fx.newAssetOfA({ coOwners: [B] }), uscc: B }),
  },
  'DELETE /assets/{id}/co-owner-consents/{uscc}': {
    allow: ['entB', 'ipoffice'],
    params: async (fx) => ({ id: await fx.consentedAssetOfA(), uscc: B }),
  },

  // Pledges: each action gets a fresh pledge of A addressed to lender1 in the state the action needs.
  'POST /pledges': {
    // Another enterprise may apply, but pledging A's asset is refused by the business rule (422, API.md).
    allow: ['entA', 'entB'],
    okFor: { entA: [201], entB: [422] },
    params: async (fx) => {
      pledgeAssetOfA = await fx.newAssetOfA(); // a fresh asset per call; `body` below pledges it
      return {};
    },
    body: () => pledgeBody(pledgeAssetOfA),
  },
  'GET /pledges': { allow: ['entA', 'entB', 'lender1', 'lender2', 'ipoffice'] },
  'GET /pledges/{id}': {
    allow: ['entA', 'lender1', 'ipoffice'],
    // An insurer reads a loan only when asked to guarantee it (policies.test.ts).
    hide: ['entB', 'lender2', 'insurer1'],
    params: async (fx) => ({ id: await pledgeOfA(fx, 'submitted') }),
  },
  'POST /pledges/{id}/review': pledgeAction(['lender1'], ['lender2'], 'submitted'),
  'POST /pledges/{id}/approve': pledgeAction(['lender1'], ['lender2'], 'under_review', {
    approvedAmountFen: 100_000,
    annualRateBps: 400,
  }),
  'POST /pledges/{id}/reject': pledgeAction(['lender1'], ['lender2'], 'under_review', { reason: 'No.' }),
  'POST /pledges/{id}/withdraw': pledgeAction(['entA'], ['entB'], 'submitted'),
  'POST /pledges/{id}/register': {
    ...pledgeAction(['ipoffice'], [], 'approved', { registrationNumber: 'Y2026330000123' }),
    // An approved pledge with its four documents, which registration needs.
    params: async (fx) => {
      const id = await pledgeOfA(fx, 'approved');
      await ensurePledgeDocuments(fx.portal, id);
      return { id };
    },
  },
  'POST /pledges/{id}/refuse': pledgeAction(['ipoffice'], [], 'approved', { reason: 'No.' }),
  'POST /pledges/{id}/disburse': pledgeAction(['lender1'], ['lender2'], 'registered'),
  'POST /pledges/{id}/repay': pledgeAction(['lender1'], ['lender2'], 'active'),
  'POST /pledges/{id}/default': pledgeAction(['lender1'], ['lender2'], 'active'),
  'POST /pledges/{id}/release': pledgeAction(['ipoffice'], [], 'repaid'),
  'POST /pledges/{id}/extend': {
    ...pledgeAction(['lender1'], ['lender2'], 'active'),
    body: () => ({ newMaturesOn: LATER_MATURITY() }),
  },
  'POST /pledges/{id}/register-change': {
    allow: ['ipoffice'],
    params: async (fx) => {
      const id = await pledgeOfA(fx, 'active');
      const asked = await fx.portal.call('POST', `/pledges/${id}/extend`, {
        as: CALLERS.lender1,
        body: { newMaturesOn: LATER_MATURITY() },
      });
      expect(asked.status, `fixture extension ${JSON.stringify(asked.body)}`).toBe(200);
      return { id };
    },
    body: () => ({}),
  },
  'POST /pledges/{id}/release-assets': {
    allow: ['ipoffice'],
    params: async (fx) => ({ id: await twoAssetPledgeOfA(fx) }),
    body: () => ({ assetIds: [releasableAsset] }),
  },
  'POST /pledges/{id}/disposals': {
    allow: ['lender1'],
    hide: ['lender2'],
    params: async (fx) => {
      const id = await pledgeOfA(fx, 'active');
      const res = await fx.portal.call('POST', `/pledges/${id}/default`, { as: CALLERS.lender1 });
      expect(res.status, 'fixture default').toBe(200);
      return { id };
    },
    body: () => ({ method: 'agreed_value', recoveredFen: 50_000, completedOn: insuranceToday() }),
  },
  // Loan servicing: on an active loan of A from lender1.
  'GET /pledges/{id}/schedule': {
    allow: ['entA', 'lender1', 'ipoffice'],
    hide: ['entB', 'lender2', 'insurer1'],
    params: async (fx) => ({ id: await pledgeOfA(fx, 'active') }),
  },
  'GET /pledges/{id}/repayments': {
    allow: ['entA', 'lender1', 'ipoffice'],
    hide: ['entB', 'lender2', 'insurer1'],
    params: async (fx) => ({ id: await pledgeOfA(fx, 'active') }),
  },
  'POST /pledges/{id}/repayments': pledgeAction(['lender1'], ['lender2'], 'active', { amountFen: 1 }),

  // Insurance: each action gets a fresh policy of A addressed to insurer1 (the only insurer) in the state it needs.
  'POST /policies': {
    // Another enterprise may apply, but insuring A's asset is refused by underwriting (422).
    allow: ['entA', 'entB'],
    okFor: { entA: [201], entB: [422] },
    params: async (fx) => {
      policyAssetOfA = await fx.newAssetOfA();
      return {};
    },
    body: () => policyBody(policyAssetOfA),
  },
  'GET /policies': { allow: ['entA', 'entB', 'insurer1', 'ipoffice'] },
  'GET /policies/{id}': {
    allow: ['entA', 'insurer1', 'ipoffice'],
    // A lender reads only the guarantees it benefits from (policies.test.ts).
    hide: ['entB', 'lender1', 'lender2'],
    params: async (fx) => ({ id: await policyOfA(fx, 'applied') }),
  },
  'POST /policies/{id}/issue': {
    allow: ['insurer1'],
    params: async (fx) => ({ id: await policyOfA(fx, 'applied') }),
    body: () => ({ premiumFen: 100 }),
  },
  'POST /policies/{id}/decline': {
    allow: ['insurer1'],
    params: async (fx) => ({ id: await policyOfA(fx, 'applied') }),
    body: () => ({ reason: 'No.' }),
  },
  'POST /policies/{id}/cancel': {
    allow: ['entA'],
    hide: ['entB'],
    params: async (fx) => ({ id: await policyOfA(fx, 'applied') }),
  },
  'GET /policies/{id}/quote': {
    allow: ['entA', 'insurer1', 'ipoffice'],
    hide: ['entB'],
    // Without rates of insurer1's for the line, a party is told which line has none (422).
    ok: [200, 422],
    params: async (fx) => ({ id: await policyOfA(fx, 'applied') }),
  },
  'POST /policies/{id}/renew': {
    allow: ['entA'],
    hide: ['entB'],
    params: async (fx) => ({ id: await policyOfA(fx, 'active') }),
    body: () => ({ periodEnd: RENEWAL_END() }),
  },
  'POST /policies/{id}/terminate': {
    allow: ['insurer1'],
    params: async (fx) => ({ id: await policyOfA(fx, 'active') }),
    body: () => ({ reason: 'Fraud.' }),
  },
  'POST /policies/{id}/claims': {
    allow: ['entA'],
    hide: ['entB', 'lender1', 'lender2'],
    params: async (fx) => ({ id: await policyOfA(fx, 'active') }),
    body: claimBody,
  },
  'GET /claims': { allow: ['entA', 'entB', 'lender1', 'lender2', 'insurer1', 'ipoffice'] },
  'GET /claims/{id}': {
    allow: ['entA', 'insurer1', 'ipoffice'],
    hide: ['entB', 'lender1', 'lender2'],
    params: async (fx) => ({ id: await claimOfA(fx) }),
  },
  'POST /claims/{id}/investigate': {
    allow: ['insurer1'],
    params: async (fx) => ({ id: await claimOfA(fx) }),
    body: () => ({ reserveFen: 50 }),
  },
  'POST /claims/{id}/assess': {
    allow: ['insurer1'],
    params: async (fx) => ({ id: await claimOfA(fx, ['investigate', {}]) }),
    body: () => ({ approvedFen: 80 }),
  },
  'POST /claims/{id}/pay': {
    allow: ['insurer1'],
    params: async (fx) => ({
      id: await evidencedClaimOfA(fx, ['investigate', {}], ['assess', { approvedFen: 80 }]),
    }),
    body: () => ({ amountFen: 30 }),
  },
  'POST /claims/{id}/reopen': {
    allow: ['entA'],
    hide: ['entB', 'lender1', 'lender2'],
    params: async (fx) => ({ id: await claimOfA(fx, ['deny', { reason: 'No.' }]) }),
    body: () => ({ reason: 'New evidence.' }),
  },
  'POST /claims/{id}/settle': {
    allow: ['insurer1'],
    params: async (fx) => ({ id: await evidencedClaimOfA(fx) }),
    body: () => ({ paidFen: 100 }),
  },
  'POST /claims/{id}/deny': {
    allow: ['insurer1'],
    params: async (fx) => ({ id: await claimOfA(fx) }),
    body: () => ({ reason: 'No.' }),
  },

  // Documents. Anyone signed in passes the role gate (a newcomer uploads its organisation claim's business
  // licence); past it, a document is its subject's: the parties of A's pledge (A, lender1, the office) see it,
  // anyone else is told it does not exist, and only its uploader (A) completes or deletes it.
  'POST /documents': {
    allow: ['entA', 'lender1', 'ipoffice'],
    hide: ['entB', 'lender2', 'insurer1', 'newcomer'],
    ok: [201],
    body: documentBody,
  },
  'POST /documents/{id}/complete': {
    allow: ['entA'],
    hide: ['entB', 'lender2', 'insurer1', 'newcomer'],
    ok: [200],
    params: async (fx) => ({ id: await documentOfA(fx, false) }),
  },
  'GET /documents/{id}': {
    allow: ['entA', 'lender1', 'ipoffice'],
    hide: ['entB', 'lender2', 'insurer1', 'newcomer'],
    params: async (fx) => {
      sharedDocument ??= documentOfA(fx, true);
      return { id: await sharedDocument };
    },
  },
  'DELETE /documents/{id}': {
    allow: ['entA'],
    hide: ['entB', 'lender2', 'insurer1', 'newcomer'],
    ok: [204],
    params: async (fx) => ({ id: await documentOfA(fx, true) }),
  },
  // A subject's documents: its readers, as for the subject itself; not newcomers (no role), except for their own
  // organisation claim's.
  'GET /pledges/{id}/documents': {
    allow: ['entA', 'lender1', 'ipoffice'],
    hide: ['entB', 'lender2', 'insurer1'],
    params: async (fx) => ({ id: await pledgeOfA(fx, 'submitted') }),
  },
  'GET /policies/{id}/documents': {
    allow: ['entA', 'insurer1', 'ipoffice'],
    hide: ['entB', 'lender1', 'lender2'],
    params: async (fx) => ({ id: await policyOfA(fx, 'applied') }),
  },
  'GET /claims/{id}/documents': {
    allow: ['entA', 'insurer1', 'ipoffice'],
    hide: ['entB', 'lender1', 'lender2'],
    params: async (fx) => ({ id: await claimOfA(fx) }),
  },
  // A designation's materials are its enterprise's (none of the matrix's callers here) and the office's.
  'GET /designations/{id}/documents': {
    allow: ['ipoffice'],
    hide: ['entA', 'entB', ...INSTITUTIONS],
    params: async (fx) => {
      sharedDesignation ??= designationOfFreshEnterprise(fx);
      return { id: await sharedDesignation };
    },
  },
  'GET /enterprises/{uscc}/documents': { allow: ['entA', 'ipoffice'], hide: ['entB', ...INSTITUTIONS] },
  // An organisation claim's: its claimant (a fresh one here) and the office; to anyone else it does not exist.
  'GET /org-claims/{id}/documents': {
    allow: ['ipoffice'],
    hide: ['entA', 'entB', 'lender1', 'lender2', 'insurer1', 'newcomer'],
    params: async (fx) => ({ id: await pendingOrgClaim(fx) }),
  },

  // Designations and statistics: the IP office only.
  'POST /designations': ipofficeOnly({
    // The only call: no other fixture designates A, so this must create (a repeat would be 409).
    ok: [201],
    body: () => ({ uscc: A, level: 'national_advantage', year: 2025 }),
  }),
  'GET /designations': ipofficeOnly(),
  // An active title of another enterprise: only the office sees it (a candidacy in notice anyone would).
  'GET /designations/{id}': ipofficeOnly({
    hide: ['entA', 'entB', 'lender1', 'lender2', 'insurer1'],
    params: async (fx) => {
      sharedDesignation ??= designationOfFreshEnterprise(fx);
      return { id: await sharedDesignation };
    },
  }),
  // A's portfolio scores below every minimum, B's likewise: the 422 is a refusal after authorisation.
  'POST /designation-applications': {
    allow: ['entA', 'entB'],
    ok: [201, 422],
    body: () => ({ level: 'provincial_advantage', year: new Date().getFullYear() }),
  },
  'POST /designation-nominations': ipofficeOnly({
    ok: [201, 422],
    body: () => ({ uscc: B, level: 'provincial_advantage', year: new Date().getFullYear() }),
  }),
  ...Object.fromEntries(
    (['nominate', 'publish', 'confirm'] as const).map((step) => [
      `POST /designations/{id}/${step}`,
      ipofficeOnly({
        ok: [409], // the fixture's title is active: no programme step applies to it
        params: async (fx: Fixture) => ({ id: await designationOfFreshEnterprise(fx) }),
      }),
    ]),
  ),
  'POST /designations/{id}/reject': ipofficeOnly({
    ok: [409],
    params: async (fx) => ({ id: await designationOfFreshEnterprise(fx) }),
    body: () => ({ reason: 'Matrix.' }),
  }),
  // Another enterprise's title: no enterprise may see it, so none may withdraw it.
  'POST /designations/{id}/withdraw': {
    allow: [],
    hide: ['entA', 'entB'],
    params: async (fx) => ({ id: await designationOfFreshEnterprise(fx) }),
  },
  'POST /designations/{id}/objections': ipofficeOnly({
    ok: [409], // not in its notice period
    hide: ['entA', 'entB', 'lender1', 'lender2', 'insurer1'],
    params: async (fx) => ({ id: await designationOfFreshEnterprise(fx) }),
    body: () => ({ reason: 'Matrix.' }),
  }),
  'POST /designations/{id}/objections/{n}/resolve': ipofficeOnly({
    ok: [409],
    params: async (fx) => ({ id: await designationOfFreshEnterprise(fx), n: '1' }),
    body: () => ({ outcome: 'dismissed', resolution: 'Matrix.' }),
  }),
  'GET /designation-notices': { allow: ANY_ROLE },
  'GET /enterprises/{uscc}/designations': {
    allow: ['entA', 'ipoffice'],
    hide: ['entB'],
    params: async () => ({ uscc: A }),
  },
  'GET /designation-quotas/{year}': ipofficeOnly({ params: async () => ({ year: '2026' }) }),
  'PUT /designation-quotas/{year}': ipofficeOnly({
    params: async () => ({ year: '2031' }),
    body: () => ({ provincial_advantage: 5 }),
  }),
  'POST /designations/{id}/reviews': ipofficeOnly({
    params: async (fx) => ({ id: await designationOfFreshEnterprise(fx) }),
    body: () => ({ year: 2025, outcome: 'pass' }),
  }),
  'POST /designations/{id}/revoke': ipofficeOnly({
    params: async (fx) => ({ id: await designationOfFreshEnterprise(fx) }),
    body: () => ({ reason: 'Matrix.' }),
  }),
  // The fixture runs the statistics job once (for STATS_DATE), so the office must get the snapshot.
  'GET /stats': ipofficeOnly({ ok: [200] }),
  'GET /stats/{date}': ipofficeOnly({ ok: [200], params: async () => ({ date: STATS_DATE }) }),
  'GET /stats.csv': ipofficeOnly({ ok: [200] }),
  'GET /stats/history': ipofficeOnly({ ok: [200], query: '?from=2026-01-01&to=2026-12-31' }),
  'GET /stats/records': ipofficeOnly({ ok: [200], query: '?figure=financing.registeredCount' }),

  // City programmes: the office sets them; lenders read the risk pool that shares their losses.
  'PUT /programmes/risk-pool': { allow: ['ipoffice'], ok: [200, 201], body: () => RISK_POOL },
  'GET /programmes/risk-pool': {
    allow: ['lender1', 'lender2', 'ipoffice'],
    ok: [200],
    params: programmeSet('/programmes/risk-pool', RISK_POOL),
  },

  'PUT /programmes/interest-subsidy': { allow: ['ipoffice'], ok: [200, 201], body: () => SUBSIDY },
  'PUT /programmes/premium-subsidy': { allow: ['ipoffice'], ok: [200, 201], body: () => PREMIUM_SUBSIDY },
  'GET /programmes/premium-subsidy': {
    allow: ['ipoffice', 'insurer1'],
    ok: [200],
    query: `?year=${PREMIUM_SUBSIDY.year}`,
    params: programmeSet('/programmes/premium-subsidy', PREMIUM_SUBSIDY),
  },
  'GET /programmes/interest-subsidy': {
    allow: ['ipoffice'],
    ok: [200],
    query: `?year=${SUBSIDY.year}`,
    params: programmeSet('/programmes/interest-subsidy', SUBSIDY),
  },
  'GET /subsidies': {
    allow: ['ipoffice'],
    ok: [200],
    query: `?year=${SUBSIDY.year}`,
    params: programmeSet('/programmes/interest-subsidy', SUBSIDY),
  },

  // Today's audit feed: every role may read it, each seeing only the events addressed to it.
  'GET /events': { allow: ANY_ROLE, ok: [200] },
  // Search: the office, banks and companies, each in its own scope (search.test.ts shows what each finds).
  'GET /search': {
    allow: ['entA', 'entB', 'lender1', 'lender2', 'ipoffice'],
    ok: [200],
    query: '?q=Matrix',
  },

  // Banks' and insurers' own systems subscribe; a subscription is its organisation's alone.
  'POST /webhooks': {
    allow: ['lender1', 'lender2', 'insurer1'],
    ok: [201],
    body: () => ({ url: 'https://203.0.113.10/hooks', events: ['pledge.*'] }),
  },
  'GET /webhooks': { allow: ['lender1', 'lender2', 'insurer1'], ok: [200] },
  'DELETE /webhooks/{id}': {
    allow: ['lender1'],
    hide: ['lender2', 'insurer1'],
    ok: [204],
    params: async (fx) => ({ id: await webhookOfLender1(fx) }),
  },
  'GET /webhooks/{id}/deliveries': {
    allow: ['lender1'],
    hide: ['lender2', 'insurer1'],
    ok: [200],
    params: async (fx) => ({ id: await webhookOfLender1(fx) }),
  },

  // Each organisation reads its own inbox; a notification of A's is no one else's to mark read.
  'GET /notifications': { allow: ANY_ROLE, ok: [200] },
  // Each user's own e-mail opt-in (none yet is a 404 of one's own, not a denial).
  'PUT /notifications/email': { allow: ANY_ROLE, ok: [200], body: () => ({ email: 'someone@example.cn' }) },
  'GET /notifications/email': { allow: ANY_ROLE, ok: [200, 404] },
  'DELETE /notifications/email': { allow: ANY_ROLE, ok: [204, 404] },
  'POST /notifications/{id}/read': {
    allow: ['entA'],
    hide: ['entB', 'lender1', 'lender2', 'insurer1', 'ipoffice'],
    ok: [204],
    params: async (fx) => ({ id: await notificationOfA(fx) }),
  },
};

/** B registers the number of a new asset of A: the 409 names the ownership case it opened. */
async function ownershipCaseOverA(fx: Fixture): Promise<string> {
  const held = (await fx.portal.call('GET', `/assets/${await fx.newAssetOfA()}`, { as: CALLERS.ipoffice }))
    .body;
  const res = await fx.portal.call('POST', `/enterprises/${B}/assets`, {
    as: CALLERS.entB,
    body: {
      kind: 'patent',
      number: held.number,
      title: 'T',
      filingDate: held.filingDate,
      grantDate: held.grantDate,
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(409);
  return res.body.ownershipCaseId as string;
}

/** A subscription of lender 1 (a public address: the matrix portal reaches public targets only). */
async function webhookOfLender1(fx: Fixture): Promise<string> {
  const res = await fx.portal.call('POST', '/webhooks', {
    as: CALLERS.lender1,
    body: { url: 'https://203.0.113.10/hooks', events: ['claim.paid'] },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

/** A notification in A's inbox, put there as the notifier would (no event consumers run in this test). */
async function notificationOfA(fx: Fixture): Promise<string> {
  const store = new Store(fx.portal.deps.db, fx.portal.tableName);
  const at = new Date().toISOString();
  const eventId = `pledge:matrix-${randomUUID()}:3`;
  await store.transact(
    new NotificationRepository(store).deliver([
      {
        tenant: `enterprise:${A}`,
        type: 'pledge.approved',
        subject: { kind: 'pledge', id: 'p' },
        title: 't',
        at,
        eventId,
      },
    ]),
  );
  const inbox = await fx.portal.call('GET', '/notifications?limit=100', { as: CALLERS.entA });
  return inbox.body.items.find((n: { at: string }) => n.at === at).id;
}

/** A user of lender 1 the office invited (its staff: no manager). */
async function userOfLender1(fx: Fixture): Promise<string> {
  const res = await fx.portal.call('POST', '/users', {
    as: CALLERS.ipoffice,
    body: {
      email: `${randomUUID()}@matrix.example`,
      role: 'lender',
      org: CALLERS.lender1.org,
      manager: false,
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

/** A pending organisation claim of a fresh claimant (not the matrix's newcomer). */
async function pendingOrgClaim(fx: Fixture): Promise<string> {
  const token = await fx.portal.identityToken(`claimant-${randomUUID()}`);
  const res = await fx.portal.call('POST', '/org-claims', {
    headers: { Authorization: `Bearer ${token}` },
    body: { uscc: B },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

/** The object `{id}` means after each collection segment. */
/** A bulk import declared by A (pending its upload). */
async function importOfA(fx: Fixture): Promise<string> {
  const res = await fx.portal.call('POST', '/imports', {
    as: CALLERS.entA,
    body: { kind: 'assets', format: 'csv', fileName: 'a.csv', sizeBytes: 10, sha256: 'b'.repeat(64) },
  });
  expect(res.status, 'fixture import').toBe(201);
  return res.body.id as string;
}

const ID_OF: Record<string, (fx: Fixture) => string> = {
  institutions: () => CALLERS.lender1.org,
  assets: (fx) => fx.assetOfA,
};

async function fillPath(path: string, expectation: Expectation, fx: Fixture): Promise<string> {
  const given = (await expectation.params?.(fx)) ?? {};
  const segments = path.split('/');
  return segments
    .map((segment, i) => {
      const name = /^\{(.+)\}$/.exec(segment)?.[1];
      if (!name) return segment;
      if (given[name] !== undefined) return encodeURIComponent(given[name]);
      if (name === 'uscc') return A;
      const idOf = ID_OF[segments[i - 1] ?? ''];
      if (name === 'id' && idOf) return encodeURIComponent(idOf(fx));
      throw new Error(`No fixture value for {${name}} in ${path}: add it to ID_OF or give \`params\`.`);
    })
    .join('/');
}

type Outcome = 'allowed' | 'hidden' | 'forbidden' | 'unauthenticated';

function outcomeFor(expectation: Expectation, caller: Caller): Outcome {
  if (expectation.allow === 'public') return 'allowed';
  if (caller === 'anonymous') return 'unauthenticated';
  if (expectation.allow.includes(caller)) return 'allowed';
  return expectation.hide?.includes(caller) ? 'hidden' : 'forbidden';
}

// The cases are generated from the route table of the same app the tests call (checked below).
const routes = routeTable(await createApp({} as PortalDeps)).map((r) => `${r.method} ${r.path}`);
const callers = [...Object.keys(CALLERS), 'newcomer'] as Caller[];
const cases = routes
  .filter((key) => EXPECTATIONS[key])
  .flatMap((key) =>
    callers.map((caller) => [key, caller, outcomeFor(EXPECTATIONS[key] as Expectation, caller)]),
  );

describe('authorisation matrix', () => {
  let fx: Fixture;

  beforeAll(async () => {
    const portal = await createTestPortal();
    let serial = 0;
    const nextPatentNumber = () => {
      const digits = `20201${String(++serial).padStart(7, '0')}`;
      return `${digits}.${patentCheckCharacter(digits)}`;
    };
    const office = { as: CALLERS.ipoffice };
    const put = async (path: string, body: unknown) => {
      const res = await portal.call('PUT', path, { ...office, body });
      expect(res.status, `fixture PUT ${path}`).toBeLessThan(300);
    };
    await put(`/institutions/${CALLERS.lender1.org}`, { kind: 'lender', name: 'Matrix Lender 1' });
    await put(`/institutions/${CALLERS.lender2.org}`, { kind: 'lender', name: 'Matrix Lender 2' });
    await put(`/institutions/${CALLERS.insurer1.org}`, { kind: 'insurer', name: 'Matrix Insurer 1' });
    await put(`/enterprises/${A}`, { name: 'A Co.' });
    await put(`/enterprises/${B}`, { name: 'B Co.' });
    const newAssetOfA = async (extra: Record<string, unknown> = {}) => {
      const res = await portal.call('POST', `/enterprises/${A}/assets`, {
        as: CALLERS.entA,
        body: { ...patentBody(fx), ...extra },
      });
      expect(res.status, 'fixture asset').toBe(201);
      return res.body.id as string;
    };
    const consentedAssetOfA = async () => {
      const id = await newAssetOfA({ coOwners: [B] });
      const res = await portal.call('PUT', `/assets/${id}/co-owner-consents/${B}`, {
        as: CALLERS.entB,
        body: {},
      });
      expect(res.status, 'fixture consent').toBe(201);
      return id;
    };
    fx = { portal, assetOfA: '', newAssetOfA, consentedAssetOfA, nextPatentNumber };
    fx.assetOfA = await newAssetOfA();
    documentPledge = await pledgeOfA(fx, 'submitted');
    const snapshot = await computeStats(portal.deps, fixedClock(STATS_RUN));
    expect(snapshot.asOf, 'fixture statistics run').toBe(STATS_RUN.toISOString());
  });

  it('has an expectation for every registered route, and no stale ones', () => {
    expect(routeTable(fx.portal.app).map((r) => `${r.method} ${r.path}`)).toEqual(routes);
    const missing = routes.filter((key) => !EXPECTATIONS[key]);
    expect(missing, 'routes without a line in EXPECTATIONS').toEqual([]);
    const stale = Object.keys(EXPECTATIONS).filter((key) => !routes.includes(key));
    expect(stale, 'EXPECTATIONS lines naming no registered route').toEqual([]);
  });

  it.each(cases)('%s as %s → %s', async (key, caller, outcome) => {
    const expectation = EXPECTATIONS[key] as Expectation;
    const [method, path] = key.split(' ') as [string, string];
    const url = (await fillPath(path, expectation, fx)) + (expectation.query ?? '');
    const body = expectation.body?.(fx);
    const res = await fx.portal.call(method, url, {
      ...(caller === 'newcomer'
        ? { headers: { Authorization: `Bearer ${await fx.portal.identityToken(NEWCOMER_SUB)}` } }
        : { as: CALLERS[caller as keyof typeof CALLERS] }),
      ...(body === undefined ? {} : { body }),
    });
    const seen = `${method} ${url} as ${caller}: ${res.status} ${JSON.stringify(res.body)?.slice(0, 300)}`;
    if (outcome === 'allowed') {
      const ok = expectation.okFor?.[caller as Authenticated] ?? expectation.ok;
      if (ok) expect(ok, seen).toContain(res.status);
      else expect(res.status >= 200 && res.status < 300, seen).toBe(true);
    } else expect(res.status, seen).toBe({ hidden: 404, forbidden: 403, unauthenticated: 401 }[outcome]);
    if (res.status >= 400) expect(res.headers.get('content-type'), seen).toBe('application/problem+json');
  });
});
