import { AUDIT_FEED } from './audit-feed.js';
import type { Consumer } from './consumer.js';
import { GUARANTEE_CLAIMS } from './guarantee-claims.js';
import { NOTIFIER } from './notifier.js';

/** Every consumer, in delivery order. The local poller feeds them all; deployed, each has its own rule and Lambda. */
export const CONSUMERS: readonly Consumer[] = [AUDIT_FEED, NOTIFIER, GUARANTEE_CLAIMS];
