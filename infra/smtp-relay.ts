import { CfnParameter, type Stack, Validations } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';

/**
 * The city's SMTP relay for the stages whose mail is `smtp` (AWS China: Amazon SES is not offered there): host,
 * port and sender as deploy-time parameters, the credentials in a Secrets Manager secret the operators fill in
 * after the first deploy (`aws secretsmanager put-secret-value --secret-id <SmtpCredentialsArn> --secret-string
 * '{"username":"…","password":"…"}'`). The mailer speaks TLS only (shared/runtime/smtp-mail.ts).
 */
export function smtpRelay(stack: Stack): {
  from: string;
  host: string;
  port: string;
  credentials: secretsmanager.ISecret;
} {
  const host = new CfnParameter(stack, 'SmtpHost', {
    type: 'String',
    description: 'Host name of the city’s SMTP relay (TLS required), e.g. smtp.city.example.cn.',
    allowedPattern: '^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$',
  });
  const port = new CfnParameter(stack, 'SmtpPort', {
    type: 'String',
    description: 'Its port: 465 (implicit TLS) or 587 (STARTTLS, required).',
    allowedValues: ['465', '587'],
    default: '465',
  });
  const from = new CfnParameter(stack, 'SmtpFrom', {
    type: 'String',
    description: 'The sender address of the portal’s notifications, accepted by that relay.',
    allowedPattern: '^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$',
  });
  const credentials = new secretsmanager.Secret(stack, 'SmtpCredentials', {
    description:
      'IP finance portal: the SMTP relay’s credentials {"username","password"} (set by the operators)',
    generateSecretString: {
      secretStringTemplate: JSON.stringify({ username: 'set-me' }),
      generateStringKey: 'password',
      excludePunctuation: true,
    },
  });
  Validations.of(credentials).acknowledge({
    id: 'AwsSolutions-SMG4',
    reason:
      'The SMTP password belongs to the city’s relay, which issues and changes it: Secrets Manager cannot rotate it; the operators put the new value when the relay’s owners change it.',
  });
  return {
    from: from.valueAsString,
    host: host.valueAsString,
    port: port.valueAsString,
    credentials,
  };
}
