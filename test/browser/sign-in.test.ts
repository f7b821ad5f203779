import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, DEMO_USERS } from '../../shared/local/identity-provider.js';
import {
  type Harness,
  screenshot,
  signIn,
  signInWithPassword,
  signUp,
  startHarness,
} from './portal-harness.js';

/**
 * Sign-in as a user meets it, in headless Chromium against `npm start`: every redirect goes through the local
 * OpenID Connect provider, exactly as the deployed portal goes through Cognito or the city's provider. The ID
 * tokens live 75 seconds here, so the page renews its token (a minute before expiry) while the test watches.
 */
const TOKEN_TTL_SECONDS = 75;
const run = promisify(execFile);
const BANK = DEMO_USERS.find((u) => u.role === 'lender')!.org!;
const PASSWORD = 'correct horse battery';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ OIDC_TOKEN_TTL_SECONDS: String(TOKEN_TTL_SECONDS) });
  // The demo bank, registered with a token from `npm run token` (which enrols its user in the running portal).
  const { stdout } = await run('npx', ['tsx', 'scripts/token.ts', 'ipoffice'], {
    env: { ...process.env, DATA_DIR: h.dataDir },
  });
  const res = await fetch(`${h.base}/institutions/${BANK}`, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${stdout.trim()}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ kind: 'lender', name: '金华银行' }),
  });
  expect(res.status).toBe(201);
}, 180_000);

afterAll(async () => {
  await h?.close();
});

const newPage = async (): Promise<Page> => (await h.context()).newPage();
const who = (page: Page) => page.getByTestId('who').textContent();
/** The ID token the page holds (oidc-client-ts keeps its user in session storage). */
const idToken = (page: Page) =>
  page.evaluate(() => {
    const store = (globalThis as unknown as { sessionStorage: { getItem(k: string): string | null } })
      .sessionStorage;
    const key = Object.keys(store).find((k) => k.startsWith('oidc.user:'));
    return key ? (JSON.parse(store.getItem(key)!) as { id_token: string }).id_token : null;
  });

