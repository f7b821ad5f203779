/**
 * The weekly audit of the statistics: recompute every figure from the SOURCE items (pledges, policies, claims,
 * assets, designations) with the same pure functions the daily job uses, and compare field by field with what the
 * facts and counters give (`buildStatsSnapshot`). An empty difference list means the counters are exact.
 *
 * This job deliberately Scans the whole table (paginated, consistent reads, filtered to the source entities): it
 * is an offline audit that must not trust any index or counter, run weekly off-peak — never a request path, and
 * not the daily job (which must stay independent of the table's size). Writes that land while it runs can show
 * up as transient differences; a difference that persists across two runs is real.
 *
 * So that no single invocation's 15 minutes bounds the table, the Scan is cut into DynamoDB's parallel-Scan
 * segments (`Segment`/`TotalSegments`): `scanSegment` reads one and returns its contribution as plain JSON, and
 * `combinePartials` adds contributions exactly (every item lies in exactly one segment), so the result is the same
 * for 1 or N segments. Deployed, a Step Functions Map runs one `runAuditSegment` invocation per segment (each keeps
 * its result in the table) and `finishAudit` combines and compares (infra/stats-audit.ts); locally,
 * `reconcileStats(deps, clock, { totalSegments })` runs the same segment function in-process. A loan's tiers come
 * from its lender's item read by key, since the lender may lie in another segment.
 *
 * Source layouts read (owned by the other repositories):
 *   pledge  `PLEDGE#<id>`/`PLEDGE`  entity 'pledge'  { applicant, lenderId, status, approvedAmountFen, registeredAt }
 *   policy  `POLICY#<id>`/`POLICY`  entity 'policy'  { holder, coverages[{line,sumInsuredFen}], premiumFen, issuedAt }
 *   claim   `CLAIM#<id>`/`CLAIM`    entity 'claim'   { policyId, line, status, paidFen, settledAt }
 *   asset   `ASSET#<id>`/`ASSET`    entity 'asset'   { kind, patentType, status, expiresOn, grantDate, registrationDate }
 *   designation `DESIG#<id>`/`DESIG` entity 'designation' { level, status }
 *   lender  `INST#<id>`/`INST`      entity 'institution' { lendingPolicy.classificationDays } (the loan book's tiers;
 *           read by key for the lenders of the segment's loans)
 *
 * It also audits the per-enterprise items `GET /designations` shows (stats-facts.ts), all years:
 *   `ENT#<uscc>`/`SUMMARY` (entity 'enterprise-summary') against Σ approvedAmountFen / count of the enterprise's
 *   registered pledges and Σ sum insured / count of its issued policies; `ENT#<uscc>`/`INFORCE#<expiresOn>#<type>`
 *   (entity 'stats-counter') against the count of its granted/registered assets by last day and type.
 * Those differences are reported apart (`enterpriseDifferences`, figures named `enterprise[<uscc>].<field>`), so
 * the snapshot's own differences stay one list of snapshot figures.
 */
import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { type Clock, fixedClock } from '../domain/clock.js';
import {
  type Contribution,
  claimContribution,
  designationContribution,
  pledgeContribution,
  policyContribution,
} from '../domain/contributions.js';
import { yearOf } from '../domain/dates.js';
import type { Designation, DesignationLevel } from '../domain/designation.js';
import type { Institution } from '../domain/institution.js';
import { classificationDaysOf } from '../domain/lending-policy.js';
import type { Pledge } from '../domain/pledge.js';
import type { Claim, Policy } from '../domain/policy.js';
import {
  addExact,
  buildSnapshot,
  type ClaimPaidFact,
  diffSnapshots,
  type FigureDifference,
  type InForceType,
  type LoanBookEntry,
  loanBookEntry,
  type PledgeRegisteredFact,
  type PolicyIssuedFact,
  type StatsInputs,
  type StatsSnapshot,
} from '../domain/statistics.js';
import { ENTERPRISE_IN_FORCE_PREFIX, ENTERPRISE_PREFIX, institutionKey } from '../store/keys.js';
import { loadSegmentResults, saveSegmentResult } from '../store/reconcile-parts.js';
import { toResource } from '../store/records.js';
import { factYear } from '../store/stats-facts.js';
import { Store } from '../store/toolkit.js';
import { jobContext } from '../usecases/context.js';
import { interestSubsidyTotal } from '../usecases/programmes.js';
import { buildStatsSnapshot } from '../usecases/stats.js';

