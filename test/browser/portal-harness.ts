/**
 * The web portal as a user meets it: the local build (made once for the run by test/support/build-web-once.ts), `npx tsx scripts/start.ts` (what `npm start` runs)
 * with its own DATA_DIR and PORT, and Debian's headless Chromium driven by playwright-core.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import AxeBuilder from '@axe-core/playwright';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { beforeEach } from 'vitest';
import { samplePdf } from '../../scripts/sample-pdf.js';
import { freePort } from '../../shared/local/dynamodb-local.js';

const run = promisify(execFile);

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = join(process.cwd(), 'test-results', 'screenshots');

/** The flags this machine's closed network needs (see ENGINEERING.md). */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The harness of the running test file, described when one of its tests fails. */
let current: { output: () => string; contexts: BrowserContext[] } | undefined;

// A failing step says where each open page stood and what the portal printed last: a timeout alone does not tell a
// slow machine from a page that went somewhere else.
beforeEach((ctx) => {
  ctx.onTestFailed(async () => {
    if (!current) return;
    const pages = current.contexts.flatMap((c) => c.pages());
    const states = await Promise.all(
      pages.map(async (page) => {
        const text = await page
          .locator('body')
          .textContent({ timeout: 2_000 })
          .catch((error: Error) => `(unreadable: ${error.message})`);
        return `page ${page.url()}\n${(text ?? '').slice(0, 1_500)}`;
      }),
    );
    console.error(
      `--- open pages ---\n${states.join('\n---\n')}\n--- the portal's last output ---\n${current.output().slice(-4_000)}`,
    );
  });
});

export interface Harness {
  base: string;
  dataDir: string;
  browser: Browser;
  /** A fresh browser profile (own session storage), optionally with a phone-sized viewport. */
  context(options?: { phone?: boolean }): Promise<BrowserContext>;
  /** Runs `scripts/stats.ts` (what `npm run stats` runs) against the running portal's data. */
  runStatsJob(): Promise<string>;
  /** `npm run --silent monitor` against the running portal's data. */
  runMonitorJob(): Promise<string>;
  output(): string;
  close(): Promise<void>;
}

/** `env`: extra settings of the portal process (e.g. a short token lifetime for the renewal test). */
export async function startHarness(env: Record<string, string> = {}): Promise<Harness> {
  if (!existsSync(CHROMIUM))
    throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (.ci/run does this).`);
  await mkdir(SCREENSHOTS, { recursive: true });
  const dataDir = await mkdtemp(join(tmpdir(), 'portal-browser-'));
  const port = await freePort();
  const child: ChildProcess = spawn('npx', ['tsx', 'scripts/start.ts'], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), LOG_REQUESTS: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => {
    output += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    output += c.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const base = `http://localhost:${port}`;
  const stopServer = async () => {
    if (child.exitCode === null && child.pid) {
      process.kill(-child.pid, 'SIGINT');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    }
  };
  let browser: Browser | undefined;
  try {
    // A deadline, not a measure: a loaded CI machine may take a minute to start a JVM and the provider.
    const deadline = Date.now() + 120_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`The portal exited during start-up:\n${output}`);
      const ready = await fetch(`${base}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ready) break;
      if (Date.now() > deadline) throw new Error(`The portal did not become ready:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  } catch (error) {
    await stopServer();
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  const open = browser;
  const contexts: BrowserContext[] = [];
  current = { output: () => output, contexts };
  return {
    base,
    dataDir,
    browser: open,
    context: async ({ phone = false } = {}) => {
      const context = await open.newContext({
        viewport: phone ? { width: 390, height: 844 } : { width: 1280, height: 900 },
        acceptDownloads: true,
        locale: 'zh-CN',
        ...(phone ? { isMobile: true, hasTouch: true } : {}),
      });
      contexts.push(context);
      // Fail a step with its own message well before the test's timeout.
      context.setDefaultTimeout(15_000);
      return context;
    },
    async runStatsJob() {
      const { stdout } = await run('npx', ['tsx', 'scripts/stats.ts'], {
        env: { ...process.env, DATA_DIR: dataDir },
      });
      return stdout;
    },
    async runMonitorJob() {
      const { stdout } = await run('npx', ['tsx', 'scripts/monitor.ts'], {
        env: { ...process.env, DATA_DIR: dataDir },
      });
      return stdout;
    },
    output: () => output,
    async close() {
      await open.close().catch(() => {});
      await stopServer();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export type Role = 'enterprise' | 'lender' | 'insurer' | 'ipoffice';

/**
 * Signs in as the developer's local user of a role and organisation: the portal's sign-in button, the local
 * OpenID Connect provider's redirect and its developer sign-in form, and back (Chinese labels: the default).
 */
export async function signIn(page: Page, base: string, role: Role, org?: string): Promise<void> {
  await page.goto(`${base}/#/`);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.getByLabel('角色 / Role').selectOption(role);
  if (org) await page.getByLabel('机构 / Organisation').fill(org);
  await page.getByRole('button', { name: '开发者登录 / Developer sign-in' }).click();
  await page.getByTestId('who').waitFor();
}

/** Signs in at the local provider with an e-mail address and password (an account made by `signUp` or a demo). */
export async function signInWithPassword(
  page: Page,
  base: string,
  email: string,
  password: string,
): Promise<void> {
  await page.goto(`${base}/#/`);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.getByLabel('电子邮箱 / E-mail').fill(email);
  await page.getByLabel('密码 / Password').fill(password);
  await page.getByRole('button', { name: '登录 / Sign in' }).click();
}

/** Signs up at the local provider (the address counts as verified there) and comes back signed in. */
export async function signUp(page: Page, base: string, email: string, password: string): Promise<void> {
  await page.goto(`${base}/#/`);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.getByRole('link', { name: '注册新账号 / Sign up' }).click();
  await page.getByLabel('电子邮箱 / E-mail').fill(email);
  await page.getByLabel('密码 / Password').fill(password);
  await page.getByRole('button', { name: '注册 / Sign up' }).click();
}

/**
 * Every page the journeys look at is photographed and checked with axe: a serious or critical accessibility
 * violation (contrast, names, labels, structure) fails the step that showed it.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  const { violations } = await new AxeBuilder({ page }).analyze();
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (serious.length > 0)
    throw new Error(
      `axe on ${name}: ${serious
        .map(
          (v) =>
            `${v.id} ×${v.nodes.length} (${v.nodes
              .slice(0, 3)
              .map((n) => n.target.join(' '))
              .join(' | ')})`,
        )
        .join('; ')}`,
    );
}

const UPLOAD_LABELS = {
  zh: { form: '上传', kind: '材料类别', file: '文件', verified: '已校验' },
  en: { form: 'Upload', kind: 'Kind', file: 'File', verified: 'Verified' },
} as const;

/** Uploads a small PDF from the page's documents section, as a user does, and waits until it is verified. */
export async function uploadPdf(page: Page, kind: string, fileName: string, lang: 'zh' | 'en' = 'zh') {
  const l = UPLOAD_LABELS[lang];
  const form = page.getByRole('form', { name: l.form });
  await form.getByLabel(l.kind).selectOption(kind);
  await form.getByLabel(l.file).setInputFiles({
    name: fileName,
    mimeType: 'application/pdf',
    buffer: Buffer.from(samplePdf(fileName)),
  });
  await form.getByRole('button', { name: l.form }).click();
  await page.getByTestId('document').filter({ hasText: fileName }).getByText(l.verified).waitFor();
}
