/**
 * The local portal's OpenID Connect provider (`npm start`): a real one (`oidc-provider`) under `/oidc`, so the web
 * portal signs in locally through the same redirects, with the same client library, as it does at Cognito or a
 * city's own provider. It knows who people are — accounts with a password, kept in `${DATA_DIR}/idp-accounts.json`
 * — and nothing of what they may do: that is the portal's directory.
 *
 * Sign-in forms are ours (the library's development forms are not for a product): e-mail and password, sign-up
 * (an address counts as verified locally), and a developer's quick sign-in as the local user of a role and
 * organisation, as `npm run token` makes. Consent is implied: the portal is the provider's only, first-party client.
 */
import { randomBytes, randomUUID, scryptSync, timingSafeEqual } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { JWK } from 'jose';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { LOCAL_AUDIENCE, type LocalIssuer, localSubject } from '../auth/local-issuer.js';
import { isRole, type Role } from '../auth/principal.js';
import { membershipIssues, normaliseEmail, storedOrg } from '../domain/user.js';

export const PROVIDER_PATH = '/oidc';

export interface Account {
  sub: string;
  email?: string;
  name?: string;
  /** scrypt: `<salt hex>:<hash hex>`; absent for a developer's quick-sign-in user. */
  password?: string;
}

/** The demonstration users `npm start` creates, one per role, and the password each signs in with. */
export const DEMO_PASSWORD = 'portal-demo-2026';
export const DEMO_USERS: readonly { email: string; name: string; role: Role; org: string | null }[] = [
  { email: 'office@demo.local', name: '知识产权局 Demo', role: 'ipoffice', org: null },
  { email: 'bank@demo.local', name: '金华银行 Demo', role: 'lender', org: 'jinhua-bank' },
  { email: 'insurer@demo.local', name: '人保金华 Demo', role: 'insurer', org: 'picc-jinhua' },
  { email: 'company@demo.local', name: '永康五金 Demo', role: 'enterprise', org: '91330784147123451K' },
];

const hashPassword = (password: string): string => {
  const salt = randomBytes(16);
  return `${salt.toString('hex')}:${scryptSync(password, salt, 32).toString('hex')}`;
};

const passwordMatches = (password: string, stored: string | undefined): boolean => {
  const [salt, hash] = stored?.split(':') ?? [];
  if (!salt || !hash) return false;
  return timingSafeEqual(scryptSync(password, Buffer.from(salt, 'hex'), 32), Buffer.from(hash, 'hex'));
};

/** The provider's accounts, in a JSON file under DATA_DIR (or only in memory for tests). */
export class AccountStore {
  private constructor(
    private readonly accounts: Map<string, Account>,
    private readonly file: string | undefined,
  ) {}

  static async open(dataDir: string | undefined): Promise<AccountStore> {
    const file = dataDir ? join(dataDir, 'idp-accounts.json') : undefined;
    let list: Account[] = [];
    if (file) list = JSON.parse(await readFile(file, 'utf8').catch(() => '[]')) as Account[];
    return new AccountStore(new Map(list.map((a) => [a.sub, a])), file);
  }

  get(sub: string): Account | undefined {
    return this.accounts.get(sub);
  }

  byEmail(email: string): Account | undefined {
    const wanted = normaliseEmail(email);
    return [...this.accounts.values()].find((a) => a.email === wanted);
  }

  async add(account: Omit<Account, 'password'> & { password?: string }): Promise<Account> {
    const stored: Account = {
      sub: account.sub,
      ...(account.email ? { email: normaliseEmail(account.email) } : {}),
      ...(account.name ? { name: account.name } : {}),
      ...(account.password ? { password: hashPassword(account.password) } : {}),
    };
    this.accounts.set(stored.sub, stored);
    if (this.file) {
      await mkdir(join(this.file, '..'), { recursive: true });
      await writeFile(this.file, JSON.stringify([...this.accounts.values()], null, 1), { mode: 0o600 });
    }
    return stored;
  }