export interface ReconcileDeps {
  db: DynamoDBDocumentClient;
  tableName: string;
  log?: (message: string, details: Record<string, unknown>) => void;
}

export interface ReconcileResult {
  date: string;
  /** Figures from the source items. */
  expected: StatsSnapshot;
  /** Figures from the facts and counters. */
  actual: StatsSnapshot;
  differences: FigureDifference[];
  /** Per-enterprise running totals and in-force day counters that disagree with the source items. */
  enterpriseDifferences: FigureDifference[];
  scannedItems: number;
}

const SOURCE_ENTITIES = ['pledge', 'policy', 'claim', 'asset', 'designation'];
/** The per-enterprise statistics items (only those under `ENT#` are used of the counters). */
const ENTERPRISE_STATS_ENTITIES = ['enterprise-summary', 'stats-counter'];
const SCANNED_ENTITIES = [...SOURCE_ENTITIES, ...ENTERPRISE_STATS_ENTITIES];

/** One enterprise's figures, by name: `pledgeRegisteredFen`, …, `inForce[<expiresOn>#<type>]`. */
type EnterpriseFigures = Map<string, number>;
/** Enterprises' figures as JSON carries them: USCC → figure → value. */
export type FigureTable = Record<string, Record<string, number>>;

type Item = Record<string, unknown>;

/** Which part of the table a run reads: DynamoDB's parallel-Scan segment `segment` of `totalSegments`. */
export interface ScanSegment {
  segment: number;
  totalSegments: number;
}

/**
 * What one Scan segment contributes: everything the snapshot and the per-enterprise audit need, in plain JSON, so
 * that segments scanned by separate invocations combine into exactly what one scan of the table gives.
 */
export interface ReconcilePartial {
  scanned: number;
  pledges: PledgeRegisteredFact[];
  policies: PolicyIssuedFact[];
  claims: ClaimPaidFact[];
  inForce: Record<InForceType, number>;
  activeDesignations: Partial<Record<DesignationLevel, number>>;
  outstandingFen: number;
  loanBook: LoanBookEntry[];
  patentsGranted: number;
  trademarksRegistered: number;
  expected: FigureTable;
  stored: FigureTable;
}

/** What a source item contributes, by its entity. */
function contributionOf(item: Item): Contribution {
  switch (item.entity) {
    case 'pledge':
      return pledgeContribution(toResource<Pledge>(item));
    case 'policy':
      return policyContribution(toResource<Policy>(item));
    case 'claim':
      return claimContribution(toResource<Claim>(item));
    default:
      return designationContribution(toResource<Designation>(item));
  }
}

/** Every source item of one segment, one page at a time (offline audit only; see the module comment). */
async function* scanSources(deps: ReconcileDeps, part: ScanSegment): AsyncGenerator<Item> {
  let startKey: Item | undefined;
  do {
    const out = await deps.db.send(
      new ScanCommand({
        TableName: deps.tableName,
        FilterExpression: `#entity IN (${SCANNED_ENTITIES.map((_, i) => `:e${i}`).join(', ')})`,
        ExpressionAttributeNames: { '#entity': 'entity' },
        ExpressionAttributeValues: Object.fromEntries(SCANNED_ENTITIES.map((e, i) => [`:e${i}`, e])),
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
        ...(part.totalSegments > 1 ? { Segment: part.segment, TotalSegments: part.totalSegments } : {}),
      }),
    );
    yield* out.Items ?? [];
    startKey = out.LastEvaluatedKey;
  } while (startKey);
}

/** Adds `value` to one enterprise's figure (exactly). */
function addFigure(
  figures: Map<string, EnterpriseFigures>,
  uscc: string,
  figure: string,
  value: number,
): void {
  let mine = figures.get(uscc);
  if (!mine) {
    mine = new Map();
    figures.set(uscc, mine);
  }
  mine.set(figure, addExact(mine.get(figure) ?? 0, value, `enterprise[${uscc}].${figure}`));
}

const toTable = (figures: Map<string, EnterpriseFigures>): FigureTable =>
  Object.fromEntries([...figures].map(([uscc, mine]) => [uscc, Object.fromEntries(mine)]));
