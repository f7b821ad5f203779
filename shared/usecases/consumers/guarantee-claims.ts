/**
 * Guarantee claims: a `pledge.defaulted` event opens the lender's claim on each guarantee policy of the loan, and a
 * `pledge.disposed` event whose loss the risk pool shared sets each claim not yet assessed to the insurer's share
 * (usecases/guarantees.ts). Both are idempotent by themselves (the claim's id is derived; a claim already at its
 * share is left), so the consumer's own transaction holds only its marker.
 */
import type { DomainEvent } from '../../domain/domain-event.js';
import { followLossSharing, openGuaranteeClaims } from '../guarantees.js';
import type { Consumer } from './consumer.js';

const insurerShareOf = (event: DomainEvent): number | undefined => {
  const sharing = event.data.lossSharing as { insurerFen?: unknown } | undefined;
  return typeof sharing?.insurerFen === 'number' ? sharing.insurerFen : undefined;
};

export const GUARANTEE_CLAIMS: Consumer = {
  name: 'guarantee-claims',
  handles: (event) =>
    (event.type === 'pledge.defaulted' && typeof event.data.defaultedOn === 'string') ||
    (event.type === 'pledge.disposed' && insurerShareOf(event) !== undefined),
  effect: async (event, store) => {
    const at = new Date(event.at);
    if (event.type === 'pledge.defaulted')
      await openGuaranteeClaims(store, event.subject.id, event.data.defaultedOn as string, at);
    else await followLossSharing(store, event.subject.id, insurerShareOf(event)!, at);
    return [];
  },
};
