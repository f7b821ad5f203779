import { describe, expect, it } from 'vitest';
import type { Actor } from '../../shared/domain/actor.js';
import {
  DOCUMENT_MACHINE,
  documentEventType,
  isUploader,
  subjectAllowsDeletion,
  type Uploader,
} from '../../shared/domain/document.js';
import { PLEDGE_STATUSES } from '../../shared/domain/pledge-state-machine.js';

/** Who acts for a document's uploader, when its documents may go, and the document's own life cycle. */
const doc = (uploadedBy: Uploader) => ({ uploadedBy });
const A = '91330782MA2D00001X';

describe('isUploader', () => {
  const cases: [string, Actor, Uploader, boolean][] = [
    [
      'a colleague of the uploading company',
      { role: 'enterprise', org: A, sub: 's2' },
      { role: 'enterprise', org: A, sub: 's1' },
      true,
    ],
    [
      'another company',
      { role: 'enterprise', org: 'OTHER', sub: 's1' },
      { role: 'enterprise', org: A },
      false,
    ],
    [
      'a bank with the same id as a company',
      { role: 'lender', org: A },
      { role: 'enterprise', org: A },
      false,
    ],
    [
      'any office clerk for the office',
      { role: 'ipoffice', org: null, sub: 'k2' },
      { role: 'ipoffice', org: null, sub: 'k1' },
      true,
    ],
    [
      'the newcomer who uploaded',
      { role: 'enterprise', org: null, sub: 'n1' },
      { role: 'enterprise', org: null, sub: 'n1' },
      true,
    ],
    [
      'another newcomer',
      { role: 'enterprise', org: null, sub: 'n2' },
      { role: 'enterprise', org: null, sub: 'n1' },
      false,
    ],
    [
      'a newcomer without a subject',
      { role: 'enterprise', org: null },
      { role: 'enterprise', org: null },
      false,
    ],
    // The same person once enrolled is still the one who uploaded it; a colleague is not.
    [
      'the newcomer, once enrolled',
      { role: 'enterprise', org: A, sub: 'n1' },
      { role: 'enterprise', org: null, sub: 'n1' },
      true,
    ],
    [
      'a colleague of the enrolled newcomer',
      { role: 'enterprise', org: A, sub: 's9' },
      { role: 'enterprise', org: null, sub: 'n1' },
      false,
    ],
  ];
  for (const [name, actor, by, expected] of cases)
    it(`${expected ? 'accepts' : 'refuses'} ${name}`, () =>
      expect(isUploader(actor, doc(by))).toBe(expected));
});

describe('subjectAllowsDeletion', () => {
  it('keeps a pledge’s documents from registration on, and only then', () => {
    const kept = ['registered', 'active', 'repaid', 'defaulted', 'disposed', 'released'];
    for (const status of PLEDGE_STATUSES)
      expect(subjectAllowsDeletion('pledge', status), status).toBe(!kept.includes(status));
    expect(subjectAllowsDeletion('pledge', undefined)).toBe(false);
  });

  it('keeps an organisation claim’s documents once the office has decided', () => {
    expect(subjectAllowsDeletion('org_claim', 'pending')).toBe(true);
    for (const status of ['approved', 'rejected', 'withdrawn'])
      expect(subjectAllowsDeletion('org_claim', status), status).toBe(false);
  });

  it('lets other subjects’ documents go', () => {
    for (const kind of ['policy', 'claim', 'designation', 'enterprise'] as const)
      expect(subjectAllowsDeletion(kind, 'anything')).toBe(true);
  });
});

describe('the document life cycle', () => {
  it('is declared, then verified or rejected once, and deleted only before a verdict or once available', () => {
    const person = 'enterprise' as const;
    expect(DOCUMENT_MACHINE.decide(null, 'declare', person)).toMatchObject({
      ok: true,
      row: { to: 'pending_upload' },
    });
    expect(DOCUMENT_MACHINE.decide('pending_upload', 'accept', person)).toMatchObject({
      ok: true,
      row: { to: 'available' },
    });
    expect(DOCUMENT_MACHINE.decide('pending_upload', 'reject', person)).toMatchObject({
      ok: true,
      row: { to: 'rejected' },
    });
    for (const from of ['available', 'rejected', 'deleted'] as const) {
      expect(DOCUMENT_MACHINE.decide(from, 'accept', person)).toEqual({ ok: false, error: 'invalid_state' });
      expect(DOCUMENT_MACHINE.decide(from, 'reject', person)).toEqual({ ok: false, error: 'invalid_state' });
    }
    expect(DOCUMENT_MACHINE.decide('available', 'delete', person).ok).toBe(true);
    expect(DOCUMENT_MACHINE.decide('rejected', 'delete', person)).toEqual({
      ok: false,
      error: 'invalid_state',
    });
    expect(DOCUMENT_MACHINE.decide(null, 'declare', 'system')).toEqual({ ok: false, error: 'forbidden' });
  });

  it('names its events after the step’s outcome', () => {
    const row = (action: 'declare' | 'accept' | 'reject' | 'delete') => DOCUMENT_MACHINE.row(action);
    expect(
      ['declare', 'accept', 'reject', 'delete'].map((a) => documentEventType(row(a as 'declare'))),
    ).toEqual(['document.declared', 'document.available', 'document.rejected', 'document.deleted']);
  });
});
