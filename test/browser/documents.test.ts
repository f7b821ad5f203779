import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patentCheckCharacter } from '../../shared/domain/patent-number.js';
import { withUsccCheck } from '../../shared/domain/uscc.js';
import { type Harness, screenshot, signIn, startHarness, uploadPdf } from './portal-harness.js';

/**
 * Documents on the local portal (`npm start` with its local S3 server): the company sees what the registration
 * still needs, uploads its four PDFs straight to the bucket from the page, and the office then registers the pledge.
 */
const COMPANY = withUsccCheck('91330782MA2DC0001');
const BANK = 'doc-bank';
const DIGITS = '202010777777';

let h: Harness;
let pledgeId: string;

const run = promisify(execFile);
async function tokenOf(role: string, org?: string): Promise<string> {
  const { stdout } = await run('npx', ['tsx', 'scripts/token.ts', role, ...(org ? [org] : [])], {
    env: { ...process.env, DATA_DIR: h.dataDir },
  });
  return stdout.trim();
}
// biome-ignore lint/suspicious/noExplicitAny: the test reads responses freely
async function api(method: string, path: string, token: string, body?: unknown): Promise<any> {
  const res = await fetch(`${h.base}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  expect(res.status, `${method} ${path}: ${await res.clone().text()}`).toBeLessThan(300);
  return res.json();
}

beforeAll(async () => {
  h = await startHarness();
  const [office, company, bank] = [
    await tokenOf('ipoffice'),
    await tokenOf('enterprise', COMPANY),
    await tokenOf('lender', BANK),
  ];
  await api('PUT', `/enterprises/${COMPANY}`, office, { name: '义乌市材料测试有限公司' });
  await api('PUT', `/institutions/${BANK}`, office, { kind: 'lender', name: '材料测试银行' });
  const asset = await api('POST', `/enterprises/${COMPANY}/assets`, company, {
    kind: 'patent',
    number: `${DIGITS}.${patentCheckCharacter(DIGITS)}`,
    title: '一种保温杯',
    filingDate: '2020-06-30',
    grantDate: '2021-01-08',
  });
  const pledge = await api('POST', '/pledges', company, {
    lenderId: BANK,
    assetIds: [asset.id],
    appraisedValueFen: 100_000_000,
    requestedAmountFen: 10_000_000,
    termMonths: 12,
  });
  pledgeId = pledge.id;
  await api('POST', `/pledges/${pledgeId}/review`, bank, {});
  await api('POST', `/pledges/${pledgeId}/approve`, bank, {
    approvedAmountFen: 10_000_000,
    annualRateBps: 385,
  });
}, 180_000);

afterAll(async () => {
  await h?.close();
});

describe('documents', { timeout: 120_000 }, () => {
  it('the company uploads the four PDFs from the pledge page, and the office registers the pledge', async () => {
    const page = await (await h.context()).newPage();
    await signIn(page, h.base, 'enterprise', COMPANY);
    await page.goto(`${h.base}/#/pledges/${pledgeId}`);
    const checklist = page.getByTestId('checklist-register');
    await expect.poll(() => checklist.textContent()).toContain('质押合同');
    const kinds = [
      ['pledge_contract', '质押合同.pdf'],
      ['registration_form', '登记申请表.pdf'],
      ['identity_proof', '营业执照副本.pdf'],
      ['appraisal_report', '评估报告.pdf'],
    ] as const;
    for (const [kind, name] of kinds) await uploadPdf(page, kind, name);
    await expect.poll(() => checklist.textContent()).toContain('材料齐全');
    await screenshot(page, 'documents-pledge-complete');

    const office = await (await h.context()).newPage();
    await signIn(office, h.base, 'ipoffice');
    await office.goto(`${h.base}/#/pledges/${pledgeId}`);
    await office.getByTestId('document').first().waitFor();
    expect(await office.getByTestId('document').count()).toBe(4);
    await office.getByRole('button', { name: '办理质押登记' }).click();
    await office.getByLabel('质押登记号').fill('Y2026330000321');
    await office
      .getByRole('form', { name: '办理质押登记' })
      .getByRole('button', { name: /办理质押登记/ })
      .click();
    await office.getByText('已登记').first().waitFor();
    const registered = await api('GET', `/pledges/${pledgeId}`, await tokenOf('ipoffice'));
    expect(registered.status).toBe('registered');
  });
});
