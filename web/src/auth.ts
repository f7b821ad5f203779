/**
 * Sign-in through the portal's OpenID Connect provider (Cognito deployed, the city's own provider in China, the
 * local one under `npm start`) with oidc-client-ts: the authorization-code flow with PKCE, renewal with the refresh
 * token before the ID token expires, sign-out at the provider. The API is called with the ID token; what the user
 * may do comes from the portal's own directory (`GET /me`), never from the token.
 */
import { type User, UserManager, WebStorageStateStore } from 'oidc-client-ts';
import type { PortalConfig } from './api';

/** The page itself is the redirect target: `/` with `?code=…&state=…` once the provider sends the user back. */
const redirectUri = () => `${location.origin}${location.pathname}`;

export function createUserManager(config: PortalConfig): UserManager {
  return new UserManager({
    authority: config.issuer,
    client_id: config.clientId,
    redirect_uri: redirectUri(),
    post_logout_redirect_uri: redirectUri(),
    response_type: 'code',
    scope: 'openid email profile',
    // Renewed a minute before expiry with the refresh token; the page stays where it is.
    automaticSilentRenew: true,
    // Per tab, gone with it: a shared computer keeps no session once the tab is closed.
    userStore: new WebStorageStateStore({ store: sessionStorage }),
    loadUserInfo: false,
  });
}

/** Finishes a redirect back from the provider (if this is one), then answers the signed-in user, if any. */
export async function currentUser(manager: UserManager): Promise<User | null> {
  const params = new URLSearchParams(location.search);
  if (params.has('code') && params.has('state')) {
    const user = await manager.signinRedirectCallback();
    // The code is spent: keep it out of the history and of a reload.
    history.replaceState(null, '', `${location.pathname}${location.hash}`);
    return user;
  }
  const user = await manager.getUser();
  return user && !user.expired ? user : null;
}

/**
 * Signs out here and at the provider. Cognito publishes no end-session endpoint; its logout URL (`signOutUrl`)
 * takes `client_id` and `logout_uri` instead.
 */
export async function signOut(manager: UserManager, config: PortalConfig): Promise<void> {
  if (config.signOutUrl) {
    await manager.removeUser();
    const url = new URL(config.signOutUrl);
    url.searchParams.set('client_id', config.clientId);
    url.searchParams.set('logout_uri', redirectUri());
    location.assign(url.toString());
    return;
  }
  const user = await manager.getUser();
  await manager.signoutRedirect(user?.id_token ? { id_token_hint: user.id_token } : {});
}
