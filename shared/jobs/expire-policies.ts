/**
 * The scheduled expiry: every `active` policy whose period ended before today (Asia/Shanghai) becomes `expired`.
 *
 * No Scan: active policies sit on gsi3 under `POLICIES` with sort key `active#<periodEnd>#<id>`, so one Query range
 * (`active#` … `active#<today>`) pages through exactly the candidates. Each is moved with the same conditional
 * transaction as any transition (status = active AND version = v, history event by `system`, `DELETE insuredBy`).
 * Idempotent: a second run finds nothing (expired policies have left the range), and a policy another writer
 * moved meanwhile is skipped or, when only its version moved (a claim was filed or settled), re-read and retried
 * a bounded number of times.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../domain/clock.js';
import { compareDates } from '../domain/dates.js';
import { DomainError } from '../domain/errors.js';
import { type Policy, SYSTEM_ACTOR } from '../domain/policy.js';
import { policyTransition } from '../domain/policy-state-machine.js';
import { PolicyRepository, VersionMoved } from '../store/policy-repository.js';

export interface ExpireDeps {
  db: DynamoDBDocumentClient;
  tableName: string;
  /** Optional log sink for per-policy outcomes that are not expiries (skips, give-ups). */
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

const MAX_ATTEMPTS_PER_POLICY = 3;

export async function expirePolicies(deps: ExpireDeps, clock: Clock): Promise<ExpireResult> {
  const repo = new PolicyRepository(deps.db, deps.tableName);
  const today = clock.today();
  const at = clock.now().toISOString();
  let examined = 0;
  let expired = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await repo.expirablePage(today, startKey, deps.pageSize);
    startKey = page.next;
    for (const candidate of page.items) {
      examined++;
      if (await expireOne(repo, candidate, today, at, deps)) expired++;
    }
  } while (startKey);
  return { examined, expired };
}

/** True when this call moved the policy to `expired`. */
async function expireOne(
  repo: PolicyRepository,
  candidate: Policy,
  today: string,
  at: string,
  deps: ExpireDeps,
): Promise<boolean> {
  // The index is eventually consistent: start from a consistent read.
  let policy = await repo.getPolicy(candidate.id);
  for (let attempt = 1; attempt <= MAX_ATTEMPTS_PER_POLICY; attempt++) {
    if (!policy || compareDates(policy.periodEnd, today) >= 0) return false;
    const decision = policyTransition(policy.status, 'expire', 'system');
    if (!decision.ok) return false;
    try {
      await repo.transition({ policy, action: 'expire', to: decision.to, actor: SYSTEM_ACTOR, at });
      return true;
    } catch (error) {
      if (error instanceof VersionMoved) {
        policy = error.current;
        continue;
      }
      // Another writer moved the status (e.g. the holder cancelled): nothing left to expire.
      if (error instanceof DomainError && error.kind === 'invalid_state') return false;
      throw error;
    }
  }
  deps.log?.('Policy left active after repeated concurrent changes; the next run retries it.', {
    policyId: candidate.id,
  });
  return false;
}