  /** Signs in with e-mail and password; undefined when either is wrong (the page does not say which). */
  check(email: string, password: string): Account | undefined {
    const account = this.byEmail(email);
    return account && passwordMatches(password, account.password) ? account : undefined;
  }
}

export interface LocalProviderOptions {
  /** `http://localhost:3000`: the provider is `${origin}/oidc`, the web portal `${origin}/`. */
  origin: string;
  issuer: LocalIssuer;
  accounts: AccountStore;
  /** Enrols the developer's local user of a role and organisation in the portal's directory. */
  enrolDeveloper(role: Role, org: string | null): Promise<void>;
  /** ID and access token lifetime (default an hour; the renewal test shortens it). */
  tokenTtlSeconds?: number;
  /** Keys for the provider's cookies (kept in DATA_DIR so sessions survive a restart). */
  cookieKeys: string[];
}

export interface LocalProvider {
  issuer: string;
  /** Node handler for `/oidc/*` (the provider itself) and `/oidc-interaction/*` (our sign-in forms). */
  handles(url: string): boolean;
  handle(req: IncomingMessage, res: ServerResponse): void;
}

const INTERACTION_PATH = '/oidc-interaction';

export function createLocalProvider(options: LocalProviderOptions): LocalProvider {
  const issuer = `${options.origin}${PROVIDER_PATH}`;
  const ttl = options.tokenTtlSeconds ?? 3600;
  const { accounts } = options;
  const configuration: Configuration = {
    clients: [
      {
        client_id: LOCAL_AUDIENCE,
        token_endpoint_auth_method: 'none',
        application_type: 'web',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: [`${options.origin}/`],
        post_logout_redirect_uris: [`${options.origin}/`],
      },
    ],
    jwks: { keys: [options.issuer.privateJwk as JWK & { kty: 'RSA' }] },
    cookies: { keys: options.cookieKeys },
    pkce: { required: () => true },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    // The ID token carries the e-mail address and name itself: the portal reads no userinfo endpoint.
    conformIdTokenClaims: false,
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: { enabled: true, logoutSource },
    },
    ttl: { IdToken: ttl, AccessToken: ttl, RefreshToken: 12 * 3600, Interaction: 3600, Session: 12 * 3600 },
    // The page renews its tokens with the refresh token, offline_access or not (as Cognito does).
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    // The portal is this provider's only client, and first-party: consent is implied.
    loadExistingGrant: async (ctx) => {
      const oidc = ctx.oidc;
      const clientId = oidc.client!.clientId;
      const existing = oidc.session!.grantIdFor(clientId);
      if (existing) return oidc.provider.Grant.find(existing);
      const grant = new oidc.provider.Grant({ clientId, accountId: oidc.session!.accountId! });
      grant.addOIDCScope('openid email profile offline_access');
      await grant.save();
      oidc.session!.grantIdFor(clientId, grant.jti);
      return grant;
    },
    interactions: { url: (_ctx, interaction) => `${INTERACTION_PATH}/${interaction.uid}` },
    findAccount: (_ctx, sub) => {
      const account = accounts.get(sub);
      if (!account) return undefined;
      return {
        accountId: sub,
        claims: () => ({
          sub,
          ...(account.email ? { email: account.email, email_verified: true } : {}),
          ...(account.name ? { name: account.name } : {}),
        }),
      };
    },
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = page(
        'Sign-in error',
        `<p role="alert">${escapeHtml(String(out.error_description ?? out.error))}</p>`,
      );
    },
  };
  const provider = new Provider(issuer, configuration);
  // Behind nothing: `npm start` serves plain HTTP on loopback.
  const callback = provider.callback();

  const finish = async (req: IncomingMessage, res: ServerResponse, accountId: string) => {
    const to = await provider.interactionResult(
      req,
      res,
      { login: { accountId } },
      { mergeWithLastSubmission: false },
    );
    redirect(res, to);
  };

  async function interaction(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', options.origin);
    const [, , uid, step] = url.pathname.split('/');
    let details: Awaited<ReturnType<typeof provider.interactionDetails>>;
    try {
      details = await provider.interactionDetails(req, res);
    } catch {
      return html(
        res,
        400,
        page('Sign-in expired', '<p role="alert">This sign-in has expired. <a href="/">Start again</a>.</p>'),
      );
    }
    if (details.uid !== uid)
      return html(res, 400, page('Sign-in expired', '<p role="alert">Start again.</p>'));
    if (req.method === 'GET') return html(res, 200, loginPage(uid, url.searchParams.has('signup')));
    const form = new URLSearchParams(await body(req));
    if (step === 'login') {
      const account = accounts.check(form.get('email') ?? '', form.get('password') ?? '');
      if (account) return finish(req, res, account.sub);
      return html(res, 401, loginPage(uid, false, '邮箱或密码不正确 / The e-mail or password is wrong.'));
    }
    if (step === 'signup') {
      const email = (form.get('email') ?? '').trim();
      const password = form.get('password') ?? '';
      const name = (form.get('name') ?? '').trim();
      const problem = !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)
        ? '请输入有效的邮箱 / Enter a valid e-mail address.'
        : password.length < 8
          ? '密码至少 8 位 / The password needs at least 8 characters.'
          : accounts.byEmail(email)
            ? '该邮箱已注册 / This e-mail address has an account already.'
            : undefined;
      if (problem) return html(res, 422, loginPage(uid, true, problem));
      const account = await accounts.add({ sub: randomUUID(), email, ...(name ? { name } : {}), password });
      return finish(req, res, account.sub);
    }
    if (step === 'developer') {
      const role = form.get('role');
      const org = (form.get('org') ?? '').trim() || null;
      if (!isRole(role)) return html(res, 422, loginPage(uid, false, 'Choose a role.'));
      const issues = membershipIssues(role, org);
      if (issues.length > 0)
        return html(res, 422, loginPage(uid, false, `机构 / Organisation: ${issues[0]!.message}`));
      const normalised = storedOrg(role, org);
      const sub = localSubject(role, normalised);
      if (!accounts.get(sub))
        await accounts.add({ sub, name: `${role}${normalised ? ` ${normalised}` : ''}` });
      await options.enrolDeveloper(role, normalised);
      return finish(req, res, sub);
    }
    html(res, 404, page('Not found', '<p>Not found.</p>'));
  }

  return {
    issuer,
    handles: (url) =>
      url === PROVIDER_PATH || url.startsWith(`${PROVIDER_PATH}/`) || url.startsWith(`${INTERACTION_PATH}/`),
    handle(req, res) {
      if (req.url?.startsWith(`${INTERACTION_PATH}/`)) {
        interaction(req, res).catch((error: unknown) => {
          console.error('local sign-in failed:', error);
          if (!res.headersSent) html(res, 500, page('Sign-in failed', '<p role="alert">Sign-in failed.</p>'));
        });
        return;
      }
      // The provider is mounted at /oidc: it routes the rest of the path, and finds its mount point (for the URLs
      // it publishes) from `originalUrl`, as under Express's app.use('/oidc', …).
      (req as IncomingMessage & { originalUrl?: string }).originalUrl = req.url;
      req.url = req.url!.slice(PROVIDER_PATH.length) || '/';
      void callback(req, res);
    },
  };
}

