import { randomUUID } from 'node:crypto';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import type { EventBridgeEvent } from 'aws-lambda';
import { createTransport } from 'nodemailer';
import { systemClock } from '../shared/domain/clock.js';
import type { DomainEvent } from '../shared/domain/domain-event.js';
import { jobDeps } from '../shared/runtime/job-deps.js';
import { sesSender } from '../shared/runtime/ses-mail.js';
import { parseSmtpCredentials, smtpSender, smtpTransportOptions } from '../shared/runtime/smtp-mail.js';
import { useCaseContext } from '../shared/usecases/context.js';
import { mailNotifications, type SendMail } from '../shared/usecases/email.js';

/**
 * The mail rule's target: an event's notifications mailed to the users who opted in, through SES (global stages)
 * or the city's SMTP relay (`PORTAL_MAIL_TRANSPORT=smtp`, AWS China, where SES is not offered). A failure throws,
 * so EventBridge and Lambda retry (what was sent is marked and not sent again), then the failure queue.
 */
const { logger, ...deps } = jobDeps();
const uc = useCaseContext({ ...deps, clock: systemClock(), newId: randomUUID });
const from = process.env.PORTAL_EMAIL_FROM ?? '';

async function sender(): Promise<SendMail> {
  if (process.env.PORTAL_MAIL_TRANSPORT !== 'smtp') return sesSender(new SESv2Client({}), from);
  const { SecretString } = await new SecretsManagerClient({}).send(
    new GetSecretValueCommand({ SecretId: process.env.SMTP_SECRET_ARN }),
  );
  const settings = {
    host: process.env.SMTP_HOST ?? '',
    port: Number(process.env.SMTP_PORT),
    from,
    ...parseSmtpCredentials(SecretString ?? ''),
  };
  return smtpSender(createTransport(smtpTransportOptions(settings)), from);
}
const send = await sender();

export const handler = async (event: EventBridgeEvent<string, DomainEvent>) => {
  const sent = await mailNotifications(uc, event.detail, send);
  logger.info('Notifications mailed', { eventId: event.detail.id, sent });
  return { sent };
};
