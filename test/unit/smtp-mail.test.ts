import { describe, expect, it } from 'vitest';
import { parseSmtpCredentials, smtpSender, smtpTransportOptions } from '../../shared/runtime/smtp-mail.js';

/** Mail through the city's SMTP relay (AWS China has no SES): shared/runtime/smtp-mail.ts. */
describe('smtpSender', () => {
  it('sends one plain-text message per mail, from the portal’s sender', async () => {
    const sent: unknown[] = [];
    const send = smtpSender({ sendMail: async (m) => sent.push(m) }, 'portal@city.example.cn');
    await send({ to: 'cfo@acme.example', subject: '质押已批准', text: '您的质押申请已批准。' });
    expect(sent).toEqual([
      {
        from: 'portal@city.example.cn',
        to: 'cfo@acme.example',
        subject: '质押已批准',
        text: '您的质押申请已批准。',
      },
    ]);
  });

  it('lets a relay failure through, so the invocation is retried', async () => {
    const send = smtpSender(
      {
        sendMail: async () => {
          throw new Error('421 try later');
        },
      },
      'p@c.cn',
    );
    await expect(send({ to: 'a@b.cn', subject: 's', text: 't' })).rejects.toThrow('421 try later');
  });

  it('always speaks TLS: implicit on 465, STARTTLS required on 587, certificates verified', () => {
    const base = { host: 'smtp.city.example.cn', from: 'p@c.cn', username: 'u', password: 'p' };
    expect(smtpTransportOptions({ ...base, port: 465 })).toMatchObject({ secure: true, requireTLS: false });
    expect(smtpTransportOptions({ ...base, port: 587 })).toMatchObject({ secure: false, requireTLS: true });
    expect(smtpTransportOptions({ ...base, port: 587 }).tls).toEqual({
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
    });
  });

  it('reads the credentials secret and refuses one without a username', () => {
    expect(parseSmtpCredentials('{"username":"portal","password":"pw"}')).toEqual({
      username: 'portal',
      password: 'pw',
    });
    expect(() => parseSmtpCredentials('{"password":"pw"}')).toThrow(/username/);
  });
});
