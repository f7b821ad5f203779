import {
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  CognitoIdentityProviderClient,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { discoveredKeySet } from '../../shared/runtime/aws-deps.js';
import { cognitoIdentityAdmin } from '../../shared/runtime/cognito-admin.js';

describe('invitations at the stack’s Cognito user pool', () => {
  const cognito = mockClient(CognitoIdentityProviderClient);
  const admin = cognitoIdentityAdmin(
    'pool-1',
    new CognitoIdentityProviderClient({ region: 'ap-southeast-1' }),
  );
  beforeEach(() => cognito.reset());

  it('creates the account with the address verified (so the first sign-in claims the invitation)', async () => {
    cognito.on(AdminCreateUserCommand).resolves({});
    await admin.invite('zhang@jhbank.example', '张伟');
    expect(cognito.commandCalls(AdminCreateUserCommand).map((c) => c.args[0].input)).toEqual([
      {
        UserPoolId: 'pool-1',
        Username: 'zhang@jhbank.example',
        DesiredDeliveryMediums: ['EMAIL'],
        UserAttributes: [
          { Name: 'email', Value: 'zhang@jhbank.example' },
          { Name: 'email_verified', Value: 'true' },
          { Name: 'name', Value: '张伟' },
        ],
      },
    ]);
  });

  it('leaves an account that exists (someone who signed up) as it is, and fails on anything else', async () => {
    cognito
      .on(AdminCreateUserCommand)
      .rejectsOnce(new UsernameExistsException({ message: 'exists', $metadata: {} }))
      .rejectsOnce(new Error('throttled'));
    await expect(admin.invite('a@example.com', undefined)).resolves.toBeUndefined();
    await expect(admin.invite('b@example.com', undefined)).rejects.toThrow('throttled');
  });

  it('disables and enables the account by its address', async () => {
    cognito.on(AdminDisableUserCommand).resolves({}).on(AdminEnableUserCommand).resolves({});
    await admin.setEnabled('a@example.com', false);
    await admin.setEnabled('a@example.com', true);
    expect(cognito.commandCalls(AdminDisableUserCommand)[0]!.args[0].input).toEqual({
      UserPoolId: 'pool-1',
      Username: 'a@example.com',
    });
    expect(cognito.commandCalls(AdminEnableUserCommand)).toHaveLength(1);
  });
});

describe('the provider’s keys, found through its discovery document', () => {
  const ISSUER = 'https://idp.city.example.cn';

  async function signedToken() {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' };
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(ISSUER)
      .setSubject('s')
      .setExpirationTime('5m')
      .sign(privateKey);
    return { jwk, token };
  }

  it('reads jwks_uri once, and retries discovery after a failure', async () => {
    const { jwk, token } = await signedToken();
    const fetcher = vi
      .fn<typeof fetch>()
      .mockResolvedValueOnce(new Response('unavailable', { status: 503 }))
      .mockResolvedValueOnce(Response.json({ issuer: ISSUER, jwks_uri: `${ISSUER}/keys` }));
    // jose fetches the key set itself, with the global fetch.
    const keysFetch = vi.spyOn(globalThis, 'fetch').mockResolvedValue(Response.json({ keys: [jwk] }));
    const keys = discoveredKeySet(ISSUER, fetcher);
    const header = { alg: 'RS256', kid: 'k1' };
    const input = { payload: '', signature: '', protected: token.split('.')[0]! } as never;
    await expect(keys(header, input)).rejects.toThrow(/publishes no https jwks_uri \(HTTP 503\)/);
    await expect(keys(header, input)).resolves.toBeDefined();
    await expect(keys(header, input)).resolves.toBeDefined();
    expect(fetcher.mock.calls.map(([url]) => String(url))).toEqual([
      `${ISSUER}/.well-known/openid-configuration`,
      `${ISSUER}/.well-known/openid-configuration`,
    ]);
    expect(String(keysFetch.mock.calls[0]![0])).toBe(`${ISSUER}/keys`);
    keysFetch.mockRestore();
  });

  it('refuses a key set that is not served over https', async () => {
    const fetcher = vi.fn<typeof fetch>().mockResolvedValue(Response.json({ jwks_uri: 'http://idp/keys' }));
    const keys = discoveredKeySet(ISSUER, fetcher);
    await expect(keys({ alg: 'RS256', kid: 'k' }, {} as never)).rejects.toThrow(/no https jwks_uri/);
  });
});
