/**
 * The renewal offers: every `active` policy whose period ends within the next 30 days (Asia/Shanghai) and that was
 * neither offered nor renewed is offered a renewal — its `policy.renewal_due` event tells the holder (notifier,
 * webhooks, e-mail). No Scan: one Query range of the office index (`active#<tomorrow>` … `active#<today+30>`) pages
 * through exactly the policies ending in that window, however many others the table holds. Idempotent for its
 * date and across dates: the offer is recorded on the policy, and an offered policy is passed over.
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../domain/clock.js';
import { addDays } from '../domain/dates.js';
import { isSettledRefusal } from '../domain/errors.js';
import { RENEWAL_NOTICE_DAYS, renewalDue } from '../domain/policy.js';
import { PolicyRepository } from '../store/policy-repository.js';
import { useCaseContext } from '../usecases/context.js';
import { offerRenewal } from '../usecases/policies.js';

export interface RenewalDeps {
  db: DynamoDBDocumentClient;
  tableName: string;
  /** Candidates per Query page (default 100). */
  pageSize?: number;
}

export interface RenewalResult {
  /** Active policies ending in the window. */
  examined: number;
  /** Offers made by this run. */
  offered: number;
}

export async function offerRenewals(deps: RenewalDeps, clock: Clock): Promise<RenewalResult> {
  const uc = useCaseContext({ db: deps.db, tableName: deps.tableName, clock, newId: randomUUID });
  const repo = new PolicyRepository(uc.store);
  const today = clock.today();
  let examined = 0;
  let offered = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await repo.endingPage(
      addDays(today, 1),
      addDays(today, RENEWAL_NOTICE_DAYS),
      startKey,
      deps.pageSize,
    );
    startKey = page.next;
    for (const candidate of page.items) {
      examined++;
      if (!renewalDue(candidate, today)) continue;
      try {
        await offerRenewal(uc, candidate.id);
        offered++;
      } catch (error) {
        // Moved meanwhile (cancelled, renewed, offered by a concurrent run): nothing to offer.
        if (!isSettledRefusal(error)) throw error;
      }
    }
  } while (startKey);
  return { examined, offered };
}
