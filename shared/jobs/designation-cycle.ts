/**
 * The designation cycle: every active title whose `validUntil` has passed, or whose re-review (复核) is overdue
 * (the year it fell in has ended without one), lapses on the Asia/Shanghai business date.
 * It reads the active designations only (the `active#` range of the office's designation index, a few hundred in a
 * city), never a Scan, and moves each due one through the engine as the system (the lock freed and the level's
 * count lowered in its transaction). Idempotent: a lapsed title has left the range, and a second run finds nothing.
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../domain/clock.js';
import { lapseReason } from '../domain/designation.js';
import { isSettledRefusal } from '../domain/errors.js';
import { DesignationRepository } from '../store/designation-repository.js';
import { eachPage } from '../store/query-page.js';
import { useCaseContext } from '../usecases/context.js';
import { lapseDesignation } from '../usecases/designations.js';

export interface CycleResult {
  /** Active designations read. */
  examined: number;
  /** Titles this run lapsed. */
  lapsed: number;
}

export async function runDesignationCycle(
  deps: { db: DynamoDBDocumentClient; tableName: string },
  clock: Clock,
): Promise<CycleResult> {
  const uc = useCaseContext({ ...deps, clock, newId: randomUUID });
  const repo = new DesignationRepository(uc.store);
  const today = clock.today();
  let examined = 0;
  let lapsed = 0;
  await eachPage(
    (page) => repo.list({ status: 'active' }, page),
    100,
    async (designations) => {
      for (const d of designations) {
        examined++;
        if (!lapseReason(d, today)) continue;
        try {
          await lapseDesignation(uc, d.id);
          lapsed++;
        } catch (error) {
          // Revoked meanwhile: the office's action stands.
          if (!isSettledRefusal(error)) throw error;
        }
      }
    },
  );
  return { examined, lapsed };
}