const fromTable = (table: FigureTable): Map<string, EnterpriseFigures> =>
  new Map(Object.entries(table).map(([uscc, mine]) => [uscc, new Map(Object.entries(mine))]));

/**
 * One segment of the audit's scan, as of `clock`: the snapshot inputs of its source items and each enterprise's
 * expected and stored figures. A loan's tiers come from its lender's item, read by key (consistently).
 */
export async function scanSegment(
  deps: ReconcileDeps,
  clock: Clock,
  part: ScanSegment,
): Promise<ReconcilePartial> {
  const date = clock.today();
  const year = yearOf(date);
  const pledges: PledgeRegisteredFact[] = [];
  const policies: PolicyIssuedFact[] = [];
  const claims: ClaimPaidFact[] = [];
  const inForce: Record<InForceType, number> = { invention: 0, utility_model: 0, design: 0, trademark: 0 };
  const activeDesignations: Partial<Record<DesignationLevel, number>> = {};
  let outstandingFen = 0;
  const loans: Pledge[] = [];
  let patentsGranted = 0;
  let trademarksRegistered = 0;
  let scanned = 0;
  const expectedOf = new Map<string, EnterpriseFigures>();
  const storedOf = new Map<string, EnterpriseFigures>();

  for await (const item of scanSources(deps, part)) {
    scanned++;
    switch (item.entity) {
      case 'pledge':
      case 'policy':
      case 'claim':
      case 'designation': {
        // The same contribution functions the transitions write from (domain/contributions.ts).
        const c = contributionOf(item);
        if (c.pledgeRegistered?.year === year) {
          const { year: _year, ...fact } = c.pledgeRegistered;
          pledges.push(fact);
        }
        // In the year of their business date, as the transitions counted them (stats-facts.ts).
        if (c.policyIssued && factYear(c.policyIssued.issuedOn, c.policyIssued.issuedAt) === year)
          policies.push(c.policyIssued);
        for (const payment of c.claimPayments ?? [])
          if (factYear(payment.paidOn, payment.paidAt) === year) claims.push(payment);
        if (c.outstanding) outstandingFen = addExact(outstandingFen, c.outstanding.amountFen, 'outstanding');
        if (c.enterprise?.pledgeRegisteredFen !== undefined) {
          addFigure(expectedOf, c.enterprise.uscc, 'pledgeRegisteredFen', c.enterprise.pledgeRegisteredFen);
          addFigure(expectedOf, c.enterprise.uscc, 'pledgesRegistered', 1);
        }
        if (c.enterprise?.sumInsuredFen !== undefined) {
          addFigure(expectedOf, c.enterprise.uscc, 'sumInsuredFen', c.enterprise.sumInsuredFen);
          addFigure(expectedOf, c.enterprise.uscc, 'policiesIssued', 1);
        }
        if (item.entity === 'pledge' && (item.status === 'active' || item.status === 'defaulted'))
          loans.push(toResource<Pledge>(item));
        if (c.activeDesignation)
          activeDesignations[c.activeDesignation] = (activeDesignations[c.activeDesignation] ?? 0) + 1;
        break;
      }
      case 'asset': {
        if (item.status !== 'granted' && item.status !== 'registered') break;
        const type = (item.kind === 'trademark' ? 'trademark' : item.patentType) as InForceType;
        if (String(item.expiresOn) >= date) inForce[type]++;
        addFigure(expectedOf, String(item.owner), `inForce[${item.expiresOn}#${type}]`, 1);
        const grantDate = item.kind === 'trademark' ? item.registrationDate : item.grantDate;
        if (typeof grantDate === 'string' && Number(grantDate.slice(0, 4)) === year) {
          if (item.kind === 'trademark') trademarksRegistered++;
          else patentsGranted++;
        }
        break;
      }
      case 'enterprise-summary': {
        const uscc = String(item.pk).slice(ENTERPRISE_PREFIX.length);
        for (const field of ['pledgeRegisteredFen', 'pledgesRegistered', 'sumInsuredFen', 'policiesIssued'])
          if (typeof item[field] === 'number') addFigure(storedOf, uscc, field, item[field]);
        break;
      }
      case 'stats-counter': {
        const pk = String(item.pk);
        const sk = String(item.sk);
        if (pk.startsWith(ENTERPRISE_PREFIX) && sk.startsWith(ENTERPRISE_IN_FORCE_PREFIX))
          addFigure(
            storedOf,
            pk.slice(ENTERPRISE_PREFIX.length),
            `inForce[${sk.slice(ENTERPRISE_IN_FORCE_PREFIX.length)}]`,
            Number(item.n ?? 0),
          );
        break;
      }
    }
  }
  const lenders = await new Store(deps.db, deps.tableName).batchGet(
    [...new Set(loans.map((p) => p.lenderId))].map(institutionKey),
  );
  const tiersOf = (lenderId: string) => {
    const item = lenders.get(institutionKey(lenderId));
    return classificationDaysOf(item ? toResource<Institution>(item).lendingPolicy : undefined);
  };
  return {
    scanned,
    pledges,
    policies,
    claims,
    inForce,
    activeDesignations,
    outstandingFen,
    loanBook: loans.flatMap((p) => loanBookEntry(p, date, tiersOf(p.lenderId)) ?? []),
    patentsGranted,
    trademarksRegistered,
    expected: toTable(expectedOf),
    stored: toTable(storedOf),
  };
}

