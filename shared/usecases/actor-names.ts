/**
 * Names beside the codes in a history: each line's actor carries the name of the organisation it acted for, so a
 * page shows "浙江某某科技有限公司 (9133…)" without a request per line. The names come from the record itself (a
 * pledge keeps its applicant's and lender's names) and, for an organisation it does not name, from that
 * organisation's directory entry — all of them in one BatchGet per request, never one read per line. The IP office
 * and jobs act for no organisation: their lines keep the role alone.
 */
import { type Actor, tenantOf } from '../domain/actor.js';
import { enterpriseKey, institutionKey, type Key } from '../store/keys.js';
import type { ItemSet } from '../store/toolkit.js';
import type { UseCaseContext } from './context.js';

/** An actor as a history shows it: with its organisation's name when one is known. */
export type NamedActor = Actor & { name?: string };

export type WithActorName<E extends { actor: Actor }> = Omit<E, 'actor'> & { actor: NamedActor };

/** The names a record holds, by the tenant (`tenantOf`) of the party each names. */
export type KnownNames = ReadonlyMap<string, string>;

/** Known names from a record's parties; a party whose name the record lacks is left out (it is read instead). */
export const knownNames = (
  parties: readonly [Pick<Actor, 'role' | 'org'>, string | undefined][],
): KnownNames =>
  new Map(parties.flatMap(([party, name]) => (name ? [[tenantOf(party), name] as const] : [])));

/** The directory entry that names an actor's organisation: an enterprise or an institution; none for the rest. */
function directoryKey(actor: Actor): Key | undefined {
  if (!actor.org) return undefined;
  if (actor.role === 'enterprise') return enterpriseKey(actor.org.toUpperCase());
  if (actor.role === 'lender' || actor.role === 'insurer') return institutionKey(actor.org);
  return undefined;
}

/** The directory entries to read for the actors whose names the record does not hold (to add to a BatchGet). */
export const actorNameKeys = (entries: readonly { actor: Actor }[], known: KnownNames): Key[] =>
  entries.flatMap(({ actor }) => {
    const key = directoryKey(actor);
    return key && !known.has(tenantOf(actor)) ? [key] : [];
  });

/** Each entry with its actor's name: from the record, else from the directory entries read. */
export function withActorNames<E extends { actor: Actor }>(
  entries: readonly E[],
  known: KnownNames,
  read: ItemSet,
): WithActorName<E>[] {
  return entries.map((entry) => {
    const key = directoryKey(entry.actor);
    const stored = key ? read.get(key)?.name : undefined;
    const name = known.get(tenantOf(entry.actor)) ?? (typeof stored === 'string' ? stored : undefined);
    return name && key ? { ...entry, actor: { ...entry.actor, name } } : entry;
  });
}

/** Names every line's actor, reading what the record lacks in one BatchGet (none when it names them all). */
export async function nameActors<E extends { actor: Actor }>(
  uc: UseCaseContext,
  entries: readonly E[],
  known: KnownNames,
): Promise<WithActorName<E>[]> {
  return withActorNames(entries, known, await uc.store.batchGet(actorNameKeys(entries, known)));
}
