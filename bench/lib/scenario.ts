import { randomUUID } from 'node:crypto';
import { pdfDeclaration, samplePdf } from '../../scripts/sample-pdf.js';
import { addDays, todayInShanghai } from '../../shared/domain/dates.js';
import { CHECKLISTS } from '../../shared/domain/document.js';
import { putFile } from './documents.js';
import type { BenchPortal, Caller, Exchange } from './portal.js';
import { nextSerial, patentNumber, usccOf } from './util.js';

/**
 * Drives every route the portal has through its real lifecycle, once, with valid requests: institutions,
 * enterprises, assets, pledges (every action), policies and claims, designations, statistics. A step
 * whose route does not exist yet, or that fails, is recorded with its status and the scenario goes on.
 */
export interface StepResult {
  /** `METHOD /template`, as in the route table. */
  route: string;
  status: number;
  exchange: Exchange;
}

export interface ScenarioIds {
  A: string;
  B: string;
  lender: string;
  insurer: string;
  assets: string[];
  pledges: string[];
}

export interface ScenarioOptions {
  /** Called between the portfolio and statistics steps, e.g. to run the statistics job. */
  beforeStats?: () => Promise<void>;
  /** Send an `Idempotency-Key` on idempotent routes (as a careful client does). Default true. */
  idempotencyKeys?: boolean;
  idempotentRoutes?: ReadonlySet<string>;
}

