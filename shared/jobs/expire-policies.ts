/**
 * The scheduled expiry: every `active` policy whose period ended before today (Asia/Shanghai) becomes `expired`.
 *
 * No Scan: active policies sit on gsi3 under `POLICIES` with sort key `active#<periodEnd>#<id>`, so one Query range
 * (`active#` … `active#<today>`) pages through exactly the candidates. Each is moved by the `expirePolicy` use
 * case as the system, on the same engine as any transition (guarded by status and version, its event, the assets'
 * cover removed, a bounded retry when only the version moved). Idempotent: a second run finds nothing (expired
 * policies have left the range), and a policy another writer moved meanwhile is skipped.
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../domain/clock.js';
import { DomainError } from '../domain/errors.js';
import { PolicyRepository } from '../store/policy-repository.js';
import { useCaseContext } from '../usecases/context.js';
import { expirePolicy } from '../usecases/policies.js';

export interface ExpireDeps {
  db: DynamoDBDocumentClient;
  tableName: string;
  /** Optional log sink for per-policy outcomes that are not expiries (give-ups). */
  log?: (message: string, details: Record<string, unknown>) => void;
  /** Candidates per Query page (default 100). */
  pageSize?: number;
}

export interface ExpireResult {
  /** Candidates the index returned. */
  examined: number;
  /** Policies this run moved to `expired`. */
  expired: number;
}

export async function expirePolicies(deps: ExpireDeps, clock: Clock): Promise<ExpireResult> {
  const uc = useCaseContext({ db: deps.db, tableName: deps.tableName, clock, newId: randomUUID });
  const repo = new PolicyRepository(uc.store);
  const today = clock.today();
  let examined = 0;
  let expired = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await repo.expirablePage(today, startKey, deps.pageSize);
    startKey = page.next;
    for (const candidate of page.items) {
      examined++;
      if (await expireOne(uc, candidate.id, deps)) expired++;
    }
  } while (startKey);
  return { examined, expired };
}

/** True when this call moved the policy to `expired`. */
async function expireOne(
  uc: ReturnType<typeof useCaseContext>,
  id: string,
  deps: ExpireDeps,
): Promise<boolean> {
  try {
    await expirePolicy(uc, id);
    return true;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    // Another writer moved the status (e.g. the holder cancelled): nothing left to expire.
    if (error.kind === 'invalid_state' || error.kind === 'not_found') return false;
    if (error.kind === 'conflict') {
      deps.log?.('Policy left active after repeated concurrent changes; the next run retries it.', {
        policyId: id,
      });
      return false;
    }
    throw error;
  }
}
