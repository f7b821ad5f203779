import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { sesSender } from '../../shared/runtime/ses-mail.js';

/** The deployed mail: one SES SendEmail per message, from the portal's sender, UTF-8 (Chinese subjects). */
describe('SES sender', () => {
  it('sends one plain-text UTF-8 message from the portal’s sender to the one address', async () => {
    const ses = mockClient(SESv2Client);
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
    const send = sesSender(new SESv2Client({ region: 'ap-east-1' }), 'notify@portal.example');
    await send({ to: 'cfo@company.example', subject: '知识产权金融服务平台 · 贷款已发放', text: '正文' });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
    expect(ses.commandCalls(SendEmailCommand)[0]!.args[0].input).toEqual({
      FromEmailAddress: 'notify@portal.example',
      Destination: { ToAddresses: ['cfo@company.example'] },
      Content: {
        Simple: {
          Subject: { Data: '知识产权金融服务平台 · 贷款已发放', Charset: 'UTF-8' },
          Body: { Text: { Data: '正文', Charset: 'UTF-8' } },
        },
      },
    });
    ses.restore();
  });

  it('lets a refusal by SES fail the delivery (the rule retries it)', async () => {
    const ses = mockClient(SESv2Client);
    ses.on(SendEmailCommand).rejects(new Error('MessageRejected'));
    const send = sesSender(new SESv2Client({ region: 'ap-east-1' }), 'notify@portal.example');
    await expect(send({ to: 'a@b.example', subject: 's', text: 't' })).rejects.toThrow('MessageRejected');
    ses.restore();
  });
});