export async function runScenario(
  portal: BenchPortal,
  options: ScenarioOptions = {},
): Promise<{ steps: StepResult[]; ids: ScenarioIds }> {
  const tag = randomUUID()
    .slice(0, 4)
    .toUpperCase()
    .replace(/[IOSVZ]/g, '0');
  const A = usccOf(`MA2${tag}01`.slice(0, 9).padEnd(9, '0'));
  const B = usccOf(`MA2${tag}02`.slice(0, 9).padEnd(9, '0'));
  const lender = `bench-l-${tag.toLowerCase()}`;
  const insurer = `bench-i-${tag.toLowerCase()}`;
  const office: Caller = { role: 'ipoffice' };
  const entA: Caller = { role: 'enterprise', org: A };
  const entB: Caller = { role: 'enterprise', org: B };
  const bank: Caller = { role: 'lender', org: lender };
  const ins: Caller = { role: 'insurer', org: insurer };
  const today = todayInShanghai(new Date());
  const steps: StepResult[] = [];
  const ids: ScenarioIds = { A, B, lender, insurer, assets: [], pledges: [] };

  const step = async (
    method: string,
    template: string,
    params: Record<string, string | undefined>,
    as: Caller,
    body?: unknown,
  ) => {
    // A query string (`?year=`) is part of the request, not of the route.
    const route = `${method} ${template.split('?')[0]}`;
    if (Object.values(params).some((v) => v === undefined)) {
      steps.push({
        route,
        status: 0,
        exchange: {
          status: 0,
          body: 'skipped: an earlier step failed',
          cost: { commands: {}, itemsRead: 0, itemsWritten: 0, rcu: 0, wcu: 0, scans: 0 },
        },
      });
      return undefined;
    }
    const path = template.replace(/\{([^}]+)\}/g, (_, n: string) => encodeURIComponent(params[n] as string));
    const headers: Record<string, string> =
      options.idempotencyKeys !== false && options.idempotentRoutes?.has(route)
        ? { 'Idempotency-Key': randomUUID() }
        : {};
    const exchange = await portal.call(method, path, as, body, headers);
    steps.push({ route, status: exchange.status, exchange });
    return exchange.status < 300 ? exchange.body : undefined;
  };
  const idOf = (body: unknown) => (body as { id?: string } | undefined)?.id;

  await step('PUT', '/institutions/{id}', { id: lender }, office, { kind: 'lender', name: 'Bench Bank' });
  await step('PUT', '/institutions/{id}', { id: insurer }, office, {
    kind: 'insurer',
    name: 'Bench Insurance',
  });
  await step('PUT', '/institutions/{id}/lending-policy', { id: lender }, office, {
    maxLtvBps: { invention: 3000, utility_model: 1500, design: 1500, trademark: 5000 },
  });
  await step('GET', '/institutions/{id}', { id: lender }, entA);
  await step('GET', '/institutions', {}, entA);
  await step('PUT', '/enterprises/{uscc}', { uscc: A }, entA, {
    name: 'Bench A Co.',
    industry: 'manufacturing',
  });
  await step('PUT', '/enterprises/{uscc}', { uscc: B }, entB, { name: 'Bench B Co.' });
  await step('GET', '/enterprises/{uscc}', { uscc: A }, entA);
  await step('GET', '/enterprises', {}, office);

  const patent = (extra: Record<string, unknown> = {}) => ({
    kind: 'patent',
    number: patentNumber(2020, 1, nextSerial()),
    title: 'Vacuum flask with a ceramic liner',
    filingDate: '2020-03-02',
    grantDate: '2022-05-10',
    ...extra,
  });
  for (let i = 0; i < 7; i++)
    ids.assets.push(
      idOf(await step('POST', '/enterprises/{uscc}/assets', { uscc: A }, entA, patent())) ?? '',
    );
  const trademark = idOf(
    await step('POST', '/enterprises/{uscc}/assets', { uscc: A }, entA, {
      kind: 'trademark',
      number: String(30_000_000 + nextSerial()),
      mark: 'BENCH',
      niceClasses: [9, 42],
      registrationDate: '2021-06-01',
    }),
  );
  const coOwned = idOf(
    await step('POST', '/enterprises/{uscc}/assets', { uscc: A }, entA, patent({ coOwners: [B] })),
  );
  const [a1, a2, a3, a4, a5, a6, a7] = ids.assets.map((id) => id || undefined);
  await step('GET', '/assets/{id}', { id: a1 }, entA);
  await step('GET', '/enterprises/{uscc}/assets', { uscc: A }, entA);
  await step('PUT', '/assets/{id}/co-owner-consents/{uscc}', { id: coOwned, uscc: B }, entA, {
    documentRef: 'CONSENT-1',
  });
  await step('DELETE', '/assets/{id}/co-owner-consents/{uscc}', { id: coOwned, uscc: B }, entA);

  const apply = async (assetId: string | undefined) => {
    const id = idOf(
      await step('POST', '/pledges', { x: assetId }, entA, {
        lenderId: lender,
        assetIds: [assetId],
        appraisedValueFen: 100_000_000,
        requestedAmountFen: 10_000_000,
        termMonths: 12,
      }),
    );
    if (id) ids.pledges.push(id);
    return id;
  };
  const act = async (id: string | undefined, action: string, as: Caller, body: unknown = {}) => {
    if (action === 'register' && id)
      await documents({ kind: 'pledge', id }, CHECKLISTS['pledge.register'], entA);
    return step('POST', `/pledges/{id}/${action}`, { id }, as, body);
  };
  /** The documents a step needs, uploaded through the measured routes (declare, complete) and the bucket. */
  const documents = async (subject: { kind: string; id: string }, kinds: readonly string[], as: Caller) => {
    for (const kind of kinds) {
      const bytes = samplePdf(`${subject.id} ${kind}`);
      const declared = await step('POST', '/documents', {}, as, pdfDeclaration(kind, subject, bytes));
      if (declared) await putFile(declared.upload, bytes);
      await step('POST', '/documents/{id}/complete', { id: declared?.id }, as);
    }
  };
  const approve = { approvedAmountFen: 10_000_000, annualRateBps: 450 };
  const p1 = await apply(a1);
  await step('GET', '/pledges/{id}', { id: p1 }, entA);
  await step('GET', '/pledges', {}, bank);
  await act(p1, 'review', bank);
  await act(p1, 'approve', bank, approve);
  await act(p1, 'register', office, { registrationNumber: 'Y2026330000001' });
  await act(p1, 'disburse', bank);
  await act(p1, 'repay', bank);
  await act(p1, 'release', office);
  const p2 = await apply(a2);
  await act(p2, 'review', bank);
  await act(p2, 'reject', bank, { reason: 'Valuation too optimistic' });
  const p3 = await apply(a3);
  await act(p3, 'withdraw', entA);
  const p4 = await apply(a4);
  await act(p4, 'review', bank);
  await act(p4, 'approve', bank, approve);
  await act(p4, 'refuse', office, { reason: 'Ownership dispute pending' });
  const p5 = await apply(a5);
  await act(p5, 'review', bank);
  await act(p5, 'approve', bank, approve);
  await act(p5, 'register', office, { registrationNumber: 'Y2026330000005' });
  await act(p5, 'disburse', bank);
  await step('GET', '/pledges/{id}/schedule', { id: p5 }, bank);
  await step('POST', '/pledges/{id}/repayments', { id: p5 }, bank, { amountFen: 100_000 });
  await step('GET', '/pledges/{id}/repayments', { id: p5 }, entA);
  await act(p5, 'default', bank);
  // The city's programmes, the disposal of the defaulted loan, its release.
  const pool = { poolBps: 4000, lenderBps: 3000, insurerBps: 2000, appraiserBps: 1000 };
  await step('PUT', '/programmes/risk-pool', {}, office, pool);
  await step('GET', '/programmes/risk-pool', {}, bank);
  await step('POST', '/pledges/{id}/disposals', { id: p5 }, bank, {
    method: 'auction',
    recoveredFen: 5_000_000,
    completedOn: today,
    transfereeUscc: B,
  });
  await act(p5, 'release', office);
  const year = Number(today.slice(0, 4));
  await step('PUT', '/programmes/interest-subsidy', {}, office, {
    year,
    shareBps: 5000,
    capPerEnterpriseFen: 1_000_000,
  });
  await step('GET', `/programmes/interest-subsidy?year=${year}`, {}, office);
  await step('GET', `/subsidies?year=${year}`, {}, office);
  // A loan on two rights: an extension registered by the office, then one right released.
  const p6 = idOf(
    await step('POST', '/pledges', { x: a6, y: a7 }, entA, {
      lenderId: lender,
      assetIds: [a6, a7],
      appraisedValueFen: 100_000_000,
      requestedAmountFen: 10_000_000,
      termMonths: 12,
      appraisals: [
        { assetId: a6, valueFen: 60_000_000, appraiser: 'Bench Appraisals' },
        { assetId: a7, valueFen: 40_000_000, appraiser: 'Bench Appraisals' },
      ],
    }),
  );
  await act(p6, 'review', bank);
  await act(p6, 'approve', bank, approve);
  await act(p6, 'register', office, { registrationNumber: 'Y2026330000006' });
  await act(p6, 'disburse', bank);
  await step('POST', '/pledges/{id}/extend', { id: p6 }, bank, { newMaturesOn: addDays(today, 500) });
  await step('POST', '/pledges/{id}/register-change', { id: p6 }, office, {});
  await step('POST', '/pledges/{id}/release-assets', { id: p6 }, office, { assetIds: [a7] });

  const policyBody = (assetId: string | undefined) => ({
    insurerId: insurer,
    assetIds: [assetId],
    coverages: [{ line: 'enforcement_cost', sumInsuredFen: 5_000_000, deductibleFen: 10_000 }],
    periodStart: today,
    periodEnd: addDays(today, 365),
  });
  const pol1 = idOf(await step('POST', '/policies', { x: a2 }, entA, policyBody(a2)));
  await step('GET', '/policies/{id}', { id: pol1 }, entA);
  await step('GET', '/policies', {}, ins);
  await step('POST', '/policies/{id}/issue', { id: pol1 }, ins, { premiumFen: 50_000 });
  const claim = (policyId: string | undefined) =>
    step('POST', '/policies/{id}/claims', { id: policyId }, entA, {
      line: 'enforcement_cost',
      claimedFen: 200_000,
      incidentDate: today,
      description: 'A competitor copies the liner design.',
    });
  const c1 = idOf(await claim(pol1));
  await step('GET', '/claims/{id}', { id: c1 }, entA);
  await step('GET', '/claims', {}, ins);
  if (c1) await documents({ kind: 'claim', id: c1 }, CHECKLISTS['claim.settle'], entA);
  await step('GET', '/claims/{id}/documents', { id: c1 }, ins);
  await step('POST', '/claims/{id}/settle', { id: c1 }, ins, { paidFen: 150_000 });
  const c2 = idOf(await claim(pol1));
  await step('POST', '/claims/{id}/deny', { id: c2 }, ins, { reason: 'Outside the covered line' });
  const pol2 = idOf(await step('POST', '/policies', { x: a3 }, entA, policyBody(a3)));
  await step('POST', '/policies/{id}/decline', { id: pol2 }, ins, { reason: 'Portfolio too small' });
  const pol3 = idOf(await step('POST', '/policies', { x: a3 }, entA, policyBody(a3)));
  await step('POST', '/policies/{id}/cancel', { id: pol3 }, entA);

  const d1 = idOf(
    await step('POST', '/designations', {}, office, { uscc: A, level: 'national_advantage', year: 2025 }),
  );
  await step('GET', '/designations/{id}', { id: d1 }, office);
  await step('GET', '/designations', {}, office);
  await step('POST', '/designations/{id}/reviews', { id: d1 }, office, { year: 2026, outcome: 'pass' });
  await step('POST', '/designations/{id}/revoke', { id: d1 }, office, { reason: 'Bench revocation' });

  await options.beforeStats?.();
  await step('GET', '/stats', {}, office);
  await step('GET', '/events', {}, office);
  await step('GET', '/stats.csv', {}, office);
  await step('GET', '/stats/{date}', { date: today }, office);

  await step('DELETE', '/assets/{id}', { id: trademark }, entA);
  await step('GET', '/healthz', {}, null);
  await step('GET', '/openapi.json', {}, null);
  await step('GET', '/docs', {}, null);
  return { steps, ids };
}