/** Sign-out at the provider: no question asked (the portal's button was the question), as at Cognito. */
async function logoutSource(ctx: KoaContextWithOIDC, form: string): Promise<void> {
  ctx.body = page(
    'Signing out',
    `${form}<button type="submit" form="op.logoutForm" value="yes" name="logout">退出登录 / Sign out</button>
<script>document.getElementById('op.logoutForm').requestSubmit(document.querySelector('button[name=logout]'))</script>`,
  );
}

function loginPage(uid: string, signup: boolean, error?: string): string {
  const alert = error ? `<p role="alert" class="error">${escapeHtml(error)}</p>` : '';
  if (signup)
    return page(
      '注册 / Sign up',
      `${alert}<form method="post" action="${INTERACTION_PATH}/${uid}/signup">
<label>电子邮箱 / E-mail <input name="email" type="email" autocomplete="email" required></label>
<label>姓名 / Name <input name="name" autocomplete="name"></label>
<label>密码 / Password <input name="password" type="password" autocomplete="new-password" minlength="8" required></label>
<button type="submit">注册 / Sign up</button></form>
<p><a href="${INTERACTION_PATH}/${uid}">已有账号，登录 / Sign in instead</a></p>`,
    );
  const roles = ['enterprise', 'lender', 'insurer', 'ipoffice']
    .map((r) => `<option value="${r}">${r}</option>`)
    .join('');
  const demo = DEMO_USERS.map(
    (u) => `<li><code>${u.email}</code> (${u.role}${u.org ? ` ${u.org}` : ''})</li>`,
  ).join('');
  return page(
    '登录 / Sign in',
    `${alert}<form method="post" action="${INTERACTION_PATH}/${uid}/login">
<label>电子邮箱 / E-mail <input name="email" type="email" autocomplete="username" required></label>
<label>密码 / Password <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">登录 / Sign in</button></form>
<p><a href="${INTERACTION_PATH}/${uid}?signup">注册新账号 / Sign up</a></p>
<details><summary>演示账号 / Demo users (password <code>${DEMO_PASSWORD}</code>)</summary><ul>${demo}</ul></details>
<form method="post" action="${INTERACTION_PATH}/${uid}/developer" class="developer">
<h2>开发者登录 / Developer sign-in</h2>
<p>As the local user of any role and organisation, as <code>npm run token</code> makes.</p>
<label>角色 / Role <select name="role">${roles}</select></label>
<label>机构 / Organisation <input name="org" placeholder="USCC or institution id"></label>
<button type="submit">开发者登录 / Developer sign-in</button></form>`,
  );
}