/** Lists in one order whatever the segments (a figure never depends on it; equal results compare equal). */
const canonical = <T>(list: T[]): T[] =>
  list
    .map((x) => [JSON.stringify(x), x] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, x]) => x);

/** The segments of one run combined: exact sums, lists concatenated (every item is in exactly one segment). */
export function combinePartials(parts: readonly ReconcilePartial[]): ReconcilePartial {
  const inForce: Record<InForceType, number> = { invention: 0, utility_model: 0, design: 0, trademark: 0 };
  const activeDesignations: Partial<Record<DesignationLevel, number>> = {};
  const expected = new Map<string, EnterpriseFigures>();
  const stored = new Map<string, EnterpriseFigures>();
  let outstandingFen = 0;
  for (const part of parts) {
    for (const type of Object.keys(inForce) as InForceType[])
      inForce[type] = addExact(inForce[type], part.inForce[type], `inForce.${type}`);
    for (const [level, n] of Object.entries(part.activeDesignations) as [DesignationLevel, number][])
      activeDesignations[level] = (activeDesignations[level] ?? 0) + n;
    outstandingFen = addExact(outstandingFen, part.outstandingFen, 'outstanding');
    for (const [target, table] of [
      [expected, part.expected],
      [stored, part.stored],
    ] as const)
      for (const [uscc, mine] of fromTable(table))
        for (const [figure, value] of mine) addFigure(target, uscc, figure, value);
  }
  const sum = (f: (p: ReconcilePartial) => number) => parts.reduce((n, p) => n + f(p), 0);
  return {
    scanned: sum((p) => p.scanned),
    pledges: canonical(parts.flatMap((p) => p.pledges)),
    policies: canonical(parts.flatMap((p) => p.policies)),
    claims: canonical(parts.flatMap((p) => p.claims)),
    inForce,
    activeDesignations,
    outstandingFen,
    loanBook: canonical(parts.flatMap((p) => p.loanBook)),
    patentsGranted: sum((p) => p.patentsGranted),
    trademarksRegistered: sum((p) => p.trademarksRegistered),
    expected: toTable(expected),
    stored: toTable(stored),
  };
}

/** The snapshot inputs as of `now` from the source items (one scan, or the combined segments of one). */
export async function sourceStatsInputs(
  deps: ReconcileDeps,
  clock: Clock,
  source?: ReconcilePartial,
): Promise<{
  inputs: StatsInputs;
  scanned: number;
  enterprises: { expected: Map<string, EnterpriseFigures>; stored: Map<string, EnterpriseFigures> };
}> {
  const all = source ?? (await scanSegment(deps, clock, { segment: 0, totalSegments: 1 }));
  const date = clock.today();
  const year = yearOf(date);
  return {
    inputs: {
      asOf: clock.now().toISOString(),
      date,
      year,
      pledges: all.pledges,
      policies: all.policies,
      claims: all.claims,
      outstandingFen: all.outstandingFen,
      loanBook: all.loanBook,
      inForce: all.inForce,
      patentsGrantedThisYear: all.patentsGranted,
      trademarksRegisteredThisYear: all.trademarksRegistered,
      activeDesignations: all.activeDesignations,
      // The subsidy is a function of the year's interest facts and terms, read as the daily job reads them.
      interestSubsidyFen: await interestSubsidyTotal(jobContext(deps, clock), year),
    },
    scanned: all.scanned,
    enterprises: { expected: fromTable(all.expected), stored: fromTable(all.stored) },
  };
}