describe('sign-in through the local OpenID Connect provider', { timeout: 90_000 }, () => {
  const demo = (role: string) => DEMO_USERS.find((u) => u.role === role)!;

  it('signs each role in with its demo account, and each does a task', async () => {
    const tasks: Record<string, (page: Page) => Promise<void>> = {
      ipoffice: async (page) => {
        await page.getByRole('link', { name: '金融机构' }).click();
        await page.getByRole('cell', { name: BANK, exact: true }).waitFor();
      },
      lender: async (page) => {
        await page.getByRole('heading', { name: '贷款申请' }).waitFor();
      },
      insurer: async (page) => {
        await page.getByRole('link', { name: '理赔' }).click();
        await page.getByRole('heading', { name: '理赔' }).first().waitFor();
      },
      enterprise: async (page) => {
        await page.getByLabel('企业名称').fill('永康五金有限公司');
        await page.getByRole('button', { name: '保存' }).first().click();
        await page.getByText('已保存').first().waitFor();
      },
    };
    for (const role of ['ipoffice', 'lender', 'insurer', 'enterprise']) {
      const page = await newPage();
      await signInWithPassword(page, h.base, demo(role).email, DEMO_PASSWORD);
      await page.getByTestId('who').waitFor();
      expect(await who(page)).toContain(demo(role).org ?? '知识产权局');
      await tasks[role]!(page);
      await page.context().close();
    }
  });

  it('refuses a wrong password on the provider page, and a signed-out page stays signed out', async () => {
    const page = await newPage();
    await signInWithPassword(page, h.base, demo('lender').email, 'not the password');
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toContain('The e-mail or password is wrong');
    await signInWithPassword(page, h.base, demo('lender').email, DEMO_PASSWORD);
    await page.getByTestId('who').waitFor();
    // Sign-out ends the provider's session too: the next sign-in asks for the password again.
    await page.getByRole('button', { name: '退出' }).click();
    await page.getByRole('button', { name: '登录', exact: true }).waitFor();
    await page.reload();
    await page.getByRole('button', { name: '登录', exact: true }).waitFor();
    expect(await page.getByTestId('who').count()).toBe(0);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.getByLabel('密码 / Password').waitFor();
    await page.context().close();
  });

  it('renews the token before it expires without losing the page', async () => {
    const page = await newPage();
    await signIn(page, h.base, 'ipoffice');
    await page.getByRole('link', { name: '金融机构' }).click();
    await page.getByLabel('名称', { exact: false }).fill('输入到一半');
    const first = await idToken(page);
    expect(first).toBeTruthy();
    // Renewal starts a minute before expiry: about 15 s after sign-in here.
    await expect.poll(() => idToken(page), { timeout: 45_000, interval: 1000 }).not.toBe(first);
    expect(await page.getByLabel('名称', { exact: false }).inputValue()).toBe('输入到一半');
    // The renewed token is the one the page now calls the API with, after the first one has expired.
    await page.waitForTimeout((TOKEN_TTL_SECONDS - 10) * 1000 - 20_000);
    await page.getByRole('link', { name: '质押登记' }).click();
    await page.getByRole('link', { name: '金融机构' }).click();
    await page.getByRole('cell').first().waitFor();
    expect(await page.getByTestId('who').count()).toBe(1);
    await page.context().close();
  });

  it('shows a company that signed itself up only its onboarding until the office approves its claim', async () => {
    const email = `${randomUUID()}@acme.example`;
    const page = await newPage();
    await signUp(page, h.base, email, PASSWORD);
    await page.getByRole('heading', { name: '企业认领' }).waitFor();
    expect(await page.getByRole('navigation').count()).toBe(0);
    await page.getByLabel('统一社会信用代码').fill('91330784147123451X');
    await page.getByRole('button', { name: '提交认领' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('统一社会信用代码');
    await page.getByLabel('统一社会信用代码').fill('91330784147123451K');
    await page.getByRole('button', { name: '提交认领' }).click();
    await page.getByText('认领申请已提交，等待知识产权局审核。').waitFor();
    await screenshot(page, 'onboarding-pending');

    const office = await newPage();
    await signIn(office, h.base, 'ipoffice');
    await office.getByRole('link', { name: '用户管理' }).click();
    const row = office.getByRole('row', { name: new RegExp(email) });
    await row.getByRole('button', { name: '通过' }).click();
    await office.getByText('已通过认领').waitFor();

    await page.reload();
    await page.getByTestId('who').waitFor();
    expect(await who(page)).toContain('91330784147123451K');
    await page.context().close();
    await office.context().close();
  });

  it('lets the office invite a user who then signs in, and refuses that user at the next request once disabled', async () => {
    const email = `${randomUUID()}@bank.example`;
    const office = await newPage();
    await signIn(office, h.base, 'ipoffice');
    await office.getByRole('link', { name: '用户管理' }).click();
    await office.getByLabel('电子邮箱').fill(email);
    await office.getByLabel('角色').selectOption('lender');
    await office.getByLabel('所属机构').fill(demo('lender').org!);
    await office.getByRole('button', { name: '发送邀请' }).click();
    await office.getByRole('cell', { name: email, exact: true }).waitFor();
    await screenshot(office, 'users-invited');

    const person = await newPage();
    await signUp(person, h.base, email, PASSWORD);
    // Back from the provider, the first request claims the invitation (generous: two busy cores in CI).
    await person.getByTestId('who').waitFor({ timeout: 45_000 });
    expect(await who(person)).toContain(demo('lender').org!);
    // A manager (the office's invitee) sees the users page of its bank.
    await person.getByRole('link', { name: '用户管理' }).click();
    await person.getByRole('cell', { name: email, exact: true }).waitFor();

    await office.reload();
    await office.getByRole('button', { name: `停用 ${email}` }).click();
    await office.getByText('已停用该用户').waitFor();

    await person.getByRole('link', { name: '贷款申请' }).click();
    await expect
      .poll(() => person.getByRole('alert').first().textContent(), { timeout: 15_000 })
      .toContain('该账号已停用');
    await person.context().close();
    await office.context().close();
  });
});
