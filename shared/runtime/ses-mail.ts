/** Deployed mail: one SES SendEmail per message, plain text in UTF-8, from the portal's verified sender. */
import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { SendMail } from '../usecases/email.js';

export const sesSender =
  (client: SESv2Client, from: string): SendMail =>
  async (mail) => {
    await client.send(
      new SendEmailCommand({
        FromEmailAddress: from,
        Destination: { ToAddresses: [mail.to] },
        Content: {
          Simple: {
            Subject: { Data: mail.subject, Charset: 'UTF-8' },
            Body: { Text: { Data: mail.text, Charset: 'UTF-8' } },
          },
        },
      }),
    );
  };
