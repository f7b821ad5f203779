import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWeb } from '../../scripts/build-web.js';
import { todayInShanghai } from '../../shared/domain/dates.js';
import { patentCheckCharacter } from '../../shared/domain/patent-number.js';
import { withUsccCheck } from '../../shared/domain/uscc.js';
import { type Harness, SCREENSHOTS, screenshot, signIn, startHarness, uploadPdf } from './portal-harness.js';

/**
 * Every role's whole job, clicked through the local portal in headless Chromium: the IP office sets up a
 * bank and an insurer; a company registers itself and a patent (bad input first) and applies for a pledge
 * loan; the bank reviews and approves within the LTV cap; the IP office registers the pledge; the bank
 * disburses; the company — now in English — buys a policy and files a claim; the insurer issues and
 * settles; the IP office designates the company and reads the dashboard and its CSV.
 */
const COMPANY_FIRST17 = '91330782MA2A00011'; // registered in 义乌市 (330782)
const COMPANY = withUsccCheck(COMPANY_FIRST17);
const PATENT_DIGITS = '202010000042'; // type digit 1: invention
const PATENT = `ZL${PATENT_DIGITS}.${patentCheckCharacter(PATENT_DIGITS)}`;
const WRONG_CHECK = patentCheckCharacter(PATENT_DIGITS) === '0' ? '1' : '0';

let h: Harness;
const pages: Partial<Record<'company' | 'bank' | 'insurer' | 'office', Page>> = {};

beforeAll(async () => {
  h = await startHarness();
}, 180_000);

afterAll(async () => {
  await h?.close();
});

async function pageFor(who: 'company' | 'bank' | 'insurer' | 'office'): Promise<Page> {
  const existing = pages[who];
  if (existing) return existing;
  const page = await (await h.context()).newPage();
  pages[who] = page;
  const role = { company: 'enterprise', bank: 'lender', insurer: 'insurer', office: 'ipoffice' } as const;
  const org = { company: COMPANY, bank: 'jinhua-bank', insurer: 'jinhua-insurance', office: undefined }[who];
  await signIn(page, h.base, role[who], org);
  return page;
}

/** The text a user reads in an element (empty when it has none). */
const text = async (locator: Locator): Promise<string> => (await locator.textContent()) ?? '';
const alertText = (page: Page) => text(page.getByRole('alert').first());