const page = (
  title: string,
  content: string,
) => `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)} · 本地身份提供方 Local identity provider</title>
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
label{display:block;margin:.6rem 0}input,select{display:block;width:100%;padding:.4rem;margin-top:.2rem;box-sizing:border-box}
button{margin:.6rem 0;padding:.5rem 1rem;background:#0b5cad;color:#fff;border:0;border-radius:4px}
.error{color:#a00000}.developer{border-top:1px solid #ccc;margin-top:1.5rem}a{color:#0b5cad}</style></head>
<body><main><h1>${escapeHtml(title)}</h1>${content}</main></body></html>`;

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function html(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(body);
}

function redirect(res: ServerResponse, to: string): void {
  res.writeHead(303, { Location: to, 'Cache-Control': 'no-store' });
  res.end();
}

const MAX_FORM_BYTES = 16 * 1024;

async function body(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) {
    text += chunk;
    if (text.length > MAX_FORM_BYTES) throw new Error('form too large');
  }
  return text;
}

/** The demonstration users: accounts with the demo password, and their entries in the portal's directory. */
export async function ensureDemoUsers(
  accounts: AccountStore,
  enrol: (user: {
    sub: string;
    email: string;
    name: string;
    role: Role;
    org: string | null;
  }) => Promise<void>,
): Promise<void> {
  for (const user of DEMO_USERS) {
    const sub = `demo-${user.role}`;
    if (!accounts.get(sub))
      await accounts.add({ sub, email: user.email, name: user.name, password: DEMO_PASSWORD });
    await enrol({ sub, ...user });
  }
}

/** Cookie keys kept beside the accounts, so a restart keeps people signed in. */
export async function providerCookieKeys(dataDir: string): Promise<string[]> {
  const file = join(dataDir, 'idp-cookie-keys.json');
  try {
    return JSON.parse(await readFile(file, 'utf8')) as string[];
  } catch {
    const keys = [randomBytes(32).toString('base64url')];
    await mkdir(dataDir, { recursive: true });
    await writeFile(file, JSON.stringify(keys), { mode: 0o600 });
    return keys;
  }
}
