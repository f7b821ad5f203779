import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patentCheckCharacter } from '../../shared/domain/patent-number.js';
import { withUsccCheck } from '../../shared/domain/uscc.js';
import { type Harness, screenshot, signIn, startHarness } from './portal-harness.js';

/**
 * The header's search box on the local portal (`npm start`, whose stream poller keeps the index): a company finds
 * its own right and opens it, never another company's; the office finds an enterprise by a piece of its name and
 * opens its page with its rights; a patent number in another spelling finds the same right.
 */
const MINE = withUsccCheck('91330782MA2W00011');
const THEIRS = withUsccCheck('91330782MA2W00022');
const DIGITS = '201910123456';
const PATENT = `${DIGITS}.${patentCheckCharacter(DIGITS)}`;
const OTHER_DIGITS = '201910654321';

let h: Harness;

async function api(method: string, path: string, token: string, body?: unknown) {
  const res = await fetch(`${h.base}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  expect(res.status, `${method} ${path}: ${await res.clone().text()}`).toBeLessThan(300);
  return res.json();
}
const run = promisify(execFile);
const tokens = new Map<string, string>();
/** A token of the local user of a role and organisation, as `npm run --silent token` prints it. */
async function tokenOf(role: string, org?: string): Promise<string> {
  const key = `${role}:${org ?? ''}`;
  if (!tokens.has(key)) {
    const { stdout } = await run('npx', ['tsx', 'scripts/token.ts', role, ...(org ? [org] : [])], {
      env: { ...process.env, DATA_DIR: h.dataDir },
    });
    tokens.set(key, stdout.trim());
  }
  return tokens.get(key) as string;
}

beforeAll(async () => {
  h = await startHarness();
  const office = await tokenOf('ipoffice');
  await api('PUT', `/enterprises/${MINE}`, office, { name: '义乌市双龙杯业有限公司' });
  await api('PUT', `/enterprises/${THEIRS}`, office, { name: '东阳保温器材有限公司' });
  await api('POST', `/enterprises/${MINE}/assets`, await tokenOf('enterprise', MINE), {
    kind: 'patent',
    number: `ZL${PATENT}`,
    title: '一种双层真空保温杯',
    filingDate: '2019-06-30',
    grantDate: '2020-01-08',
  });
  await api('POST', `/enterprises/${THEIRS}/assets`, await tokenOf('enterprise', THEIRS), {
    kind: 'patent',
    number: `${OTHER_DIGITS}.${patentCheckCharacter(OTHER_DIGITS)}`,
    title: '一种保温杯的密封盖',
    filingDate: '2019-06-30',
    grantDate: '2020-01-08',
  });
}, 180_000);

afterAll(async () => {
  const trouble = (h?.output() ?? '').split('\n').filter((l) => /event delivery|fault/.test(l));
  if (trouble.length > 0) console.error(trouble.join('\n'));
  await h?.close();
});

/** Waits until the index (moments behind the writes) answers `q` with `expected` hits for the office. */
async function indexed(q: string, expected: number) {
  const token = await tokenOf('ipoffice');
  await expect
    .poll(
      async () => {
        const res = await fetch(`${h.base}/search?q=${encodeURIComponent(q)}`, {
          headers: { Authorization: `Bearer ${token}` },
        });
        return ((await res.json()) as { items: unknown[] }).items.length;
      },
      { timeout: 45_000, interval: 500 },
    )
    .toBe(expected);
}

/** Searches from the header box and counts the results' links. */
async function searchFor(page: Page, q: string) {
  await page.getByLabel('搜索企业、权利和质押').fill(q);
  await page.getByRole('button', { name: '搜索', exact: true }).click();
  await page.getByRole('heading', { name: new RegExp(`搜索结果.*${q.slice(0, 2)}`) }).waitFor();
  // The results render after the request: wait for the first hit rather than for a loading text that may not have
  // appeared yet (each search here has exactly one).
  const links = page.getByTestId('search-results').getByRole('link');
  await links.first().waitFor();
  return links.count();
}

describe('search from the header', { timeout: 120_000 }, () => {
  it('a company finds its own right (not another’s) and opens it; a number in another spelling finds it', async () => {
    const page = await (await h.context()).newPage();
    await indexed('保温杯', 2);
    await signIn(page, h.base, 'enterprise', MINE);
    expect(await searchFor(page, '保温杯')).toBe(1);
    const results = page.getByTestId('search-results');
    expect(await results.textContent()).toContain('一种双层真空保温杯');
    expect(await results.textContent()).not.toContain('密封盖');
    await screenshot(page, 'search-company-results');
    expect(await searchFor(page, `CN ${DIGITS.slice(0, 4)} ${DIGITS.slice(4, 8)}`)).toBe(1);
    await page.getByTestId('search-results').getByRole('link', { name: '一种双层真空保温杯' }).click();
    await expect.poll(() => page.url()).toContain('#legal/');
    await page.getByText(PATENT).first().waitFor();
  });

  it('the office finds an enterprise by a piece of its name and opens its page with its rights', async () => {
    const page = await (await h.context()).newPage();
    await indexed('保温器材', 1);
    await signIn(page, h.base, 'ipoffice');
    expect(await searchFor(page, '保温器材')).toBe(1);
    await page.getByTestId('search-results').getByRole('link', { name: '东阳保温器材有限公司' }).click();
    await page.getByRole('heading', { name: '东阳保温器材有限公司' }).waitFor();
    await page.getByRole('link', { name: '一种保温杯的密封盖' }).waitFor();
    await screenshot(page, 'search-office-enterprise');
  });
});
