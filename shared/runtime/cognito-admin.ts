import {
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  CognitoIdentityProviderClient,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import type { IdentityAdmin } from '../usecases/users.js';

/**
 * Invitations on the stack's own Cognito user pool: the portal's invitation creates the account (Cognito e-mails
 * the temporary password; the address counts as verified, so the first sign-in claims the invitation), and a
 * disabled user is disabled there too. The pool signs users in by e-mail, which is therefore the user name.
 */
export function cognitoIdentityAdmin(
  userPoolId: string,
  client: Pick<CognitoIdentityProviderClient, 'send'> = new CognitoIdentityProviderClient({}),
): IdentityAdmin {
  return {
    async invite(email, name) {
      try {
        await client.send(
          new AdminCreateUserCommand({
            UserPoolId: userPoolId,
            Username: email,
            DesiredDeliveryMediums: ['EMAIL'],
            UserAttributes: [
              { Name: 'email', Value: email },
              { Name: 'email_verified', Value: 'true' },
              ...(name ? [{ Name: 'name', Value: name }] : []),
            ],
          }),
        );
      } catch (error) {
        // Someone who signed up themselves (a company) is invited into an organisation: the account exists.
        if (!(error instanceof UsernameExistsException)) throw error;
      }
    },
    async setEnabled(email, enabled) {
      const input = { UserPoolId: userPoolId, Username: email };
      await client.send(enabled ? new AdminEnableUserCommand(input) : new AdminDisableUserCommand(input));
    },
  };
}
