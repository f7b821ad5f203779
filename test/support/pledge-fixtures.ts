import { expect } from 'vitest';
import { patentCheckCharacter } from '../../shared/domain/patent-number.js';
import { withUsccCheck } from '../../shared/domain/uscc.js';
import { ensurePledgeDocuments } from './documents.js';
import type { TestPortal } from './portal.js';

/** Fixtures for the pledge tests, created through the public API as a client would. */

export const office = { role: 'ipoffice' as const };
export const asEnterprise = (uscc: string) => ({ role: 'enterprise' as const, org: uscc });
export const asLender = (id: string) => ({ role: 'lender' as const, org: id });

/** A valid USCC in Yiwu (330782) with the given 9-character organisation code. */
export const yiwu = (org: string) => withUsccCheck(`91330782${org}`);

/** A valid post-2003 application number (year, type digit, serial), canonical form. */
export const patentNo = (year: number, type: number, serial: number) => {
  const body = `${year}${type}${String(serial).padStart(7, '0')}`;
  return `${body}.${patentCheckCharacter(body)}`;
};

/** The tests' "today": 2026-11-27 in Shanghai. */
export const FIXED_NOW = new Date('2026-11-27T04:00:00Z');

export function pledgeFixtures(portal: TestPortal) {
  let serial = 0;
  const nextSerial = () => ++serial;

  const enterprise = async (uscc: string) => {
    const res = await portal.call('PUT', `/enterprises/${uscc}`, {
      as: office,
      body: { name: `Enterprise ${uscc}` },
    });
    expect([200, 201]).toContain(res.status);
  };

  const institution = async (id: string, kind: 'lender' | 'insurer' = 'lender') => {
    const res = await portal.call('PUT', `/institutions/${id}`, { as: office, body: { kind, name: id } });
    expect([200, 201]).toContain(res.status);
  };

  /** A patent of `owner`; defaults: a granted invention filed 2020-03-01 (in force until 2040-02-29). */
  const patent = async (
    owner: string,
    opts: { type?: 1 | 2 | 3; year?: number; granted?: boolean; coOwners?: string[] } = {},
  ): Promise<string> => {
    const year = opts.year ?? 2020;
    const res = await portal.call('POST', `/enterprises/${owner}/assets`, {
      as: asEnterprise(owner),
      body: {
        kind: 'patent',
        number: patentNo(year, opts.type ?? 1, nextSerial()),
        title: 'A vacuum flask',
        filingDate: `${year}-03-01`,
        ...(opts.granted === false ? {} : { grantDate: `${year}-12-01` }),
        ...(opts.coOwners ? { coOwners: opts.coOwners } : {}),
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as string;
  };

  /** A trademark of `owner` registered 2020-05-01 (in force until 2030-04-30). */
  const trademark = async (owner: string): Promise<string> => {
    const n = nextSerial();
    const res = await portal.call('POST', `/enterprises/${owner}/assets`, {
      as: asEnterprise(owner),
      body: {
        kind: 'trademark',
        number: String(30_000_000 + n),
        // A mark of its own: the same mark twice would have to be pledged together.
        mark: `金华火腿${n}`,
        niceClasses: [29],
        registrationDate: '2020-05-01',
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as string;
  };

  const apply = (
    applicant: string,
    body: Partial<{
      lenderId: string;
      assetIds: string[];
      appraisedValueFen: number;
      requestedAmountFen: number;
      termMonths: number;
      purpose: string;
    }>,
    headers: Record<string, string> = {},
  ) =>
    portal.call('POST', '/pledges', {
      as: asEnterprise(applicant),
      headers,
      body: {
        lenderId: 'jinhua-bank',
        appraisedValueFen: 1_000_000_00,
        requestedAmountFen: 200_000_00,
        termMonths: 12,
        ...body,
      },
    });

  const act = (
    id: string,
    action: string,
    as: { role: 'enterprise' | 'lender' | 'ipoffice' | 'insurer'; org?: string },
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    // Registration needs the pledge's four documents (422 `document_missing` otherwise): every test that
    // registers through here gets them first, uploaded by the applicant as the portal's users would.
    const prepared = action === 'register' ? ensurePledgeDocuments(portal, id) : Promise.resolve();
    return prepared.then(() => portal.call('POST', `/pledges/${id}/${action}`, { as, body, headers }));
  };

  /** A pledge of `applicant`'s rights applied for, reviewed, approved (100 000 yuan at 4 %) and registered: its id. */
  const registered = async (
    applicant: string,
    { lenderId, assetIds, termMonths = 12 }: { lenderId: string; assetIds: string[]; termMonths?: number },
  ): Promise<string> => {
    const applied = await apply(applicant, { lenderId, assetIds, termMonths });
    expect(applied.status, JSON.stringify(applied.body)).toBe(201);
    const id = applied.body.id as string;
    const lender = asLender(lenderId);
    expect((await act(id, 'review', lender)).status).toBe(200);
    expect(
      (await act(id, 'approve', lender, { approvedAmountFen: 100_000_00, annualRateBps: 400 })).status,
    ).toBe(200);
    const done = await act(id, 'register', office, { registrationNumber: `Y2026${id.slice(0, 8)}` });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    return id;
  };

  return { enterprise, institution, patent, trademark, apply, act, registered };
}
