import { ScanCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../shared/domain/clock.js';
import { DESIGNATION_LEVELS } from '../../shared/domain/designation.js';
import { patentCheckCharacter } from '../../shared/domain/patent-number.js';
import { COVERAGE_LINES } from '../../shared/domain/policy.js';
import { JINHUA_DIVISIONS } from '../../shared/domain/statistics.js';
import { withUsccCheck } from '../../shared/domain/uscc.js';
import { computeStats } from '../../shared/jobs/compute-stats.js';
import { reconcileStats } from '../../shared/jobs/reconcile-stats.js';
import {
  claimPaidFact,
  enterpriseSummaryDelta,
  pledgeRegisteredFact,
  policyIssuedFact,
} from '../../shared/store/stats-facts.js';
import { ensureClaimEvidence, ensurePledgeDocuments } from '../support/documents.js';
import { insuranceBreakdown } from '../support/insurance-figures.js';
import { type CallResult, createTestPortal, type TestPortal } from '../support/portal.js';

/**
 * The statistics end to end: a RANDOM city driven through the real HTTP API — enterprises in Jinhua's counties
 * and elsewhere, patents and trademarks (in force, granted this year, expired, pending, deleted), pledges into
 * every state, policies issued/declined/cancelled with claims paid and denied, designations created, reviewed and
 * revoked — then the daily job's snapshot must equal, to the fen, a brute-force recomputation from EVERY item in
 * the table (a Scan, fine in a test), and the reconciliation must find nothing. Past-year items written directly
 * must not count. The brute force below is written from the API contract, not from domain/statistics.ts.
 */

const office = { role: 'ipoffice' as const };
const asEnterprise = (uscc: string) => ({ role: 'enterprise' as const, org: uscc });
const asLender = (id: string) => ({ role: 'lender' as const, org: id });
const asInsurer = (id: string) => ({ role: 'insurer' as const, org: id });

// The municipal level (330700) has its own key beside the nine counties.
const COUNTIES: readonly string[] = ['330700', ...JINHUA_DIVISIONS];
const ELSEWHERE = ['330100', '110108', '440305'];
const LINES = COVERAGE_LINES;
const LEVELS = DESIGNATION_LEVELS;
/** Lenders with different loan-to-value caps (the default policy, a generous one, a cautious one). */
const LENDERS = [
  { id: 'scn-bank-a', inventionBps: 2500 },
  {
    id: 'scn-bank-b',
    inventionBps: 4000,
    classificationDays: { specialMention: 5, substandard: 31, doubtful: 62, loss: 200 },
  },
  { id: 'scn-bank-c', inventionBps: 1000 },
] as const;
const INSURERS = ['scn-picc', 'scn-cpic'] as const;

const shanghai = (at: Date | string) =>
  new Date(new Date(at).getTime() + 8 * 3_600_000).toISOString().slice(0, 10);

// ---- The scenario ---------------------------------------------------------------------------------------------

const PLEDGE_FATES = [
  'submitted',
  'under_review',
  'approved',
  'rejected',
  'withdrawn:submitted',
  'withdrawn:under_review',
  'withdrawn:approved',
  'registered',
  'registration_refused',
  'active',
  'repaid',
  'defaulted',
  'released:repaid',
  'released:defaulted',
] as const;
const TO_ACTIVE = ['review', 'approve', 'register', 'disburse'];
/** The actions that take a new pledge to each fate. */
const PLEDGE_PATHS: Record<(typeof PLEDGE_FATES)[number], string[]> = {
  submitted: [],
  under_review: ['review'],
  approved: ['review', 'approve'],
  rejected: ['review', 'reject'],
  'withdrawn:submitted': ['withdraw'],
  'withdrawn:under_review': ['review', 'withdraw'],
  'withdrawn:approved': ['review', 'approve', 'withdraw'],
  registered: ['review', 'approve', 'register'],
  registration_refused: ['review', 'approve', 'refuse'],
  active: TO_ACTIVE,
  repaid: [...TO_ACTIVE, 'repay'],
  defaulted: [...TO_ACTIVE, 'default'],
  'released:repaid': [...TO_ACTIVE, 'repay', 'release'],
  'released:defaulted': [...TO_ACTIVE, 'default', 'release'],
};

const assetArb = fc.record({
  ent: fc.nat(),
  type: fc.constantFrom('invention', 'utility_model', 'design', 'trademark'),
  shape: fc.constantFrom('in_force', 'granted_this_year', 'expired', 'pending'),
  deleted: fc.boolean(),
});
const pledgeArb = fc.record({
  ent: fc.nat(),
  lender: fc.nat({ max: LENDERS.length - 1 }),
  appraisedFen: fc.integer({ min: 10_000, max: 2 ** 42 }),
  requestedPermille: fc.integer({ min: 1, max: 1000 }),
  approvedPermille: fc.integer({ min: 1, max: 1000 }),
  termMonths: fc.integer({ min: 1, max: 60 }),
  fate: fc.constantFrom(...PLEDGE_FATES),
  repaymentType: fc.constantFrom('equal_instalment', 'equal_principal', 'interest_only', 'bullet'),
  /** An active loan prepays this share of its principal today (‰; 0: none). */
  prepaidPermille: fc.integer({ min: 0, max: 999 }),
});
const claimArb = fc.record({
  line: fc.nat(),
  claimedFen: fc.integer({ min: 1, max: 2 ** 34 }),
  outcome: fc.constantFrom('filed', 'paid', 'denied'),
  paidPermille: fc.integer({ min: 1, max: 1000 }),
});
const policyArb = fc.record({
  ent: fc.nat(),
  insurer: fc.nat({ max: INSURERS.length - 1 }),
  coverages: fc.uniqueArray(
    fc.record({
      line: fc.constantFrom(...LINES.filter((l) => l !== 'pledge_guarantee')),
      sumInsuredFen: fc.integer({ min: 1, max: 2 ** 36 }),
      deductiblePermille: fc.integer({ min: 0, max: 500 }),
    }),
    { minLength: 1, maxLength: 3, selector: (c) => c.line },
  ),
  premiumFen: fc.integer({ min: 0, max: 2 ** 30 }),
  fate: fc.constantFrom('applied', 'declined', 'cancelled:applied', 'active', 'cancelled:active'),
  claims: fc.array(claimArb, { maxLength: 3 }),
});
const designationArb = fc.record({
  ent: fc.nat(),
  level: fc.constantFrom(...LEVELS),
  yearsAgo: fc.integer({ min: 0, max: 3 }),
  fate: fc.constantFrom('active', 'pass', 'fail', 'revoke'),
});
const scenarioArb = fc.record({
  divisions: fc.array(fc.constantFrom(...COUNTIES, ...ELSEWHERE), { minLength: 2, maxLength: 6 }),
  assets: fc.array(assetArb, { maxLength: 12 }),
  pledges: fc.array(pledgeArb, { minLength: 1, maxLength: 10 }),
  policies: fc.array(policyArb, { minLength: 1, maxLength: 6 }),
  designations: fc.array(designationArb, { maxLength: 8 }),
});
type Scenario = typeof scenarioArb extends fc.Arbitrary<infer S> ? S : never;

/** One scenario that surely visits every pledge fate, policy fate, claim outcome, designation fate and asset shape. */
const EVERYTHING: Scenario = {
  divisions: ['330782', '330784', '110108'],
  assets: (['in_force', 'granted_this_year', 'expired', 'pending'] as const).flatMap((shape, i) =>
    (['invention', 'utility_model', 'design', 'trademark'] as const).map((type, j) => ({
      ent: i + j,
      type,
      shape,
      deleted: shape !== 'pending' && j === 1,
    })),
  ),
  pledges: PLEDGE_FATES.map((fate, i) => ({
    ent: i,
    lender: i % LENDERS.length,
    appraisedFen: 1_000_000_00 + i,
    requestedPermille: 900,
    approvedPermille: 700 + i,
    termMonths: 12,
    fate,
    repaymentType: (['equal_instalment', 'equal_principal', 'interest_only', 'bullet'] as const)[i % 4]!,
    prepaidPermille: i % 2 === 0 ? 0 : 250,
  })),
  policies: (['applied', 'declined', 'cancelled:applied', 'active', 'cancelled:active'] as const).map(
    (fate, i) => ({
      ent: i,
      insurer: i % INSURERS.length,
      coverages: [
        { line: 'enforcement_cost' as const, sumInsuredFen: 500_000_00, deductiblePermille: 50 },
        { line: 'infringement_loss' as const, sumInsuredFen: 300_000_00 + i, deductiblePermille: 0 },
      ],
      premiumFen: 9_000_00 + i,
      fate,
      claims: (['paid', 'denied', 'filed', 'paid'] as const).map((outcome, k) => ({
        line: k,
        claimedFen: 120_000_00,
        outcome,
        paidPermille: 800,
      })),
    }),
  ),
  designations: [
    { ent: 0, level: 'national_demonstration', yearsAgo: 0, fate: 'active' }, // no advantage title: 422
    { ent: 0, level: 'national_advantage', yearsAgo: 3, fate: 'pass' },
    { ent: 0, level: 'national_demonstration', yearsAgo: 0, fate: 'active' }, // a promotion: supersedes it
    { ent: 0, level: 'national_demonstration', yearsAgo: 0, fate: 'active' }, // a second active one: 409
    { ent: 0, level: 'national_advantage', yearsAgo: 0, fate: 'active' }, // the demonstration is held: 422
    { ent: 1, level: 'national_advantage', yearsAgo: 2, fate: 'pass' },
    { ent: 2, level: 'provincial_demonstration', yearsAgo: 1, fate: 'fail' },
    { ent: 2, level: 'provincial_demonstration', yearsAgo: 0, fate: 'active' }, // after the failed review
    { ent: 1, level: 'provincial_advantage', yearsAgo: 3, fate: 'revoke' },
  ],
};

/** What the scenario did, tallied by the test itself as it drove the API (a third, independent account). */
interface Tally {
  registeredFen: number;
  registeredCount: number;
  outstandingFen: number;
  policiesIssued: number;
  sumInsuredFen: number;
  premiumFen: number;
  premiumSubsidyFen: number;
  claimsPaidFen: number;
  designations: Record<string, number>;
}

const PREMIUM_SHARE_BPS = 3_333;
/** 1000万元: the largest inclusive loan. */
const INCLUSIVE_FEN = 1_000_000_000;

const expectStatus = (res: CallResult, status: number, what: string) =>
  expect(res.status, `${what}: ${JSON.stringify(res.body)?.slice(0, 400)}`).toBe(status);

/** Drives one scenario through the HTTP API; returns what it did. */
async function play(portal: TestPortal, s: Scenario): Promise<Tally> {
  const today = shanghai(new Date());
  const year = Number(today.slice(0, 4));
  const tally: Tally = {
    registeredFen: 0,
    registeredCount: 0,
    outstandingFen: 0,
    policiesIssued: 0,
    sumInsuredFen: 0,
    premiumFen: 0,
    premiumSubsidyFen: 0,
    claimsPaidFen: 0,
    designations: Object.fromEntries(LEVELS.map((l) => [l, 0])),
  };
  // The city pays a third of this year's premiums.
  expectStatus(
    await portal.call('PUT', '/programmes/premium-subsidy', {
      as: { role: 'ipoffice' },
      body: { year, shareBps: PREMIUM_SHARE_BPS },
    }),
    201,
    'premium subsidy',
  );
  let serial = 0;
  const patentNumber = (filingYear: number, typeDigit: number) => {
    const body = `${filingYear}${typeDigit}${String(++serial).padStart(7, '0')}`;
    return `${body}.${patentCheckCharacter(body)}`;
  };

  // Parties.
  const enterprises = s.divisions.map((division, i) => {
    const first17 = `91${division}MA${String(i + 1).padStart(7, '0')}`;
    return withUsccCheck(first17);
  });
  const entOf = (n: number) => enterprises[n % enterprises.length]!;
  for (const uscc of enterprises)
    expectStatus(
      await portal.call('PUT', `/enterprises/${uscc}`, { as: office, body: { name: `Co ${uscc}` } }),
      201,
      'enterprise',
    );
  for (const lender of LENDERS) {
    expectStatus(
      await portal.call('PUT', `/institutions/${lender.id}`, {
        as: office,
        body: { kind: 'lender', name: lender.id },
      }),
      201,
      'lender',
    );
    expectStatus(
      await portal.call('PUT', `/institutions/${lender.id}/lending-policy`, {
        as: office,
        body: {
          maxLtvBps: { invention: lender.inventionBps, utility_model: 1500, design: 1500, trademark: 5000 },
          ...('classificationDays' in lender ? { classificationDays: lender.classificationDays } : {}),
        },
      }),
      200,
      'lending policy',
    );
  }
  for (const insurer of INSURERS)
    expectStatus(
      await portal.call('PUT', `/institutions/${insurer}`, {
        as: office,
        body: { kind: 'insurer', name: insurer },
      }),
      201,
      'insurer',
    );

  /** An invention filed 2020 (in force until 2040): pledgeable and insurable. */
  const invention = async (owner: string) => {
    const res = await portal.call('POST', `/enterprises/${owner}/assets`, {
      as: asEnterprise(owner),
      body: {
        kind: 'patent',
        number: patentNumber(2020, 1),
        title: 'Vacuum flask',
        filingDate: '2020-03-01',
        grantDate: '2021-06-01',
      },
    });
    expectStatus(res, 201, 'invention');
    return res.body.id as string;
  };

  // Portfolios: every shape of asset, some deleted again.
  for (const a of s.assets) {
    const owner = entOf(a.ent);
    const body =
      a.type === 'trademark'
        ? {
            kind: 'trademark',
            number: String(40_000_000 + ++serial),
            mark: '金华火腿',
            niceClasses: [29],
            registrationDate:
              a.shape === 'expired'
                ? '2010-01-05'
                : a.shape === 'granted_this_year'
                  ? `${year}-01-01`
                  : '2020-06-01',
          }
        : (() => {
            const digit = { invention: 1, utility_model: 2, design: 3 }[a.type];
            // expired: an invention of 2004 (→ 2024), a utility model of 2010 (→ 2020), a design of 2008 (→ 2018)
            const filingYear =
              a.shape === 'expired'
                ? { invention: 2004, utility_model: 2010, design: 2008 }[a.type]
                : a.shape === 'granted_this_year'
                  ? year - 2
                  : 2022;
            const grantDate =
              a.shape === 'pending'
                ? undefined
                : a.shape === 'granted_this_year'
                  ? `${year}-01-01`
                  : `${filingYear + 1}-09-01`;
            return {
              kind: 'patent',
              number: patentNumber(filingYear, digit),
              title: 'Widget',
              filingDate: `${filingYear}-03-01`,
              ...(grantDate ? { grantDate } : {}),
            };
          })();
    const created = await portal.call('POST', `/enterprises/${owner}/assets`, {
      as: asEnterprise(owner),
      body,
    });
    expectStatus(created, 201, 'asset');
    if (a.deleted)
      expectStatus(
        await portal.call('DELETE', `/assets/${created.body.id}`, { as: asEnterprise(owner) }),
        204,
        'delete asset',
      );
  }

  // Pledges, each on its own fresh invention, driven to its fate (concurrently: different pledges).
  await Promise.all(
    s.pledges.map(async (p, n) => {
      const applicant = entOf(p.ent);
      const lender = LENDERS[p.lender]!;
      const requested = Math.max(1, Math.floor((p.appraisedFen * p.requestedPermille) / 1000));
      const cap = Math.floor((p.appraisedFen * lender.inventionBps) / 10_000);
      const approved = Math.max(1, Math.floor((Math.min(requested, cap) * p.approvedPermille) / 1000));
      const applied = await portal.call('POST', '/pledges', {
        as: asEnterprise(applicant),
        headers: { 'Idempotency-Key': `scenario-pledge-${n}` },
        body: {
          lenderId: lender.id,
          assetIds: [await invention(applicant)],
          appraisedValueFen: p.appraisedFen,
          requestedAmountFen: requested,
          termMonths: p.termMonths,
        },
      });
      expectStatus(applied, 201, 'pledge');
      const id = applied.body.id as string;
      const act = async (action: string, as: { role: string; org?: string }, body?: unknown) =>
        expectStatus(
          await portal.call('POST', `/pledges/${id}/${action}`, {
            as: as as never,
            ...(body === undefined ? {} : { body }),
          }),
          200,
          `pledge ${action}`,
        );
      for (const action of PLEDGE_PATHS[p.fate]) {
        if (action === 'approve')
          await act(action, asLender(lender.id), {
            approvedAmountFen: approved,
            annualRateBps: 435,
            repaymentType: p.repaymentType,
          });
        else if (action === 'reject') await act(action, asLender(lender.id), { reason: 'No.' });
        else if (action === 'refuse') await act(action, office, { reason: 'No.' });
        else if (action === 'withdraw') await act(action, asEnterprise(applicant));
        else if (action === 'register') {
          await ensurePledgeDocuments(portal, id); // registration needs the pledge's four documents
          await act(action, office, { registrationNumber: `Y${id.slice(0, 12)}` });
        }
        // A defaulted pledge is released by waiver here (disposals have their own tests).
        else if (action === 'release') await act(action, office, { waived: true });
        else await act(action, asLender(lender.id)); // review, disburse, repay, default
      }
      if (PLEDGE_PATHS[p.fate].includes('register')) {
        tally.registeredFen += approved;
        tally.registeredCount++;
      }
      if (p.fate === 'active') tally.outstandingFen += approved;
      const prepaidFen = Math.floor((approved * p.prepaidPermille) / 1000);
      if (p.fate === 'active' && prepaidFen > 0)
        expectStatus(
          await portal.call('POST', `/pledges/${id}/repayments`, {
            as: asLender(lender.id),
            body: { amountFen: prepaidFen },
          }),
          201,
          'prepayment',
        );
    }),
  );

  // Policies on each holder's own invention; claims while active; some cancelled afterwards.
  await Promise.all(
    s.policies.map(async (p, n) => {
      const holder = entOf(p.ent);
      const insurer = INSURERS[p.insurer]!;
      const coverages = p.coverages.map((c) => ({
        line: c.line,
        sumInsuredFen: c.sumInsuredFen,
        deductibleFen: Math.floor((c.sumInsuredFen * c.deductiblePermille) / 1000),
      }));
      const applied = await portal.call('POST', '/policies', {
        as: asEnterprise(holder),
        headers: { 'Idempotency-Key': `scenario-policy-${n}` },
        body: {
          insurerId: insurer,
          assetIds: [await invention(holder)],
          coverages,
          periodStart: today,
          periodEnd: `${year + 1}-06-30`,
        },
      });
      expectStatus(applied, 201, 'policy');
      const id = applied.body.id as string;
      const [fate, via] = p.fate.split(':') as [string, string | undefined];
      if (fate === 'declined') {
        expectStatus(
          await portal.call('POST', `/policies/${id}/decline`, {
            as: asInsurer(insurer),
            body: { reason: 'No.' },
          }),
          200,
          'decline',
        );
        return;
      }
      if (fate === 'applied' || via === 'applied') {
        if (fate === 'cancelled')
          expectStatus(
            await portal.call('POST', `/policies/${id}/cancel`, { as: asEnterprise(holder) }),
            200,
            'cancel',
          );
        return;
      }
      expectStatus(
        await portal.call('POST', `/policies/${id}/issue`, {
          as: asInsurer(insurer),
          body: { premiumFen: p.premiumFen },
        }),
        200,
        'issue',
      );
      tally.policiesIssued++;
      tally.premiumFen += p.premiumFen;
      tally.premiumSubsidyFen += Number((BigInt(p.premiumFen) * BigInt(PREMIUM_SHARE_BPS)) / 10_000n);
      for (const c of coverages) tally.sumInsuredFen += c.sumInsuredFen;
      const paidOnLine = new Map<string, number>();
      for (const claim of p.claims) {
        const coverage = coverages[claim.line % coverages.length]!;
        const filed = await portal.call('POST', `/policies/${id}/claims`, {
          as: asEnterprise(holder),
          body: {
            line: coverage.line,
            claimedFen: claim.claimedFen,
            incidentDate: today,
            description: 'Infringement found at a trade fair',
          },
        });
        expectStatus(filed, 201, 'claim');
        // The deductible comes off each claim; the line pays at most its sum insured over all its claims.
        const remaining = coverage.sumInsuredFen - (paidOnLine.get(coverage.line) ?? 0);
        const payable = Math.min(claim.claimedFen - coverage.deductibleFen, remaining);
        if (claim.outcome === 'paid' && payable >= 1) {
          const paidFen = Math.max(1, Math.floor((payable * claim.paidPermille) / 1000));
          await ensureClaimEvidence(portal, filed.body.id, asInsurer(insurer)); // settling needs the evidence
          expectStatus(
            await portal.call('POST', `/claims/${filed.body.id}/settle`, {
              as: asInsurer(insurer),
              body: { paidFen },
            }),
            200,
            'settle',
          );
          paidOnLine.set(coverage.line, (paidOnLine.get(coverage.line) ?? 0) + paidFen);
          tally.claimsPaidFen += paidFen;
        } else if (claim.outcome !== 'filed')
          expectStatus(
            await portal.call('POST', `/claims/${filed.body.id}/deny`, {
              as: asInsurer(insurer),
              body: { reason: 'Not covered.' },
            }),
            200,
            'deny',
          );
      }
      if (fate === 'cancelled')
        expectStatus(
          await portal.call('POST', `/policies/${id}/cancel`, { as: asEnterprise(holder) }),
          200,
          'cancel',
        );
    }),
  );

  // Designations, in order, against the programme's rules as modelled here: a second active one for the same
  // enterprise and level is refused (409); national demonstration needs a national advantage title three years old,
  // which it then supersedes (as a provincial demonstration supersedes a provincial advantage title); an advantage
  // title is refused to a holder of its programme's demonstration title (422).
  const activeYear = new Map<string, number>(); // `${uscc}#${level}` → year of the active title
  const PROMOTES: Record<string, string> = {
    national_demonstration: 'national_advantage',
    provincial_demonstration: 'provincial_advantage',
  };
  for (const d of s.designations) {
    const uscc = entOf(d.ent);
    const lock = `${uscc}#${d.level}`;
    const dYear = year - d.yearsAgo;
    const created = await portal.call('POST', '/designations', {
      as: office,
      body: { uscc, level: d.level, year: dYear },
    });
    if (activeYear.has(lock)) {
      expectStatus(created, 409, 'duplicate designation');
      continue;
    }
    const demonstration = Object.keys(PROMOTES).find((l) => PROMOTES[l] === d.level);
    const advantageYear = activeYear.get(`${uscc}#${PROMOTES[d.level]}`);
    const refused =
      (demonstration !== undefined && activeYear.has(`${uscc}#${demonstration}`)) ||
      (d.level === 'national_demonstration' && (advantageYear === undefined || advantageYear + 3 > dYear));
    if (refused) {
      expectStatus(created, 422, 'programme rule');
      continue;
    }
    expectStatus(created, 201, 'designation');
    if (advantageYear !== undefined) {
      activeYear.delete(`${uscc}#${PROMOTES[d.level]}`);
      tally.designations[PROMOTES[d.level]!]!--;
    }
    const id = created.body.id as string;
    if (d.fate === 'pass' || d.fate === 'fail')
      expectStatus(
        await portal.call('POST', `/designations/${id}/reviews`, {
          as: office,
          body: { year: dYear, outcome: d.fate },
        }),
        201,
        'review',
      );
    else if (d.fate === 'revoke')
      expectStatus(
        await portal.call('POST', `/designations/${id}/revoke`, { as: office, body: { reason: 'Lapsed.' } }),
        200,
        'revoke',
      );
    if (d.fate === 'active' || d.fate === 'pass') {
      activeYear.set(lock, dYear);
      tally.designations[d.level]!++;
    }
  }
  return tally;
}

/**
 * Items from past years, written directly the way their transactions would have (source item, fact, summary),
 * at 23:59:59.999 on New Year's Eve in Shanghai — one millisecond before this year starts. They must not count
 * in this year's figures, and reconciliation must still find the per-enterprise totals exact.
 */
async function writePastYear(portal: TestPortal, holder: string, year: number): Promise<void> {
  const t = portal.tableName;
  const at = `${year - 1}-12-31T15:59:59.999Z`;
  const coverages = [{ line: 'infringement_loss', sumInsuredFen: 7_000_000 }];
  const txs = [
    [
      {
        Put: {
          TableName: t,
          Item: {
            pk: 'PLEDGE#past-1',
            sk: 'PLEDGE',
            entity: 'pledge',
            id: 'past-1',
            applicant: holder,
            lenderId: LENDERS[0].id,
            status: 'repaid',
            approvedAmountFen: 55_500_000,
            registeredAt: at,
          },
        },
      },
      pledgeRegisteredFact(
        {
          pledgeId: 'past-1',
          registeredAt: at,
          applicant: holder,
          divisionCode: holder.slice(2, 8),
          lenderId: LENDERS[0].id,
          amountFen: 55_500_000,
        },
        t,
      ),
      enterpriseSummaryDelta(holder, { pledgeRegisteredFen: 55_500_000 }, t),
    ],
    [
      {
        Put: {
          TableName: t,
          Item: {
            pk: 'POLICY#past-2',
            sk: 'POLICY',
            entity: 'policy',
            id: 'past-2',
            holder,
            status: 'expired',
            coverages,
            premiumFen: 70_000,
            issuedAt: at,
          },
        },
      },
      policyIssuedFact({ policyId: 'past-2', issuedAt: at, holder, coverages, premiumFen: 70_000 }, t),
      enterpriseSummaryDelta(holder, { sumInsuredFen: 7_000_000 }, t),
    ],
    [
      {
        Put: {
          TableName: t,
          Item: {
            pk: 'CLAIM#past-3',
            sk: 'CLAIM',
            entity: 'claim',
            id: 'past-3',
            policyId: 'past-2',
            line: 'infringement_loss',
            status: 'paid',
            paidFen: 1_000_000,
            settledAt: at,
          },
        },
      },
      claimPaidFact(
        { claimId: 'past-3', paidAt: at, policyId: 'past-2', line: 'infringement_loss', paidFen: 1_000_000 },
        t,
      ),
    ],
  ];
  for (const TransactItems of txs) await portal.deps.db.send(new TransactWriteCommand({ TransactItems }));
}

// ---- The brute force: every item in the table, the API contract's definitions ------------------------------------

type Item = Record<string, unknown>;

async function everyItem(portal: TestPortal): Promise<Item[]> {
  const items: Item[] = [];
  let startKey: Item | undefined;
  do {
    const out = await portal.deps.db.send(
      new ScanCommand({ TableName: portal.tableName, ConsistentRead: true, ExclusiveStartKey: startKey }),
    );
    items.push(...(out.Items ?? []));
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return items;
}

const DAY_MS = 86_400_000;

/**
 * The loan book on `date` by the contract's definitions, from the stored instalments: outstanding = Σ unpaid
 * principal of active loans; overdue when an instalment due before `date` is not fully paid; non-performing from
 * the lender's `substandard` threshold (regulator: 91 days), and every defaulted loan with what it still owed.
 */
function loanBookBruteForce(items: Item[], date: string) {
  const thresholds = new Map(
    items
      .filter((i) => i.entity === 'institution')
      .map((i) => {
        const days = (i.lendingPolicy as { classificationDays?: { substandard: number } } | undefined)
          ?.classificationDays;
        return [String(i.id), days?.substandard ?? 91] as const;
      }),
  );
  const divisions = () => Object.fromEntries([...COUNTIES, 'other'].map((c) => [c, 0]));
  const book = {
    outstandingPrincipalFen: 0,
    overdueAmountFen: 0,
    nonPerformingAmountFen: 0,
    outstandingPrincipalByLender: {} as Record<string, number>,
    overdueByLender: {} as Record<string, number>,
    nonPerformingByLender: {} as Record<string, number>,
    outstandingPrincipalByDivision: divisions(),
    overdueByDivision: divisions(),
    nonPerformingByDivision: divisions(),
  };
  type Inst = {
    dueOn: string;
    principalFen: number;
    paidPrincipalFen: number;
    interestFen: number;
    paidInterestFen: number;
  };
  for (const p of items) {
    if (p.entity !== 'pledge' || (p.status !== 'active' && p.status !== 'defaulted')) continue;
    const instalments = (p.loan as { instalments: Inst[] }).instalments;
    const principal = instalments.reduce((sum, i) => sum + i.principalFen - i.paidPrincipalFen, 0);
    const late = instalments.filter(
      (i) => i.dueOn < date && i.principalFen - i.paidPrincipalFen + i.interestFen - i.paidInterestFen > 0,
    );
    const days = late.length === 0 ? 0 : (Date.parse(date) - Date.parse(late[0]!.dueOn)) / DAY_MS;
    const active = p.status === 'active';
    const lender = String(p.lenderId);
    const division = String(p.applicant).slice(2, 8);
    const county = COUNTIES.includes(division) ? division : 'other';
    const parts = [
      ['outstandingPrincipal', active ? principal : 0],
      ['overdue', active && days > 0 ? principal : 0],
      ['nonPerforming', !active || days >= thresholds.get(lender)! ? principal : 0],
    ] as const;
    for (const [prefix, fen] of parts) {
      const total =
        prefix === 'outstandingPrincipal' ? 'outstandingPrincipalFen' : (`${prefix}AmountFen` as const);
      book[total] += fen;
      book[`${prefix}ByLender`][lender] = (book[`${prefix}ByLender`][lender] ?? 0) + fen;
      book[`${prefix}ByDivision`][county]! += fen;
    }
  }
  return book;
}

function bruteForce(items: Item[], now: Date) {
  const date = shanghai(now);
  const year = Number(date.slice(0, 4));
  const inYear = (at: unknown) => typeof at === 'string' && shanghai(at).startsWith(`${year}-`);
  const of = (entity: string) => items.filter((i) => i.entity === entity);
  const add = (map: Record<string, number>, key: string, n: number) => {
    map[key] = (map[key] ?? 0) + n;
  };
  const sum = (ns: number[]) => ns.reduce((a, b) => a + b, 0);

  const registered = of('pledge').filter((p) => inYear(p.registeredAt));
  const byDivision: Record<string, number> = Object.fromEntries([...COUNTIES, 'other'].map((c) => [c, 0]));
  const byLender: Record<string, number> = {};
  const byMonth: Record<string, number> = {};
  for (let m = 1; m <= Number(date.slice(5, 7)); m++) byMonth[`${year}-${String(m).padStart(2, '0')}`] = 0;
  const byMonthCount: Record<string, number> = { ...byMonth };
  for (const p of registered) {
    const amount = p.approvedAmountFen as number;
    const division = String(p.applicant).slice(2, 8);
    add(byDivision, COUNTIES.includes(division) ? division : 'other', amount);
    add(byLender, String(p.lenderId), amount);
    add(byMonth, shanghai(String(p.registeredAt)).slice(0, 7), amount);
    add(byMonthCount, shanghai(String(p.registeredAt)).slice(0, 7), 1);
  }

  const issued = of('policy').filter((p) => inYear(p.issuedAt));
  const byLine: Record<string, number> = Object.fromEntries(LINES.map((l) => [l, 0]));
  for (const p of issued)
    for (const c of p.coverages as { line: string; sumInsuredFen: number }[])
      add(byLine, c.line, c.sumInsuredFen);

  const counted = of('asset').filter((a) => a.status === 'granted' || a.status === 'registered');
  const typeOf = (a: Item) => (a.kind === 'trademark' ? 'trademark' : String(a.patentType));
  const inForce = (type: string) =>
    counted.filter((a) => typeOf(a) === type && String(a.expiresOn) >= date).length;
  const grantYear = (a: Item) =>
    String(a.kind === 'trademark' ? a.registrationDate : a.grantDate).slice(0, 4);

  // Every payment on a claim in the year (a claim of v1's kind, without its list, was one settlement).
  const payments = of('claim').flatMap((c) =>
    (
      (c.payments as { at: string; amountFen: number }[] | undefined) ??
      (c.status === 'paid' ? [{ at: c.settledAt as string, amountFen: c.paidFen as number }] : [])
    )
      .filter((x) => inYear(x.at))
      .map((x) => ({ insurerId: c.insurerId, line: String(c.line), paidFen: x.amountFen })),
  );
  return {
    asOf: now.toISOString(),
    date,
    year,
    financing: {
      registeredCount: registered.length,
      registeredAmountFen: sum(registered.map((p) => p.approvedAmountFen as number)),
      enterprisesFinanced: new Set(registered.map((p) => p.applicant)).size,
      inclusiveCount: registered.filter((p) => (p.approvedAmountFen as number) <= INCLUSIVE_FEN).length,
      inclusiveAmountFen: sum(
        registered.map((p) => p.approvedAmountFen as number).filter((amount) => amount <= INCLUSIVE_FEN),
      ),
      // Applicants registered this year with no registration in any earlier year.
      firstTimeBorrowers: new Set(
        registered
          .map((p) => String(p.applicant))
          .filter(
            (applicant) =>
              !of('pledge').some(
                (q) =>
                  q.applicant === applicant &&
                  typeof q.registeredAt === 'string' &&
                  shanghai(q.registeredAt) < `${year}-01-01`,
              ),
          ),
      ).size,
      outstandingAmountFen: sum(
        of('pledge')
          .filter((p) => p.status === 'active')
          .map((p) => p.approvedAmountFen as number),
      ),
      byDivision,
      byLender,
      byMonth,
      byMonthCount,
      ...loanBookBruteForce(items, date),
    },
    insurance: {
      policiesIssued: issued.length,
      insuredEnterprises: new Set(issued.map((p) => p.holder)).size,
      sumInsuredFen: sum(Object.values(byLine)),
      premiumFen: sum(issued.map((p) => p.premiumFen as number)),
      claimsPaidFen: sum(payments.map((c) => c.paidFen)),
      byLine,
      ...insuranceBreakdown(issued as { insurerId?: unknown; premiumFen: number }[], payments),
    },
    portfolio: {
      patentsInForce: {
        invention: inForce('invention'),
        utility_model: inForce('utility_model'),
        design: inForce('design'),
      },
      trademarksInForce: inForce('trademark'),
      patentsGrantedThisYear: counted.filter((a) => a.kind === 'patent' && grantYear(a) === String(year))
        .length,
      trademarksRegisteredThisYear: counted.filter(
        (a) => a.kind === 'trademark' && grantYear(a) === String(year),
      ).length,
    },
    designations: Object.fromEntries(
      LEVELS.map((l) => [l, of('designation').filter((d) => d.level === l && d.status === 'active').length]),
    ),
    // The scenario sets no interest subsidy.
    subsidies: { interestSubsidyFen: 0 },
  };
}

describe('statistics over a random city driven through the API', () => {
  it('the snapshot equals a brute-force recomputation from every item, to the fen; reconciliation agrees', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (scenario) => {
        const portal = await createTestPortal();
        const year = Number(shanghai(new Date()).slice(0, 4));
        const pastHolder = `91${scenario.divisions[0]}MA${String(1).padStart(7, '0')}`;
        // Last year's records come first: this year's registrations of that company are then not its first.
        await writePastYear(portal, withUsccCheck(pastHolder), year);
        const tally = await play(portal, scenario);

        const now = new Date();
        const snapshot = await computeStats(portal.deps, fixedClock(now));
        const expected = bruteForce(await everyItem(portal), now);
        expect(snapshot).toEqual(expected);

        // The scenario's own account: what it registered, issued, paid and designated THIS year (the past-year
        // items are not in it, so these also show that they were left out).
        expect(snapshot.financing.registeredAmountFen).toBe(tally.registeredFen);
        expect(snapshot.financing.registeredCount).toBe(tally.registeredCount);
        expect(snapshot.financing.outstandingAmountFen).toBe(tally.outstandingFen);
        expect(snapshot.insurance.policiesIssued).toBe(tally.policiesIssued);
        expect(snapshot.insurance.sumInsuredFen).toBe(tally.sumInsuredFen);
        expect(snapshot.insurance.premiumFen).toBe(tally.premiumFen);
        expect(snapshot.insurance.premiumSubsidyFen).toBe(tally.premiumSubsidyFen);
        expect(snapshot.insurance.claimsPaidFen).toBe(tally.claimsPaidFen);
        expect(snapshot.designations).toEqual(tally.designations);

        const audit = await reconcileStats(portal.deps, fixedClock(now));
        expect(audit.differences).toEqual([]);
        expect(audit.enterpriseDifferences).toEqual([]);

        // The stored snapshot is what GET /stats serves.
        const served = await portal.call('GET', '/stats', { as: office });
        expect(served.status).toBe(200);
        expect(served.body).toEqual(snapshot);

        // The loan book as the months go by without a repayment: first overdue, then non-performing, each
        // lender by its own thresholds (the snapshot's loan book equals the brute force on every later day).
        const items = await everyItem(portal);
        for (const laterDays of [33, 40, 70, 130, 400]) {
          const later = new Date(now.getTime() + laterDays * DAY_MS);
          const { financing } = await computeStats(portal.deps, fixedClock(later));
          const book = loanBookBruteForce(items, shanghai(later));
          expect(financing).toMatchObject(book);
          expect(Object.keys(financing.overdueByLender).sort()).toEqual(
            Object.keys(book.overdueByLender).sort(),
          );
        }
      }),
      { numRuns: 4, examples: [[EVERYTHING]] },
    );
  }, 90_000);

  it('reconciliation names each enterprise figure that drifted from its source items', async () => {
    const portal = await createTestPortal();
    const t = portal.tableName;
    const first17 = '91330782MA0000042';
    const uscc = withUsccCheck(first17);
    const at = new Date().toISOString();
    const put = (Item: Record<string, unknown>) => ({ Put: { TableName: t, Item } });
    // A registration whose running total was added with one fen too many …
    await portal.deps.db.send(
      new TransactWriteCommand({
        TransactItems: [
          put({
            pk: 'PLEDGE#drift',
            sk: 'PLEDGE',
            entity: 'pledge',
            id: 'drift',
            applicant: uscc,
            lenderId: 'bank-a',
            status: 'registered',
            approvedAmountFen: 800,
            registeredAt: at,
          }),
          pledgeRegisteredFact(
            {
              pledgeId: 'drift',
              registeredAt: at,
              applicant: uscc,
              divisionCode: '330782',
              lenderId: 'bank-a',
              amountFen: 800,
            },
            t,
          ),
          enterpriseSummaryDelta(uscc, { pledgeRegisteredFen: 801 }, t),
        ],
      }),
    );
    // … and a trademark stored without its counters.
    await portal.deps.db.send(
      new TransactWriteCommand({
        TransactItems: [
          put({
            pk: 'ASSET#drift',
            sk: 'ASSET',
            entity: 'asset',
            id: 'drift',
            owner: uscc,
            kind: 'trademark',
            status: 'registered',
            registrationDate: '2020-01-10',
            expiresOn: '2030-01-09',
          }),
        ],
      }),
    );
    const audit = await reconcileStats(portal.deps, fixedClock(new Date()));
    expect(audit.enterpriseDifferences).toEqual([
      { figure: `enterprise[${uscc}].inForce[2030-01-09#trademark]`, expected: 1, actual: 0 },
      { figure: `enterprise[${uscc}].pledgeRegisteredFen`, expected: 800, actual: 801 },
    ]);
    expect(audit.differences).toEqual([{ figure: 'portfolio.trademarksInForce', expected: 1, actual: 0 }]);
  });
});
