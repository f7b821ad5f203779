import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patentNo, yiwu } from '../support/pledge-fixtures.js';
import { type Harness, screenshot, signIn, startHarness } from './portal-harness.js';

/**
 * The import page as the IP office meets it: a CSV of rights for an enterprise the portal does not know yet, one row
 * with a wrong check digit; the upload and the rows go by on the progress bar, the counts and the error report
 * follow, and the same file again changes nothing.
 */
const OWNER = yiwu('MA2E00001');
const GOOD = [patentNo(2020, 1, 700001), patentNo(2021, 2, 700002)];
/** A valid number with its check character changed. */
const BAD = `${GOOD[0]!.slice(0, -1)}${GOOD[0]!.endsWith('X') ? '0' : 'X'}`;
const CSV = [
  '类型,申请号,名称,申请日,授权公告日,权利人',
  `专利,${GOOD[0]},保温杯,2020-03-01,2021-06-10,${OWNER}`,
  `专利,${GOOD[1]},折叠椅,2021-05-01,2021-11-10,${OWNER}`,
  `专利,${BAD},坏号码,2020-03-01,2021-06-10,${OWNER}`,
].join('\r\n');

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, 180_000);
afterAll(() => h?.close());

const facts = async (page: Page) => {
  const result = page.getByRole('region', { name: '导入结果' });
  await result.waitFor();
  const names = await result.locator('dt').allTextContents();
  const values = await result.locator('dd').allTextContents();
  return Object.fromEntries(names.map((n, i) => [n, values[i]]));
};

async function importFile(page: Page) {
  await page.getByRole('link', { name: '批量导入' }).click();
  await page.getByLabel('导入内容').selectOption('assets');
  await page.getByLabel('CSV 或 Excel 文件').setInputFiles({
    name: 'rights.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(`\uFEFF${CSV}\r\n`, 'utf8'),
  });
  await page.getByRole('button', { name: '上传并导入' }).click();
}

describe('bulk import in the web portal', { timeout: 90_000 }, () => {
  it('imports the good rows, reports the bad one at its line and column, and changes nothing the second time', async () => {
    const page = await (await h.context()).newPage();
    await signIn(page, h.base, 'ipoffice');
    await importFile(page);
    await page.getByRole('heading', { name: '导入完成' }).waitFor();
    expect(await facts(page)).toEqual({ 数据行: '3', 新建: '2', 更新: '0', 未变: '0', 拒绝: '1' });
    await screenshot(page, 'ipoffice-import-result');

    // The error report: the CSV's line 4 (the header is line 1), the number's column, the reason.
    const href = await page.getByRole('link', { name: /下载错误报告/ }).getAttribute('href');
    const report = await (await fetch(href!)).text();
    const [header, row, ...rest] = report
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(header).toBe('row,column,reason');
    expect(rest).toEqual([]);
    expect(row).toMatch(/^4,申请号,.*check/);

    // The enterprise the office import created holds both rights.
    const rights = await page.evaluate(async (uscc) => {
      const store = (globalThis as unknown as { sessionStorage: { getItem(k: string): string | null } })
        .sessionStorage;
      const key = Object.keys(store).find((k) => k.startsWith('oidc.user:'));
      const token = key ? (JSON.parse(store.getItem(key)!) as { id_token: string }).id_token : '';
      const res = await fetch(`/enterprises/${uscc}/assets`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      return ((await res.json()) as { items: { number: string }[] }).items.map((a) => a.number).sort();
    }, OWNER);
    expect(rights).toEqual([...GOOD].sort());

    await page.reload();
    await importFile(page);
    await page.getByRole('heading', { name: '导入完成' }).waitFor();
    expect(await facts(page)).toEqual({ 数据行: '3', 新建: '0', 更新: '0', 未变: '2', 拒绝: '1' });
    await page.context().close();
  });
});
