import { expect } from 'vitest';
import { patentCheckCharacter } from '../../shared/domain/patent-number.js';
import { withUsccCheck } from '../../shared/domain/uscc.js';
import type { TestPortal } from './portal.js';

/** Fixtures for the insurance tests, all made through the public HTTP API. */
export const office = { role: 'ipoffice' as const };
export const asEnterprise = (uscc: string) => ({ role: 'enterprise' as const, org: uscc });
export const asInsurer = (id: string) => ({ role: 'insurer' as const, org: id });
export const asLender = (id: string) => ({ role: 'lender' as const, org: id });

/** A valid USCC in Jinhua's Wucheng district (330702) with a 9-character organisation code. */
export const wucheng = (org: string) => withUsccCheck(`91330702${org}`);

let serial = Math.floor(Math.random() * 1_000_000);
const nextSerial = () => ++serial;

export const patentNo = (year: number, type: number) => {
  const body = `${year}${type}${String(nextSerial()).padStart(7, '0')}`;
  return `${body}.${patentCheckCharacter(body)}`;
};

export interface Parties {
  holder: string;
  other: string;
  coOwner: string;
  insurer: string;
  otherInsurer: string;
  lender: string;
  notInsurer: string;
}

let partySeq = 0;
/** Registers two enterprises, a co-owner, two insurers and a lender (ids unique per call). */
export async function setupParties(portal: TestPortal): Promise<Parties> {
  const n = String(++partySeq).padStart(3, '0');
  const parties: Parties = {
    holder: wucheng(`MA1P00${n}`),
    other: wucheng(`MA2P00${n}`),
    coOwner: wucheng(`MA3P00${n}`),
    insurer: `picc-${n}`,
    otherInsurer: `cpic-${n}`,
    lender: `bank-${n}`,
    notInsurer: `bank-${n}`,
  };
  for (const uscc of [parties.holder, parties.other, parties.coOwner]) {
    const r = await portal.call('PUT', `/enterprises/${uscc}`, {
      as: office,
      body: { name: `Enterprise ${uscc}` },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  }
  for (const [id, kind] of [
    [parties.insurer, 'insurer'],
    [parties.otherInsurer, 'insurer'],
    [parties.lender, 'lender'],
  ] as const) {
    const r = await portal.call('PUT', `/institutions/${id}`, { as: office, body: { kind, name: id } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  }
  return parties;
}

/** A registered trademark, in force for 10 years from `registrationDate`. */
export async function trademark(
  portal: TestPortal,
  owner: string,
  registrationDate = '2020-06-01',
): Promise<string> {
  const n = nextSerial();
  const r = await portal.call('POST', `/enterprises/${owner}/assets`, {
    as: asEnterprise(owner),
    body: {
      kind: 'trademark',
      number: String(10_000_000 + n),
      // A mark of its own: the same mark twice would have to be pledged together.
      mark: `Jinhua Ham ${n}`,
      niceClasses: [29],
      registrationDate,
    },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id;
}

/** An invention patent filed in `year` (in force 20 years), granted unless `pending`. */
export async function patent(
  portal: TestPortal,
  owner: string,
  options: { year?: number; coOwners?: string[]; pending?: boolean } = {},
): Promise<string> {
  const year = options.year ?? 2016;
  const r = await portal.call('POST', `/enterprises/${owner}/assets`, {
    as: asEnterprise(owner),
    body: {
      kind: 'patent',
      number: patentNo(year, 1),
      title: 'A vacuum flask',
      filingDate: `${year}-03-01`,
      ...(options.pending ? {} : { grantDate: `${year + 1}-12-01` }),
      ...(options.coOwners ? { coOwners: options.coOwners } : {}),
    },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id;
}

/** The co-owner gives its consent (the owner cannot give it for it). */
export async function recordConsent(portal: TestPortal, assetId: string, coOwner: string) {
  const r = await portal.call('PUT', `/assets/${assetId}/co-owner-consents/${coOwner}`, {
    as: asEnterprise(coOwner),
    body: {},
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
}

/** A pledge of `assetId` to `lender`, taken to `approved`. */
export async function approvedPledge(
  portal: TestPortal,
  owner: string,
  lender: string,
  assetId: string,
): Promise<string> {
  const created = await portal.call('POST', '/pledges', {
    as: asEnterprise(owner),
    body: {
      lenderId: lender,
      assetIds: [assetId],
      appraisedValueFen: 100_000_000,
      requestedAmountFen: 10_000_000,
      termMonths: 12,
    },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const id = created.body.id;
  const review = await portal.call('POST', `/pledges/${id}/review`, { as: asLender(lender) });
  expect(review.status, JSON.stringify(review.body)).toBe(200);
  const approve = await portal.call('POST', `/pledges/${id}/approve`, {
    as: asLender(lender),
    body: { approvedAmountFen: 10_000_000, annualRateBps: 450 },
  });
  expect(approve.status, JSON.stringify(approve.body)).toBe(200);
  return id;
}

export const applicationBody = (
  insurer: string,
  assetIds: string[],
  extra: Record<string, unknown> = {},
) => ({
  insurerId: insurer,
  assetIds,
  coverages: [
    { line: 'enforcement_cost', sumInsuredFen: 1_000_000, deductibleFen: 100_000 },
    { line: 'infringement_loss', sumInsuredFen: 5_000_000 },
  ],
  periodStart: '2026-01-01',
  periodEnd: '2026-12-31',
  ...extra,
});

/** Applies and issues a policy; returns its id. */
export async function activePolicy(
  portal: TestPortal,
  parties: Parties,
  assetIds: string[],
  extra: Record<string, unknown> = {},
): Promise<string> {
  const applied = await portal.call('POST', '/policies', {
    as: asEnterprise(parties.holder),
    body: applicationBody(parties.insurer, assetIds, extra),
  });
  expect(applied.status, JSON.stringify(applied.body)).toBe(201);
  const issued = await portal.call('POST', `/policies/${applied.body.id}/issue`, {
    as: asInsurer(parties.insurer),
    body: { premiumFen: 20_000 },
  });
  expect(issued.status, JSON.stringify(issued.body)).toBe(200);
  return applied.body.id;
}
