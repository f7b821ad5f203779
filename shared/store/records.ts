import { GLOBAL_INDEXES, TABLE_KEYS, TTL_ATTRIBUTE } from './table-schema.js';

const STORAGE_ATTRIBUTES = new Set<string>([
  TABLE_KEYS.partition,
  TABLE_KEYS.sort,
  TTL_ATTRIBUTE,
  'entity',
  ...GLOBAL_INDEXES.flatMap((i) => [i.partition, i.sort]),
]);

/** Drops key and index attributes so a stored item becomes the resource a client sees. */
export function toResource<T>(item: Record<string, unknown>): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(item)) if (!STORAGE_ATTRIBUTES.has(k)) out[k] = v;
  return out as T;
}