/** Every per-enterprise figure on which the source items and the stored items disagree (absent = 0). */
export function diffEnterpriseFigures(
  expected: Map<string, EnterpriseFigures>,
  stored: Map<string, EnterpriseFigures>,
): FigureDifference[] {
  const differences: FigureDifference[] = [];
  for (const uscc of [...new Set([...expected.keys(), ...stored.keys()])].sort()) {
    const want = expected.get(uscc) ?? new Map<string, number>();
    const have = stored.get(uscc) ?? new Map<string, number>();
    for (const figure of [...new Set([...want.keys(), ...have.keys()])].sort()) {
      const x = want.get(figure) ?? 0;
      const y = have.get(figure) ?? 0;
      if (x !== y) differences.push({ figure: `enterprise[${uscc}].${figure}`, expected: x, actual: y });
    }
  }
  return differences;
}

/**
 * The audit, in-process: `totalSegments` parallel Scan segments (default 1, the whole table in one), each through
 * the same `scanSegment` the deployed fan-out runs one invocation per segment, combined and compared.
 */
export async function reconcileStats(
  deps: ReconcileDeps,
  clock: Clock,
  options: { totalSegments?: number } = {},
): Promise<ReconcileResult> {
  const totalSegments = options.totalSegments ?? 1;
  const parts = await Promise.all(
    Array.from({ length: totalSegments }, (_, segment) =>
      scanSegment(deps, clock, { segment, totalSegments }),
    ),
  );
  return compareWithCounters(deps, clock, combinePartials(parts));
}

/** Compares the combined source figures with what the facts and counters give, and logs any difference. */
export async function compareWithCounters(
  deps: ReconcileDeps,
  clock: Clock,
  combined: ReconcilePartial,
): Promise<ReconcileResult> {
  const [actual, source] = await Promise.all([
    buildStatsSnapshot(jobContext(deps, clock)),
    sourceStatsInputs(deps, clock, combined),
  ]);
  const expected = buildSnapshot(source.inputs);
  const differences = diffSnapshots(expected, actual);
  const enterpriseDifferences = diffEnterpriseFigures(source.enterprises.expected, source.enterprises.stored);
  // One log entry per run that found anything (an alarm counts them).
  if (differences.length > 0 || enterpriseDifferences.length > 0)
    deps.log?.('Statistics counters disagree with the source items', {
      date: expected.date,
      differences,
      // The first few name the pattern; the count says how widespread it is.
      enterpriseDifferenceCount: enterpriseDifferences.length,
      enterpriseDifferences: enterpriseDifferences.slice(0, 50),
    });
  return {
    date: expected.date,
    expected,
    actual,
    differences,
    enterpriseDifferences,
    scannedItems: source.scanned,
  };
}

// ——— the deployed fan-out: one invocation per segment, then one that combines ———

/** A fanned-out run: its id (the execution's start) and the instant every segment computes as of. */
export interface AuditRun {
  run: string;
  startedAt: string;
}

/** One segment's invocation: scans its segment as of the run's start and keeps the result for the combining step. */
export async function runAuditSegment(
  deps: ReconcileDeps,
  audit: AuditRun,
  part: ScanSegment,
): Promise<{ segment: number; scanned: number; chunks: number }> {
  const clock = fixedClock(new Date(audit.startedAt));
  const result = await scanSegment(deps, clock, part);
  const store = new Store(deps.db, deps.tableName);
  const chunks = await saveSegmentResult(store, audit.run, part.segment, result, new Date());
  return { segment: part.segment, scanned: result.scanned, chunks };
}

/** The combining invocation: every segment's result of the run, combined and compared as one scan's would be. */
export async function finishAudit(
  deps: ReconcileDeps,
  audit: AuditRun,
  totalSegments: number,
): Promise<ReconcileResult> {
  const clock = fixedClock(new Date(audit.startedAt));
  const parts = await loadSegmentResults<ReconcilePartial>(
    new Store(deps.db, deps.tableName),
    audit.run,
    totalSegments,
  );
  return compareWithCounters(deps, clock, combinePartials(parts));
}
