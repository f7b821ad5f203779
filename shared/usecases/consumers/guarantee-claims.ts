/**
 * Guarantee claims: a `pledge.defaulted` event opens the lender's claim on each guarantee policy of the loan
 * (usecases/guarantees.ts). The filing is idempotent by itself (the claim's id is derived), so the consumer's own
 * transaction holds only its marker.
 */
import { openGuaranteeClaims } from '../guarantees.js';
import type { Consumer } from './consumer.js';

export const GUARANTEE_CLAIMS: Consumer = {
  name: 'guarantee-claims',
  handles: (event) => event.type === 'pledge.defaulted' && typeof event.data.defaultedOn === 'string',
  effect: async (event, store) => {
    await openGuaranteeClaims(store, event.subject.id, event.data.defaultedOn as string, new Date(event.at));
    return [];
  },
};
