/**
 * The segment results of a fanned-out statistics audit (jobs/reconcile-stats.ts), kept in the table between the
 * segment invocations and the one that combines them: a Step Functions state carries at most 256 KB, a segment's
 * result (its enterprises' figures) can be far larger. Each result is JSON cut into chunks well under DynamoDB's
 * 400 KB item limit; chunk 0 says how many there are. A segment run again overwrites its chunks; DynamoDB's TTL
 * removes a run's items after two weeks.
 */
import { reconcilePartKey, reconcileRunPartition } from './keys.js';
import type { Store } from './toolkit.js';

const CHUNK_CHARS = 300_000;
const RETENTION_S = 14 * 24 * 3600;

export async function saveSegmentResult(
  store: Store,
  run: string,
  segment: number,
  result: unknown,
  now: Date,
): Promise<number> {
  const json = JSON.stringify(result);
  const chunks = Math.max(1, Math.ceil(json.length / CHUNK_CHARS));
  const ttl = Math.floor(now.getTime() / 1000) + RETENTION_S;
  // The later chunks first: chunk 0, which counts them, makes the segment's result complete.
  for (let chunk = chunks - 1; chunk >= 0; chunk--)
    await store.write({
      tag: 'reconcile-part',
      write: store.put({
        ...reconcilePartKey(run, segment, chunk),
        entity: 'reconcile-part',
        part: json.slice(chunk * CHUNK_CHARS, (chunk + 1) * CHUNK_CHARS),
        ...(chunk === 0 ? { chunks } : {}),
        ttl,
      }),
    });
  return chunks;
}

/** Every segment's result of a run, in segment order; throws when one is missing or incomplete. */
export async function loadSegmentResults<T>(store: Store, run: string, totalSegments: number): Promise<T[]> {
  const items = await store.queryPartition(reconcileRunPartition(run));
  const bySegment = new Map<number, Map<number, { part: string; chunks?: number }>>();
  for (const item of items) {
    const [segment, chunk] = String(item.sk).split('#').map(Number) as [number, number];
    if (!bySegment.has(segment)) bySegment.set(segment, new Map());
    bySegment.get(segment)?.set(chunk, item as unknown as { part: string; chunks?: number });
  }
  return Array.from({ length: totalSegments }, (_, segment) => {
    const chunks = bySegment.get(segment);
    const count = chunks?.get(0)?.chunks;
    if (!chunks || count === undefined)
      throw new Error(`Audit run ${run}: segment ${segment} has no result.`);
    let json = '';
    for (let c = 0; c < count; c++) {
      const piece = chunks.get(c);
      if (!piece) throw new Error(`Audit run ${run}: segment ${segment} lacks chunk ${c}.`);
      json += piece.part;
    }
    return JSON.parse(json) as T;
  });
}