// Generous limits: `npm test` runs this beside every other test file on two cores.
describe('web portal journeys (Chinese by default, English on switch)', { timeout: 60_000 }, () => {
  it('IP office: signs in and sets up a bank and an insurer', async () => {
    const office = await pageFor('office');
    await expect.poll(() => office.locator('html').getAttribute('lang')).toBe('zh-CN');
    await office.getByRole('link', { name: '金融机构' }).click();
    // Bad id first: the API's message shows on the page.
    await office.getByLabel('机构编号').fill('Jinhua Bank!');
    await office.getByLabel('名称', { exact: false }).fill('金华银行');
    await office.getByRole('button', { name: '保存' }).click();
    expect(await alertText(office)).toMatch(/id/i);

    await office.getByLabel('机构编号').fill('jinhua-bank');
    await office.getByRole('button', { name: '保存' }).click();
    await office.getByRole('cell', { name: 'jinhua-bank' }).waitFor();
    await office.getByLabel('机构编号').fill('jinhua-insurance');
    await office.getByLabel('类型').selectOption('insurer');
    await office.getByLabel('名称', { exact: false }).fill('金华财产保险');
    await office.getByRole('button', { name: '保存' }).click();
    await office.getByRole('cell', { name: 'jinhua-insurance' }).waitFor();
    // The bank's default caps are listed (invention 25%).
    expect(await text(office.getByRole('row', { name: /jinhua-bank/ }))).toContain('25%');
  });

  it('company: registers its profile and a patent, with the API’s validation messages for bad input', async () => {
    const company = await pageFor('company');
    await company.getByText('企业信息尚未登记').waitFor();
    await company.getByLabel('企业名称').fill('义乌市知识产权示范科技有限公司');
    await company.getByRole('button', { name: '保存' }).click();
    await company.getByText('已保存').waitFor();
    await company.getByText('330782', { exact: true }).waitFor();

    const form = company.getByRole('form', { name: '登记知识产权' });
    // A wrong check digit: the API refuses it and the page shows why, on the field.
    await form.getByLabel('申请号/注册号').fill(`${PATENT_DIGITS}.${WRONG_CHECK}`);
    await form.getByLabel('名称').fill('一种火腿腌制装置');
    await form.getByLabel('申请日').fill('2020-03-01');
    await form.getByLabel('授权公告日').fill('2021-06-01');
    await form.getByRole('button', { name: '登记知识产权' }).click();
    await expect.poll(() => form.getByLabel('申请号/注册号').getAttribute('aria-invalid')).toBe('true');
    const numberError = await text(form.locator('.field.invalid .error').first());
    expect(numberError).toMatch(/check/i);
    expect(await alertText(company)).toContain('请更正以下问题');

    // A trademark in Nice class 46 (there are 45): the API's message again.
    await form.locator('select[name=kind]').selectOption('trademark');
    await form.getByLabel('申请号/注册号').fill('31234567');
    await form.getByLabel('商标名称').fill('金华火腿');
    await form.getByLabel('尼斯分类').fill('29, 46');
    await form.getByLabel('注册日').fill('2020-01-15');
    await form.getByRole('button', { name: '登记知识产权' }).click();
    await expect.poll(() => form.getByLabel('尼斯分类').getAttribute('aria-invalid')).toBe('true');

    await form.locator('select[name=kind]').selectOption('patent');
    await form.getByLabel('申请号/注册号').fill(PATENT);
    await form.getByLabel('名称').fill('一种火腿腌制装置');
    await form.getByLabel('申请日').fill('2020-03-01');
    await form.getByLabel('授权公告日').fill('2021-06-01');
    await form.getByRole('button', { name: '登记知识产权' }).click();
    const row = company.locator(`tr[data-asset="${PATENT_DIGITS}.${patentCheckCharacter(PATENT_DIGITS)}"]`);
    await row.waitFor();
    const rowText = await text(row);
    expect(rowText).toContain('发明');
    expect(rowText).toContain('2040年2月29日'); // 20 years from filing, last day in force
    expect(rowText).toContain('未质押');
    await screenshot(company, 'company-portfolio-zh');
  });

  it('company: applies for a pledge loan (bad amounts first) and sees a refusal with its reason', async () => {
    const company = await pageFor('company');
    await company.getByRole('link', { name: '质押融资' }).click();
    await company.getByRole('checkbox').first().check();
    await company.getByLabel('评估价值').fill('1000000.123');
    await company.getByLabel('申请金额').fill('abc');
    await company.getByRole('button', { name: '申请质押贷款' }).click();
    expect(await alertText(company)).toContain('金额最多保留两位小数');
    await expect.poll(() => company.getByLabel('申请金额').getAttribute('aria-invalid')).toBe('true');

    await company.getByLabel('评估价值').fill('1,000,000');
    await company.getByLabel('申请金额').fill('300000');
    await company.getByLabel('资金用途').fill('扩大生产');
    await company.getByRole('button', { name: '申请质押贷款' }).click();
    await company.getByText('申请已提交').waitFor();
    await company.getByRole('cell', { name: '已提交' }).first().waitFor();

    // The same patent again: refused (422) with the reason for that asset.
    await company.getByRole('checkbox').first().check();
    await company.getByLabel('评估价值').fill('500000');
    await company.getByLabel('申请金额').fill('100000');
    await company.getByRole('button', { name: '申请质押贷款' }).click();
    expect(await alertText(company)).toContain('申请未通过');
    await company.locator('.check .error').first().waitFor();
  });

  it('bank: reviews, sees the LTV cap, is refused above it, then approves', async () => {
    const bank = await pageFor('bank');
    await bank.getByRole('cell', { name: COMPANY }).waitFor();
    await screenshot(bank, 'bank-queue-zh');
    await bank.getByRole('link', { name: '详情' }).first().click();
    await bank.getByRole('button', { name: '开始审核' }).click();
    await bank.getByRole('heading', { name: /审核中/ }).waitFor();
    await bank.getByRole('button', { name: '批准', exact: true }).click();
    const ltv = await text(bank.getByTestId('ltv'));
    expect(ltv).toContain('25%');
    expect(ltv).toContain('25万元'); // 25% of an appraised 1,000,000 元
    await expect.poll(() => bank.getByLabel('批准金额').inputValue()).toBe('250000');
    await bank.getByLabel('批准金额').fill('260000');
    await bank.getByLabel('年利率').fill('3.85');
    await bank.getByRole('button', { name: '批准 ✓' }).click();
    expect(await alertText(bank)).toMatch(/approvedAmountFen|LTV|cap|loan-to-value/i);
    await bank.getByLabel('批准金额').fill('250000');
    await bank.getByRole('button', { name: '批准 ✓' }).click();
    await bank.getByRole('heading', { name: /已批准/ }).waitFor();
    expect(await text(bank.locator('.facts').first())).toContain('3.85%');
  });

  it('company: sees what the registration still needs and uploads its four documents', async () => {
    const company = await pageFor('company');
    await company.getByRole('link', { name: '质押融资' }).click();
    await company.getByRole('link', { name: '详情' }).first().click();
    await company.getByRole('heading', { name: /已批准/ }).waitFor();
    const checklist = company.getByTestId('checklist-register');
    await expect.poll(() => text(checklist)).toContain('评估报告');
    await uploadPdf(company, 'pledge_contract', '质押合同.pdf');
    await uploadPdf(company, 'registration_form', '质押登记申请表.pdf');
    await uploadPdf(company, 'identity_proof', '营业执照.pdf');
    await uploadPdf(company, 'appraisal_report', '评估报告.pdf');
    await expect.poll(() => text(checklist)).toContain('材料齐全');
  });

  it('IP office: registers the approved pledge from its queue', async () => {
    const office = await pageFor('office');
    await office.getByRole('link', { name: '质押登记' }).click();
    await office.getByRole('button', { name: '已批准', pressed: true }).waitFor();
    await office.getByRole('cell', { name: COMPANY }).waitFor();
    await screenshot(office, 'ipoffice-registration-zh');
    await office.getByRole('link', { name: '详情' }).first().click();
    await office.getByRole('button', { name: '办理质押登记' }).click();
    // The number CNIPA issued, typed by the clerk: the portal records it, it does not invent one.
    await office.getByLabel('质押登记号').fill('Y2026330000123');
    await office.getByRole('button', { name: '办理质押登记 ✓' }).click();
    await office.getByRole('heading', { name: /已登记/ }).waitFor();
    expect(await text(office.locator('.facts').first())).toContain('Y2026330000123');
  });

  it('bank: disburses the registered loan', async () => {
    const bank = await pageFor('bank');
    await bank.reload();
    await bank.getByRole('heading', { name: /已登记/ }).waitFor();
    await bank.getByRole('button', { name: '放款' }).click();
    await bank.getByRole('button', { name: '放款 ✓' }).click();
    await bank.getByRole('heading', { name: /已放款/ }).waitFor();
    const history = await text(bank.locator('.history'));
    for (const step of ['提交申请', '开始审核', '批准', '办理质押登记', '放款'])
      expect(history).toContain(step);
    // Who acted, by name with the code beside it.
    expect(history).toContain(`义乌市知识产权示范科技有限公司（${COMPANY}）`);
    expect(history).toContain('金华银行（jinhua-bank）');
  });

  it('bank: sees the loan’s schedule and records a repayment', async () => {
    const bank = await pageFor('bank');
    const loan = bank.getByTestId('loan');
    await loan.getByRole('heading', { name: '还款计划' }).waitFor();
    expect(await text(loan.locator('table').first())).toContain('待还');
    await loan.getByLabel('金额（元）').fill('1000');
    await loan.getByRole('button', { name: '登记还款' }).click();
    await loan.getByText('暂无还款').waitFor({ state: 'detached' });
    expect(await text(loan.locator('table').nth(1))).toContain('1,000.00');
  });

  it('IP office records a court preservation on the pledged patent; the bank’s collateral watch shows it', async () => {
    const office = await pageFor('office');
    await office.reload();
    await office.getByRole('link', { name: /^2020/ }).first().click();
    await office.getByRole('heading', { name: /权利法律状态/ }).waitFor();
    await office.getByLabel('事件类型').selectOption('preservation_ordered');
    await office.getByLabel('发生日期').fill('2026-01-05');
    await office.getByLabel('法院').fill('金华市中级人民法院');
    await office.getByRole('button', { name: '登记法律事件' }).click();
    await office.getByTestId('legal-events').getByText('财产保全').waitFor();
    // A date after today: the API's refusal shows on the page and nothing is recorded.
    await office.getByLabel('发生日期').fill('2099-01-01');
    await office.getByRole('button', { name: '登记法律事件' }).click();
    // In the page's language, from the item's code (the API's English stays for API clients).
    expect(await alertText(office)).toContain('日期不能晚于今天');
    expect(await text(office.getByTestId('legal-events'))).toContain('财产保全');
    expect(await text(office.locator('.facts').first())).toContain('司法保全');
    await screenshot(office, 'ipoffice-legal-status-zh');

    expect(await h.runMonitorJob()).toMatch(/1 alert\(s\) raised/);
    const bank = await pageFor('bank');
    await bank.getByRole('link', { name: '押品监控' }).click();
    const watch = await text(bank.locator('table'));
    expect(watch).toContain('被司法保全');
    expect(watch).toContain('司法保全');
    await screenshot(bank, 'bank-collateral-watch-zh');

    // Lifted again: the right is in force, as the rest of the journey expects.
    await office.getByLabel('事件类型').selectOption('preservation_lifted');
    await office.getByLabel('发生日期').fill('2026-01-06');
    await office.getByRole('button', { name: '登记法律事件' }).click();
    await office.getByTestId('legal-events').getByText('解除保全').waitFor();
  });

  it('company (in English): follows the pledge, buys a policy', async () => {
    const company = await pageFor('company');
    await company.getByRole('button', { name: '切换到英文' }).click();
    await expect.poll(() => company.locator('html').getAttribute('lang')).toBe('en');
    // The inbox: approval, registration, disbursement and the monitor's alert on its patent, unread; opening one
    // leads to the loan and reads it.
    await company.getByRole('link', { name: 'Pledge loans' }).click();
    const inboxLink = company.getByTestId('inbox-link');
    await inboxLink.getByText('4 unread').waitFor({ state: 'attached' });
    await inboxLink.click();
    await company.getByRole('heading', { name: 'Notifications', exact: true }).waitFor();
    const items = await text(company.locator('ul.inbox'));
    for (const news of ['Loan disbursed', 'Pledge registered', 'Pledge loan approved'])
      expect(items).toContain(news);
    // E-mail too, from now on (locally the mail goes to the outbox file).
    await company.getByLabel('E-mail address').fill('cfo@ham.example');
    await company.getByRole('button', { name: 'Send me e-mail' }).click();
    await company.getByTestId('email-to').getByText('cfo@ham.example').waitFor();
    await screenshot(company, 'company-inbox-en');
    await company.getByRole('button', { name: 'Loan disbursed' }).click();
    await company.getByTestId('loan').waitFor();
    await inboxLink.getByText('3 unread').waitFor({ state: 'attached' });

    await company.getByRole('link', { name: 'Pledge loans' }).click();
    await company.getByRole('cell', { name: 'Disbursed' }).waitFor();
    // Its loan: the schedule, the next instalment and the bank's repayment of 1,000 元.
    await company.getByRole('link', { name: 'Details' }).first().click();
    const loan = company.getByTestId('loan');
    await loan.getByText('Next instalment').waitFor();
    expect(await text(loan.locator('table').nth(1))).toContain('1,000.00');
    await screenshot(company, 'company-loan-en');

    await company.getByRole('link', { name: 'IP insurance' }).click();
    await company.getByRole('checkbox', { name: /一种火腿腌制装置/ }).check();
    await company.getByRole('checkbox', { name: 'Enforcement cost' }).check();
    await company.getByLabel('Enforcement cost · Sum insured').fill('500000');
    await company.getByLabel('Enforcement cost · Deductible').fill('1000.5');
    await company.getByRole('button', { name: 'Apply for insurance' }).click();
    await company.getByText('Application submitted').waitFor();
    await company.getByRole('cell', { name: 'Applied' }).waitFor();
    await screenshot(company, 'company-insurance-en');
  });

  it('insurer (in English): issues the policy with a premium', async () => {
    const insurer = await pageFor('insurer');
    await insurer.getByRole('button', { name: '切换到英文' }).click();
    await insurer.getByRole('cell', { name: COMPANY }).waitFor();
    await screenshot(insurer, 'insurer-underwriting-en');
    await insurer.getByRole('link', { name: 'Details' }).first().click();
    await insurer.getByRole('button', { name: 'Issue policy' }).click();
    await insurer.getByLabel('Premium').fill('-5');
    await insurer.getByRole('button', { name: 'Issue policy ✓' }).click();
    expect(await alertText(insurer)).toContain('Enter the amount as digits');
    await insurer.getByLabel('Premium').fill('5000');
    await insurer.getByRole('button', { name: 'Issue policy ✓' }).click();
    await insurer.getByRole('heading', { name: /Active/ }).waitFor();
    const history = await text(insurer.locator('.history'));
    expect(history).toContain(`义乌市知识产权示范科技有限公司 (${COMPANY})`);
    expect(history).toContain('金华财产保险 (jinhua-insurance)');
    // The company's finance manager opted in: the issue reaches the outbox (SES's local stand-in).
    await expect
      .poll(async () => readFile(join(h.dataDir, 'outbox.jsonl'), 'utf8').catch(() => ''), {
        timeout: 15_000,
      })
      .toContain('The insurance policy was issued');
    const mailed = (await readFile(join(h.dataDir, 'outbox.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(mailed.every((m: { to: string }) => m.to === 'cfo@ham.example')).toBe(true);
  });

  it('company (in English): files a claim on the active policy', async () => {
    const company = await pageFor('company');
    await company.reload();
    await company.getByRole('link', { name: 'Details' }).first().click();
    await company.getByRole('heading', { name: /Active/ }).waitFor();
    await company.getByText('File a claim').first().click();
    await company.getByLabel('Amount claimed').fill('20000');
    await company
      .getByLabel('What happened')
      .fill('A competitor copied the device; enforcement costs incurred.');
    await company.getByRole('button', { name: 'File a claim' }).click();
    await company.getByText('Claim filed').waitFor();
    await company.locator('article.claim').getByText('Filed').waitFor();
    // The insurer settles only with the claim's evidence.
    await expect.poll(() => text(company.getByTestId('checklist-settle'))).toContain('Claim evidence');
    await uploadPdf(company, 'claim_evidence', 'evidence.pdf', 'en');
  });

  it('insurer: settles the claim from its claims queue', async () => {
    const insurer = await pageFor('insurer');
    await insurer.getByRole('link', { name: 'Claims', exact: true }).click();
    await insurer.getByRole('cell', { name: COMPANY }).waitFor();
    await insurer.getByRole('link', { name: 'Details' }).first().click();
    // Offered: what the claim may be paid — 20 000 less this line's deductible of 1 000.50, taken off each claim.
    await expect.poll(() => insurer.getByLabel('Amount').inputValue()).toBe('18999.5');
    await insurer.getByLabel('Amount').fill('10000');
    await insurer.getByRole('button', { name: 'Settle' }).click();
    await insurer.locator('article.claim').getByText('Paid', { exact: true }).waitFor();
    expect(await text(insurer.locator('article.claim'))).toContain('Amount paid: CNY 10,000.00');
  });

  it('company (in English): renews its policy from the day after the period, once', async () => {
    const company = await pageFor('company');
    await company.getByRole('link', { name: 'IP insurance' }).click();
    await company.getByRole('link', { name: 'Details' }).first().click();
    await company.getByRole('heading', { name: /Active/ }).waitFor();
    await company.getByRole('button', { name: 'Renew' }).click();
    await company.getByRole('heading', { name: /Applied/ }).waitFor();
    expect(await text(company.locator('dl.facts'))).toContain('Renews');
    await company.locator('dl.facts a[href*="policies/"]').first().click();
    await company.getByRole('heading', { name: /Active/ }).waitFor();
    expect(await text(company.locator('dl.facts'))).toContain('Renewed by');
    expect(await company.getByRole('button', { name: 'Renew' }).count()).toBe(0);
  });

  it('bank: sets its own credit terms, refused while the classification thresholds are out of order', async () => {
    const bank = await pageFor('bank');
    await bank.getByRole('link', { name: '授信政策' }).click();
    const form = bank.getByRole('form', { name: '本行授信政策' });
    // The caps in force (the defaults) fill the form.
    await expect.poll(() => form.getByLabel('发明').inputValue()).toBe('25');
    await form.getByLabel('发明').fill('30');
    await form.getByLabel('罚息利率（合同利率的 %）').fill('140');
    for (const [label, days] of [
      ['关注', '1'],
      ['次级', '91'],
      ['可疑', '90'],
      ['损失', '361'],
    ] as const)
      await form.getByLabel(label).fill(days);
    await form.getByRole('button', { name: '保存' }).click();
    expect(await alertText(bank)).toContain('各级分类的起始天数须逐级递增'); // from the code, in Chinese
    await form.getByLabel('可疑').fill('181');
    await form.getByRole('button', { name: '保存' }).click();
    await form.getByText('已保存').waitFor();
    await bank.reload();
    await expect.poll(() => form.getByLabel('发明').inputValue()).toBe('30');
    expect(await form.getByLabel('罚息利率（合同利率的 %）').inputValue()).toBe('140');
    expect(await form.getByLabel('可疑').inputValue()).toBe('181');
    await screenshot(bank, 'bank-terms-zh');
  });

  it('IP office: sets the interest subsidy and the risk pool, refused when the shares do not add up', async () => {
    const office = await pageFor('office');
    await office.getByRole('link', { name: '扶持政策' }).click();
    const subsidy = office.getByRole('form', { name: '贷款贴息' });
    await subsidy.getByLabel('贴息比例（%）').fill('50');
    await subsidy.getByLabel('每家企业上限（元）').fill('100000');
    await subsidy.getByRole('button', { name: '保存' }).click();
    await office.getByTestId('subsidy-total').waitFor();
    const pool = office.getByRole('form', { name: '风险补偿资金池分担比例（%）' });
    for (const [label, share] of [
      ['资金池', '40'],
      ['银行', '30'],
      ['保险', '20'],
      ['评估机构', '5'],
    ] as const)
      await pool.getByLabel(label).fill(share);
    await pool.getByRole('button', { name: '保存' }).click();
    await pool
      .getByText(/9500 bps, not 10000/)
      .first()
      .waitFor();
    await pool.getByLabel('评估机构').fill('10');
    await pool.getByRole('button', { name: '保存' }).click();
    await pool.getByText('已保存').waitFor();
  });

  it('company applies for a title; the office nominates and publishes it; a bank objects; the office resolves', async () => {
    const company = await pageFor('company'); // in English since it bought its policy
    await company.getByRole('link', { name: 'Designation programme' }).click();
    await company.locator('form select[name=level]').selectOption('provincial_advantage');
    await company.getByRole('button', { name: 'Apply', exact: true }).click();
    await company.getByText('Application submitted').waitFor();
    const mine = company.locator('article.designation').first();
    await mine.getByText('Applied').waitFor();
    expect(await text(mine)).toContain('Score');
    await screenshot(company, 'programme-company-en');

    const office = await pageFor('office');
    await office.getByRole('link', { name: '示范优势企业' }).click();
    const candidate = () => office.locator('article.designation', { hasText: COMPANY }).first();
    await office.getByRole('button', { name: '已申报', exact: true }).click();
    await candidate().getByRole('button', { name: '推荐' }).click();
    await office.getByRole('button', { name: '已推荐', exact: true }).click();
    await candidate().getByRole('button', { name: '公示' }).click();
    await office.getByRole('button', { name: '公示中', exact: true }).click();
    await candidate().getByText('公示期').waitFor();

    const bank = await pageFor('bank');
    await bank.getByRole('link', { name: '认定公示' }).click();
    const notice = bank.locator('article.designation', { hasText: COMPANY });
    await notice.getByLabel('异议理由').fill('该企业的商标存在权属争议。');
    await notice.getByRole('button', { name: '提出异议' }).click();
    await bank.getByText('异议已提交').waitFor();
    await screenshot(bank, 'programme-notices-zh');

    await office.getByRole('button', { name: '全部', exact: true }).click();
    await office.getByRole('button', { name: '公示中', exact: true }).click();
    await candidate().getByText('该企业的商标存在权属争议。').waitFor();
    // Not yet: the notice runs seven days, and the objection is open.
    await candidate().getByRole('button', { name: '确认认定' }).click();
    await candidate()
      .getByText(/公示期至 .+，期满后方可确认/)
      .waitFor();
    await candidate().getByLabel('不予认定理由 / 处理意见').fill('经核实，权属争议已了结。');
    await candidate().getByRole('button', { name: '驳回异议 1' }).click();
    await candidate().getByText('已驳回').waitFor();
    await screenshot(office, 'programme-office-zh');
  });

  it('IP office: designates the company, then reads the dashboard and downloads the CSV', async () => {
    const office = await pageFor('office');
    await office.getByRole('link', { name: '示范优势企业' }).click();
    await office.getByLabel('企业统一社会信用代码').fill(COMPANY);
    // National demonstration (the form's first level) follows three years as a national advantage enterprise.
    await office.getByRole('button', { name: '新增认定' }).click();
    await office.getByText('国家知识产权示范企业须先为有效的国家知识产权优势企业').first().waitFor();
    await office.locator('form select[name=level]').selectOption('provincial_demonstration');
    await office.getByRole('button', { name: '新增认定' }).click();
    await office.getByText('认定已创建').waitFor();
    await office.locator('article.designation').getByText('省级知识产权示范企业').waitFor();

    await h.runStatsJob();
    await office.getByRole('link', { name: '统计分析' }).click();
    const tiles = await text(office.locator('.tiles').first());
    expect(tiles).toContain('25万元'); // new pledge financing
    expect(tiles).toContain('50万元'); // sum insured
    expect(tiles).toContain('1万元'); // claims paid: 10,000 元
    const county = await text(office.locator('figure[data-chart="financing-by-county"]'));
    expect(county).toContain('义乌市');
    const byLine = await text(office.locator('figure[data-chart="insurance-by-line"]'));
    expect(byLine).toContain('维权费用');
    // Every chart is drawn by ECharts (SVG renderer), fetched on this page only.
    await expect.poll(() => office.locator('figure[data-chart] .chart-canvas svg').count()).toBe(8);
    // The loan book: 25万元 disbursed, 1,000 元 prepaid off the principal, nothing overdue yet.
    const byBank = await text(office.locator('table[data-loan-book="lender"]'));
    expect(byBank).toContain('金华银行');
    expect(byBank).toContain('24.9万元');
    const byCounty = await text(office.locator('table[data-loan-book="county"]'));
    expect(byCounty).toContain('义乌市');
    await screenshot(office, 'ipoffice-dashboard-zh');

    const [download] = await Promise.all([
      office.waitForEvent('download'),
      office.getByRole('button', { name: '下载 CSV' }).click(),
    ]);
    const csv = await readFile((await download.path())!, 'utf8');
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    expect(csv).toMatch(/25000000/); // 250,000 元 in fen

    // A figure opens the records it counts: the one registration of 25万元, by the company, narrowed by county.
    await office.getByRole('link', { name: '新增质押融资额' }).click();
    const records = office.locator('table[data-testid="records"] tbody tr');
    await records.first().waitFor();
    expect(await records.count()).toBe(1);
    expect(await text(records.first())).toContain('25万元');
    await office.getByLabel('县市区').selectOption('330702');
    await expect.poll(() => records.count()).toBe(0);
    await office.getByLabel('县市区').selectOption('330782');
    await expect.poll(() => records.count()).toBe(1);
    await screenshot(office, 'ipoffice-records-zh');
  });

  it('IP office: the trend shows this year month by month against last year; a month opens its records and their CSV', async () => {
    const office = await pageFor('office');
    await office.getByRole('link', { name: '统计分析', exact: true }).click();
    // The one registration, 25万元 on today's business date: this year's months up to today, last year's beside.
    const today = todayInShanghai(new Date());
    const [year, month] = [Number(today.slice(0, 4)), Number(today.slice(5, 7))];
    const amount = office.locator('figure[data-chart="trend-amount"]');
    await amount.locator('.chart-canvas svg').waitFor();
    expect(await text(amount.locator('figcaption'))).toContain(`${year} / ${year - 1}`);
    await amount.locator('summary', { hasText: '图表数据' }).click();
    const rows = amount.locator('tbody tr');
    expect(await rows.count()).toBe(month);
    expect(await text(amount.locator('thead'))).toBe(`月份${year}${year - 1}`);
    for (let m = 1; m <= month; m++)
      expect(await text(rows.nth(m - 1))).toBe(`${m}月${m === month ? '25万元' : '0.00元'}0.00元`);
    const count = office.locator('figure[data-chart="trend-count"]');
    await count.locator('summary', { hasText: '图表数据' }).click();
    expect(await text(count.locator('tbody tr').nth(month - 1))).toBe(`${month}月10`);
    await screenshot(office, 'ipoffice-dashboard-trend-zh');

    // The chart's own data as CSV: months and 元, this year and last.
    const [chartCsv] = await Promise.all([
      office.waitForEvent('download'),
      amount.getByRole('button', { name: /下载图表数据 CSV/ }).click(),
    ]);
    expect(chartCsv.suggestedFilename()).toBe('trend-amount.csv');
    const chartLines = (await readFile((await chartCsv.path())!, 'utf8'))
      .replace(/^\uFEFF/, '')
      .split('\r\n');
    expect(chartLines[0]).toBe(`月份,${year} (元),${year - 1} (元)`);
    expect(chartLines[month]).toBe(`${month}月,250000,0`);
    expect(chartLines).toHaveLength(month + 2); // header, the months, the final line break

    // This month's figure opens its records, narrowed to the month; their CSV holds every page.
    await rows
      .nth(month - 1)
      .getByRole('link', { name: '25万元' })
      .click();
    const records = office.locator('table[data-testid="records"] tbody tr');
    await expect.poll(() => records.count()).toBe(1);
    const ym = today.slice(0, 7);
    expect(await office.getByLabel('月份（YYYY-MM）').inputValue()).toBe(ym);
    const [recordsCsv] = await Promise.all([
      office.waitForEvent('download'),
      office.getByRole('button', { name: '下载全部明细 CSV（所有页）' }).click(),
    ]);
    expect(recordsCsv.suggestedFilename()).toBe(
      `ip-finance-records-financing.byMonth-year-${year}-month-${ym}.csv`,
    );
    const lines = (await readFile((await recordsCsv.path())!, 'utf8')).replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe(
      'pledgeId,registeredOn,registeredAt,applicant,divisionCode,lenderId,amountYuan,firstTime',
    );
    expect(lines).toHaveLength(3);
    const [pledgeId, registeredOn, , applicant, division, lender, yuan, first] = lines[1]!.split(',');
    expect(await text(records.first())).toContain(pledgeId!);
    expect([registeredOn, applicant, division, lender, yuan, first]).toEqual([
      today,
      COMPANY,
      '330782',
      'jinhua-bank',
      '250000',
      'true',
    ]);
    await screenshot(office, 'ipoffice-records-month-zh');
    // Last year's month has no records.
    await office.getByLabel('月份（YYYY-MM）').fill(`${year - 1}-${today.slice(5, 7)}`);
    await expect.poll(() => records.count()).toBe(0);
  });

  it('IP office: the loan book and the loss ratio open the records behind them', async () => {
    const office = await pageFor('office');
    await office.getByRole('link', { name: '统计分析', exact: true }).click();
    const records = office.locator('table[data-testid="records"] tbody tr');
    // The one loan in the book: 25万元 disbursed, 1,000 元 prepaid, so 24.9万元 of principal outstanding.
    await office.getByRole('link', { name: '贷款余额（本金）' }).click();
    await expect.poll(() => records.count()).toBe(1);
    expect(await text(records.first())).toContain('24.9万元');
    await office.locator('select[name=lender]').selectOption('jinhua-bank');
    await expect.poll(() => records.count()).toBe(1);
    await office.getByLabel('县市区').selectOption('330702');
    await expect.poll(() => records.count()).toBe(0);
    // Nothing is overdue yet: the overdue amount's records are none.
    await office.getByRole('link', { name: '统计分析', exact: true }).click();
    await office.getByRole('link', { name: '逾期贷款' }).first().click();
    await office.getByText('暂无记录').waitFor();
    expect(await records.count()).toBe(0);
    // The loss ratio divides the claims paid (the 1万元 settlement) by the premiums: both kinds of record.
    await office.getByRole('link', { name: '统计分析', exact: true }).click();
    await office.getByRole('link', { name: '赔付率' }).click();
    await expect.poll(() => records.count()).toBeGreaterThanOrEqual(2);
    expect(await text(office.locator('table[data-testid="records"]'))).toContain('1万元');
    await screenshot(office, 'ipoffice-records-loss-ratio-zh');
  });

  it('loads ECharts only on the dashboard: the sign-in page and the other pages never request its chunk', async () => {
    const context = await h.context();
    const page = await context.newPage();
    const requested: string[] = [];
    page.on('request', (r) => requested.push(r.url()));
    await signIn(page, h.base, 'ipoffice');
    await page.getByRole('link', { name: '示范优势企业' }).click();
    await page.getByRole('link', { name: '金融机构' }).click();
    await page.getByRole('heading', { level: 1 }).waitFor();
    const assets = requested.filter((u) => u.includes('/web-assets/'));
    expect(assets.length).toBeGreaterThan(0);
    expect(assets.filter((u) => /echarts/.test(u))).toEqual([]);
    await page.getByRole('link', { name: '统计分析' }).click();
    await page.locator('figure[data-chart] .chart-canvas svg').first().waitFor();
    expect(requested.filter((u) => /\/web-assets\/echarts-setup-[\w-]+\.js$/.test(u))).toHaveLength(1);
    await context.close();
  });

  it('is usable on a phone: the dashboard in English at 390 px wide', async () => {
    const context = await h.context({ phone: true });
    const phone = await context.newPage();
    await signIn(phone, h.base, 'ipoffice');
    await phone.getByRole('button', { name: '切换到英文' }).click();
    await phone.getByRole('link', { name: 'Statistics' }).click();
    await phone.getByRole('link', { name: 'New pledge financing' }).waitFor();
    await phone.locator('figure[data-chart="trend-amount"] .chart-canvas svg').waitFor();
    const overflow = Number(
      // A string: this file is type-checked without the DOM library.
      await phone.evaluate('document.documentElement.scrollWidth - window.innerWidth'),
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(phone, 'ipoffice-dashboard-phone-en');
    await context.close();
  });

  it('is usable on a phone: the bank’s queue at 390 px, each loan a card with its details link', async () => {
    const context = await h.context({ phone: true });
    const phone = await context.newPage();
    await signIn(phone, h.base, 'lender', 'jinhua-bank');
    await phone.getByRole('button', { name: '全部' }).click();
    const details = phone.getByRole('link', { name: '详情' }).first();
    await details.waitFor();
    const box = await details.boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    const overflow = Number(await phone.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(phone, 'bank-queue-phone-zh');
    await context.close();
  });

  it('signs out at Cognito’s logout URL when config.json names one (Cognito publishes no end-session endpoint)', async () => {
    const context = await h.context();
    const config = (await (await fetch(`${h.base}/config.json`)).json()) as { clientId: string };
    const logout = `${h.base}/cognito-logout`;
    await context.route('**/config.json', (route) =>
      route.fulfill({ json: { ...config, signOutUrl: logout } }),
    );
    let called: URL | undefined;
    await context.route(`${logout}**`, (route) => {
      called = new URL(route.request().url());
      return route.fulfill({ contentType: 'text/html', body: '<p>signed out</p>' });
    });
    const page = await context.newPage();
    await signIn(page, h.base, 'ipoffice');
    await page.getByRole('button', { name: '退出' }).click();
    await expect.poll(() => called?.searchParams.get('client_id')).toBe(config.clientId);
    expect(called?.searchParams.get('logout_uri')).toBe(`${h.base}/`);
    await context.close();
  });
  it('serves the API reference at /docs: every operation, from the portal alone, within its CSP', async () => {
    const context = await h.context();
    // As deployed: CloudFront serves the API under /api/ (the stage takes the prefix off), emulated here.
    await context.route(`${h.base}/api/**`, async (route) => {
      const response = await route.fetch({
        url: route.request().url().replace(`${h.base}/api/`, `${h.base}/`),
      });
      await route.fulfill({ response });
    });
    const page = await context.newPage();
    const elsewhere: string[] = [];
    const blocked: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(h.base) && !r.url().startsWith('data:')) elsewhere.push(r.url());
    });
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) blocked.push(m.text());
    });
    await page.goto(`${h.base}/api/docs`);
    const operations = Object.values(
      ((await (await fetch(`${h.base}/openapi.json`)).json()) as { paths: Record<string, object> }).paths,
    ).flatMap((ops) => Object.keys(ops)).length;
    await page
      .locator('.opblock')
      .nth(operations - 1)
      .waitFor();
    expect(await page.locator('.opblock').count()).toBe(operations);
    await page.getByText('/pledges/{id}/approve', { exact: true }).first().click();
    await page.getByText('Idempotency-Key').first().waitFor();
    // "Try it out" calls the API the document came from, under /api/ (its server URL is relative to the document).
    const health = page.locator('.opblock', { hasText: '/healthz' }).first();
    await health.locator('.opblock-summary').click();
    await health.getByRole('button', { name: 'Try it out' }).click();
    const [called] = await Promise.all([
      page.waitForRequest((r) => r.url().endsWith('/healthz')),
      health.getByRole('button', { name: 'Execute' }).click(),
    ]);
    expect(called.url()).toBe(`${h.base}/api/healthz`);
    await health.locator('.responses-table .response-col_status', { hasText: '200' }).first().waitFor();
    expect(elsewhere).toEqual([]);
    expect(blocked).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'api-reference.png') });
    await context.close();
  });
});

describe('the one build of the web portal', () => {
  it('signs in only through the configured provider: no token is minted by a page', async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'web-build-'));
    try {
      await buildWeb({ outDir, log: () => {} });
      const assets = await readdir(join(outDir, 'web-assets'));
      const bundles = assets.filter((f) => f.endsWith('.js'));
      expect(bundles.length).toBeGreaterThan(0);
      const code = await Promise.all(bundles.map((f) => readFile(join(outDir, 'web-assets', f), 'utf8')));
      for (const bundle of code) expect(bundle).not.toContain('local/token');
      // The entry bundle reads the deployment's configuration and runs the authorization-code flow with PKCE.
      const entry = code[bundles.findIndex((f) => f.startsWith('index-'))]!;
      expect(entry).toContain('config.json');
      expect(entry).toContain('code_challenge');
    } finally {
      await rm(outDir, { recursive: true, force: true });
    }
  }, 180_000);
});
