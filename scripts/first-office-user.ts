/**
 * `npm run --silent first-office-user -- <email>`: after the first `cdk deploy`, invites the first IP office user
 * into the deployed portal's directory, with the deployer's AWS credentials. Set `TABLE_NAME` to the stack's
 * `TableName` output and, on a stage with the stack's Cognito pool, `USER_POOL_ID` to its `UserPoolId` output (the
 * invitation then creates the Cognito account, which e-mails a temporary password). Everyone else is invited in the
 * portal by that user. Recorded in the audit feed as invited by `system`.
 */
import { SYSTEM_ACTOR } from '../shared/domain/actor.js';
import { systemClock } from '../shared/domain/clock.js';
import { DomainError } from '../shared/domain/errors.js';
import { cognitoIdentityAdmin } from '../shared/runtime/cognito-admin.js';
import { createDocumentClient } from '../shared/store/dynamo-client.js';
import { useCaseContext } from '../shared/usecases/context.js';
import { inviteUser } from '../shared/usecases/users.js';

const [email, ...rest] = process.argv.slice(2);
const tableName = process.env.TABLE_NAME?.trim();
const userPoolId = process.env.USER_POOL_ID?.trim();
if (!email || rest.length > 0 || !tableName) {
  process.stderr.write(
    'usage: TABLE_NAME=<TableName output> [USER_POOL_ID=<UserPoolId output>] npm run --silent first-office-user -- <email>\n',
  );
  process.exit(2);
}

const uc = useCaseContext({
  db: createDocumentClient(),
  tableName,
  clock: systemClock(),
  newId: () => crypto.randomUUID(),
});
try {
  const user = await inviteUser(
    uc,
    { ...SYSTEM_ACTOR, sub: 'first-office-user' },
    { email, role: 'ipoffice' },
    userPoolId ? { identityAdmin: cognitoIdentityAdmin(userPoolId) } : {},
  );
  process.stdout.write(
    `Invited ${user.email} as an IP office user (${user.id}); they sign in with that address.\n`,
  );
} catch (error) {
  if (!(error instanceof DomainError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
