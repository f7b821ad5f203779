import { randomUUID } from 'node:crypto';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import type { EventBridgeEvent } from 'aws-lambda';
import { systemClock } from '../shared/domain/clock.js';
import type { DomainEvent } from '../shared/domain/domain-event.js';
import { jobDeps } from '../shared/runtime/job-deps.js';
import { sesSender } from '../shared/runtime/ses-mail.js';
import { useCaseContext } from '../shared/usecases/context.js';
import { mailNotifications } from '../shared/usecases/email.js';

/**
 * The mail rule's target: an event's notifications mailed through SES to the users who opted in. A failure throws,
 * so EventBridge and Lambda retry (what was sent is marked and not sent again), then the failure queue.
 */
const { logger, ...deps } = jobDeps();
const uc = useCaseContext({ ...deps, clock: systemClock(), newId: randomUUID });
const send = sesSender(new SESv2Client({}), process.env.PORTAL_EMAIL_FROM ?? '');

export const handler = async (event: EventBridgeEvent<string, DomainEvent>) => {
  const sent = await mailNotifications(uc, event.detail, send);
  logger.info('Notifications mailed', { eventId: event.detail.id, sent });
  return { sent };
};
