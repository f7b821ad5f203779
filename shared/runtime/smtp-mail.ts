/**
 * Deployed mail where Amazon SES is not offered (AWS China): the city's SMTP relay, over TLS (implicit on 465,
 * STARTTLS required otherwise), authenticated with credentials kept in Secrets Manager. One message per call, plain
 * text in UTF-8, from the portal's sender: the same `SendMail` as `sesSender`, so the use case does not know which.
 */
import type { SendMail } from '../usecases/email.js';

export interface SmtpSettings {
  host: string;
  port: number;
  from: string;
  username: string;
  password: string;
}

/** The part of a nodemailer transport the sender uses (tests pass their own). */
export interface MailTransport {
  sendMail(message: { from: string; to: string; subject: string; text: string }): Promise<unknown>;
}

/** What nodemailer's createTransport is given: TLS always, certificates verified, short timeouts. */
export const smtpTransportOptions = (settings: SmtpSettings) => ({
  host: settings.host,
  port: settings.port,
  secure: settings.port === 465,
  requireTLS: settings.port !== 465,
  auth: { user: settings.username, pass: settings.password },
  tls: { rejectUnauthorized: true, minVersion: 'TLSv1.2' as const },
  connectionTimeout: 10_000,
  greetingTimeout: 10_000,
  socketTimeout: 20_000,
});

export const smtpSender =
  (transport: MailTransport, from: string): SendMail =>
  async (mail) => {
    await transport.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text });
  };

/** The credentials secret's value: `{"username": "...", "password": "..."}`. */
export function parseSmtpCredentials(secret: string): { username: string; password: string } {
  const value = JSON.parse(secret) as { username?: unknown; password?: unknown };
  if (typeof value.username !== 'string' || !value.username || typeof value.password !== 'string')
    throw new Error('The SMTP credentials secret must be {"username": "...", "password": "..."}.');
  return { username: value.username, password: value.password };
}
