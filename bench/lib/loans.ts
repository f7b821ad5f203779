import { CHECKLISTS } from '../../shared/domain/document.js';
import { attachDocuments } from './documents.js';
import type { BenchPortal, Caller } from './portal.js';
import { nextSerial, patentNumber, usccOf } from './util.js';

/**
 * `count` active pledge loans of one enterprise with one bank, each taken through the whole life cycle by the
 * public API (apply → review → approve → register → disburse): the loan book a servicing run reads.
 */
export async function openActiveLoans(portal: BenchPortal, count: number, tag: string): Promise<string[]> {
  const uscc = usccOf(`MC${tag.padStart(7, '0').slice(-7)}`);
  const lender = `bench-book-${tag.toLowerCase()}`;
  const office: Caller = { role: 'ipoffice' };
  const company: Caller = { role: 'enterprise', org: uscc };
  const bank: Caller = { role: 'lender', org: lender };
  const ok = async (method: string, path: string, as: Caller, body?: unknown) => {
    const res = await portal.call(method, path, as, body);
    if (res.status >= 300)
      throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body as { id?: string };
  };
  await ok('PUT', `/institutions/${lender}`, office, { kind: 'lender', name: 'Loan book bank' });
  await ok('PUT', `/enterprises/${uscc}`, office, { name: 'Loan book Co.' });
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const asset = await ok('POST', `/enterprises/${uscc}/assets`, company, {
      kind: 'patent',
      number: patentNumber(2021, 1, nextSerial()),
      title: 'A thermos lid',
      filingDate: '2021-03-02',
      grantDate: '2022-05-10',
    });
    const pledge = await ok('POST', '/pledges', company, {
      lenderId: lender,
      assetIds: [asset.id],
      appraisedValueFen: 100_000_000,
      requestedAmountFen: 10_000_000,
      termMonths: 12,
    });
    const id = pledge.id as string;
    await ok('POST', `/pledges/${id}/review`, bank, {});
    await ok('POST', `/pledges/${id}/approve`, bank, {
      approvedAmountFen: 10_000_000,
      annualRateBps: 450,
      repaymentType: 'equal_instalment',
    });
    await attachDocuments(ok, { kind: 'pledge', id }, CHECKLISTS['pledge.register'], company);
    await ok('POST', `/pledges/${id}/register`, office, {
      registrationNumber: `Y2026330${String(i).padStart(6, '0')}`,
    });
    await ok('POST', `/pledges/${id}/disburse`, bank, {});
    ids.push(id);
  }
  return ids;
}
