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
 * Source layouts read (owned by the other repositories):
 *   pledge  `PLEDGE#<id>`/`PLEDGE`  entity 'pledge'  { applicant, lenderId, status, approvedAmountFen, registeredAt }
 *   policy  `POLICY#<id>`/`POLICY`  entity 'policy'  { holder, coverages[{line,sumInsuredFen}], premiumFen, issuedAt }
 *   claim   `CLAIM#<id>`/`CLAIM`    entity 'claim'   { policyId, line, status, paidFen, settledAt }
 *   asset   `ASSET#<id>`/`ASSET`    entity 'asset'   { kind, patentType, status, expiresOn, grantDate, registrationDate }
 *   designation `DESIG#<id>`/`DESIG` entity 'designation' { level, status }
 */
import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { todayInShanghai } from '../domain/dates.js';
import type { DesignationLevel } from '../domain/designation.js';
import {
  addExact,
  buildSnapshot,
  type ClaimPaidFact,
  diffSnapshots,
  divisionOfUscc,
  type FigureDifference,
  type InForceType,
  type PledgeRegisteredFact,
  type PolicyIssuedFact,
  type StatsInputs,
  type StatsSnapshot,
  shanghaiYear,
} from '../domain/statistics.js';
import { buildStatsSnapshot } from './compute-stats.js';

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
  scannedItems: number;
}

const SOURCE_ENTITIES = ['pledge', 'policy', 'claim', 'asset', 'designation'];

type Item = Record<string, unknown>;

/** Every source item, one page at a time (offline audit only; see the module comment). */
async function* scanSources(deps: ReconcileDeps): AsyncGenerator<Item> {
  let startKey: Item | undefined;
  do {
    const out = await deps.db.send(
      new ScanCommand({
        TableName: deps.tableName,
        FilterExpression: `#entity IN (${SOURCE_ENTITIES.map((_, i) => `:e${i}`).join(', ')})`,
        ExpressionAttributeNames: { '#entity': 'entity' },
        ExpressionAttributeValues: Object.fromEntries(SOURCE_ENTITIES.map((e, i) => [`:e${i}`, e])),
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    yield* out.Items ?? [];
    startKey = out.LastEvaluatedKey;
  } while (startKey);
}

/** The snapshot inputs as of `now`, from the source items. */
export async function sourceStatsInputs(
  deps: ReconcileDeps,
  now: Date,
): Promise<{ inputs: StatsInputs; scanned: number }> {
  const date = todayInShanghai(now);
  const year = shanghaiYear(now);
  const pledges: PledgeRegisteredFact[] = [];
  const policies: PolicyIssuedFact[] = [];
  const claims: ClaimPaidFact[] = [];
  const inForce: Record<InForceType, number> = { invention: 0, utility_model: 0, design: 0, trademark: 0 };
  const activeDesignations: Partial<Record<DesignationLevel, number>> = {};
  let outstandingFen = 0;
  let patentsGranted = 0;
  let trademarksRegistered = 0;
  let scanned = 0;
  const inYear = (at: unknown) => typeof at === 'string' && shanghaiYear(at) === year;

  for await (const item of scanSources(deps)) {
    scanned++;
    switch (item.entity) {
      case 'pledge':
        if (inYear(item.registeredAt) && typeof item.approvedAmountFen === 'number')
          pledges.push({
            pledgeId: String(item.id),
            registeredAt: String(item.registeredAt),
            applicant: String(item.applicant),
            divisionCode: divisionOfUscc(String(item.applicant)),
            lenderId: String(item.lenderId),
            amountFen: item.approvedAmountFen,
          });
        if (item.status === 'active')
          outstandingFen = addExact(outstandingFen, Number(item.approvedAmountFen ?? 0), 'outstanding');
        break;
      case 'policy':
        if (inYear(item.issuedAt))
          policies.push({
            policyId: String(item.id),
            issuedAt: String(item.issuedAt),
            holder: String(item.holder),
            coverages: (item.coverages as { line: string; sumInsuredFen: number }[]).map((c) => ({
              line: c.line,
              sumInsuredFen: c.sumInsuredFen,
            })),
            premiumFen: Number(item.premiumFen ?? 0),
          });
        break;
      case 'claim':
        if (item.status === 'paid' && inYear(item.settledAt))
          claims.push({
            claimId: String(item.id),
            paidAt: String(item.settledAt),
            policyId: String(item.policyId),
            line: String(item.line),
            paidFen: Number(item.paidFen ?? 0),
          });
        break;
      case 'asset': {
        if (item.status !== 'granted' && item.status !== 'registered') break;
        const type = (item.kind === 'trademark' ? 'trademark' : item.patentType) as InForceType;
        if (String(item.expiresOn) >= date) inForce[type]++;
        const grantDate = item.kind === 'trademark' ? item.registrationDate : item.grantDate;
        if (typeof grantDate === 'string' && Number(grantDate.slice(0, 4)) === year) {
          if (item.kind === 'trademark') trademarksRegistered++;
          else patentsGranted++;
        }
        break;
      }
      case 'designation':
        if (item.status === 'active') {
          const level = item.level as DesignationLevel;
          activeDesignations[level] = (activeDesignations[level] ?? 0) + 1;
        }
        break;
    }
  }
  return {
    inputs: {
      asOf: now.toISOString(),
      date,
      year,
      pledges,
      policies,
      claims,
      outstandingFen,
      inForce,
      patentsGrantedThisYear: patentsGranted,
      trademarksRegisteredThisYear: trademarksRegistered,
      activeDesignations,
    },
    scanned,
  };
}

export async function reconcileStats(deps: ReconcileDeps, now: Date): Promise<ReconcileResult> {
  const [actual, source] = await Promise.all([buildStatsSnapshot(deps, now), sourceStatsInputs(deps, now)]);
  const expected = buildSnapshot(source.inputs);
  const differences = diffSnapshots(expected, actual);
  if (differences.length > 0)
    deps.log?.('Statistics counters disagree with the source items', {
      date: expected.date,
      differences,
    });
  return { date: expected.date, expected, actual, differences, scannedItems: source.scanned };
}
