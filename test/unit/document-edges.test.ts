import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Actor } from '../../shared/domain/actor.js';
import {
  assertChecklist,
  checkDeclaredUpload,
  type DocumentForChecklist,
  type DocumentTransitionRow,
  documentEventType,
  isUploader,
  MAX_DOCUMENT_BYTES,
  missingKinds,
  objectKeyOf,
  sniffDocumentType,
  subjectAllowsDeletion,
  type Uploader,
  verifyStoredBytes,
  zipEntryNames,
} from '../../shared/domain/document.js';
import { DomainError } from '../../shared/domain/errors.js';
import { zip } from '../support/zip.js';

/**
 * The edges of the document rules that test/unit/document-rules.test.ts leaves open: each field's bounds and
 * messages, malformed ZIPs (built byte by byte here, from the PKWARE layout), the checklist's wording, who counts as
 * the uploader and when a subject lets its documents go.
 */

const hex = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const SHA = 'a'.repeat(64);
const ok = {
  kind: 'invoice',
  subject: { kind: 'claim', id: 'C-1' },
  fileName: 'invoice.pdf',
  contentType: 'application/pdf',
  sizeBytes: 10,
  sha256: SHA,
};

const issues = (input: unknown) => {
  try {
    checkDeclaredUpload(input);
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    return (e as DomainError).extra.errors as {
      path: string;
      code: string;
      message: string;
      params?: unknown;
    }[];
  }
  return [];
};
const codes = (input: unknown) => issues(input).map((i) => i.code);

describe('the declared upload, field by field', () => {
  it('names the allowed kinds and subject kinds, with the reason', () => {
    expect(issues({ ...ok, kind: 5, subject: { kind: null, id: 'x' } })).toEqual([
      {
        path: 'kind',
        code: 'document_kind',
        params: {
          allowed:
            'pledge_contract, registration_form, identity_proof, power_of_attorney, appraisal_report, business_licence, claim_evidence, invoice, designation_material, other',
        },
        message:
          'kind must be one of pledge_contract, registration_form, identity_proof, power_of_attorney, appraisal_report, business_licence, claim_evidence, invoice, designation_material, other.',
      },
      {
        path: 'subject.kind',
        code: 'document_subject_kind',
        params: { allowed: 'pledge, policy, claim, designation, enterprise, org_claim' },
        message: 'subject.kind must be one of pledge, policy, claim, designation, enterprise, org_claim.',
      },
    ]);
  });

  it('a subject id of 1 to 128 characters', () => {
    expect(codes({ ...ok, subject: { kind: 'claim', id: 'x'.repeat(128) } })).toEqual([]);
    expect(codes({ ...ok, subject: { kind: 'claim', id: 'x' } })).toEqual([]);
    const required = [
      {
        path: 'subject.id',
        code: 'document_subject_required',
        message: 'subject.id is required (at most 128 characters).',
      },
    ];
    expect(issues({ ...ok, subject: { kind: 'claim', id: 'x'.repeat(129) } })).toEqual(required);
    expect(issues({ ...ok, subject: { kind: 'claim', id: '' } })).toEqual(required);
    expect(issues({ ...ok, subject: { kind: 'claim', id: 7 } })).toEqual(required);
  });

  it('a file name: present, not blank, at most 255 characters, no separators or control characters; trimmed', () => {
    const invalid = [
      {
        path: 'fileName',
        code: 'file_name_invalid',
        message: 'fileName is required: at most 255 characters, no path separators or control characters.',
      },
    ];
    expect(issues({ ...ok, fileName: undefined })).toEqual(invalid);
    expect(issues({ ...ok, fileName: 12 })).toEqual(invalid);
    expect(issues({ ...ok, fileName: '   ' })).toEqual(invalid);
    expect(issues({ ...ok, fileName: `${'n'.repeat(252)}.pdf` })).toEqual(invalid);
    expect(issues({ ...ok, fileName: 'a\\b.pdf' })).toEqual(invalid);
    expect(issues({ ...ok, fileName: 'a/b.pdf' })).toEqual(invalid);
    expect(issues({ ...ok, fileName: 'a\u001fb.pdf' })).toEqual(invalid);
    expect(issues({ ...ok, fileName: 'a\nb.pdf' })).toEqual(invalid);
    expect(checkDeclaredUpload({ ...ok, fileName: `${'n'.repeat(251)}.pdf` }).fileName).toHaveLength(255);
    expect(checkDeclaredUpload({ ...ok, fileName: '  my invoice (1).pdf ' }).fileName).toBe(
      'my invoice (1).pdf',
    );
  });

  it('a content type is a whole media type, given as a string', () => {
    const invalid = [
      {
        path: 'contentType',
        code: 'content_type_invalid',
        message: 'contentType must be a media type such as application/pdf.',
      },
    ];
    expect(issues({ ...ok, contentType: ['application/pdf'] })).toEqual(invalid);
    expect(issues({ ...ok, contentType: 'bad type/pdf' })).toEqual(invalid);
    expect(issues({ ...ok, contentType: 'application/pdf; charset=x' })).toEqual(invalid);
    expect(checkDeclaredUpload({ ...ok, contentType: 'application/vnd.ms-excel+xml' }).contentType).toBe(
      'application/vnd.ms-excel+xml',
    );
  });

  it('a size is a whole number of at least one byte', () => {
    const invalid = [
      { path: 'sizeBytes', code: 'size_invalid', message: 'sizeBytes must be a positive integer.' },
    ];
    expect(issues({ ...ok, sizeBytes: '5' })).toEqual(invalid);
    expect(issues({ ...ok, sizeBytes: 1.5 })).toEqual(invalid);
    expect(issues({ ...ok, sizeBytes: 0 })).toEqual(invalid);
    expect(checkDeclaredUpload({ ...ok, sizeBytes: 1 }).sizeBytes).toBe(1);
    expect(issues({ ...ok, sizeBytes: MAX_DOCUMENT_BYTES + 1 })).toEqual([
      {
        path: 'sizeBytes',
        code: 'document_too_large',
        params: { max: 20_971_520 },
        message: 'A document may hold at most 20971520 bytes (20 MiB).',
      },
    ]);
  });

  it('a SHA-256 is a string of 64 lowercase hex digits', () => {
    const invalid = [
      { path: 'sha256', code: 'sha256_format', message: 'sha256 must be 64 lowercase hexadecimal digits.' },
    ];
    expect(issues({ ...ok, sha256: [SHA] })).toEqual(invalid);
    expect(issues({ ...ok, sha256: `${SHA}0` })).toEqual(invalid);
  });

  it('a body that is not an object is refused on every field', () => {
    expect(codes(null)).toEqual([
      'document_kind',
      'document_subject_kind',
      'document_subject_required',
      'file_name_invalid',
      'content_type_invalid',
      'size_invalid',
      'sha256_format',
    ]);
  });
});

const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);

describe('reading a ZIP central directory', () => {
  it('reads entries with extra fields and comments, and an archive comment', () => {
    const { bytes } = zip(
      [
        { name: 'Doc_0/a.xml', extra: 4, comment: 3 },
        { name: 'OFD.xml', extra: 9, comment: 0 },
        { name: 'b', extra: 0, comment: 5 },
      ],
      { archiveComment: 7 },
    );
    expect(zipEntryNames(bytes)).toEqual(['Doc_0/a.xml', 'OFD.xml', 'b']);
    expect(sniffDocumentType(bytes)).toBe('application/ofd');
  });

  it('finds the end record behind the longest comment a ZIP can carry (65535 bytes)', () => {
    const { bytes } = zip([{ name: 'OFD.xml' }], { archiveComment: 0xffff });
    expect(zipEntryNames(bytes)).toEqual(['OFD.xml']);
  });

  it('an entry with an empty name that ends exactly where the end record starts', () => {
    expect(zipEntryNames(zip([{ name: '' }]).bytes)).toEqual(['']);
  });

  it('is not a ZIP without the local header signature first, whatever follows', () => {
    expect(zipEntryNames(zip([{ name: 'OFD.xml' }], { first: 0x04034b51 }).bytes)).toBeUndefined();
    // The signature and nothing that ends a ZIP.
    expect(zipEntryNames(new Uint8Array([0x50, 0x4b, 0x03, 0x04, ...new Array(60).fill(0)]))).toBeUndefined();
  });

  it('refuses a central directory that claims more than lies before the end record', () => {
    const { bytes, eocdAt } = zip([{ name: 'OFD.xml' }]);
    view(bytes).setUint32(eocdAt + 12, 1000, true);
    expect(zipEntryNames(bytes)).toBeUndefined();
  });

  it('refuses an entry without its signature', () => {
    const { bytes, cdAt } = zip([{ name: 'OFD.xml' }]);
    view(bytes).setUint32(cdAt, 0x02014b51, true);
    expect(zipEntryNames(bytes)).toBeUndefined();
  });

  it('refuses an entry whose fixed header would run into the end record', () => {
    // A central directory of a bare 4-byte signature, just before the end record.
    const { bytes, eocdAt } = zip([{ name: 'x' }]);
    const cut = new Uint8Array([
      ...bytes.subarray(0, 30),
      ...bytes.subarray(30, 34),
      ...bytes.subarray(eocdAt),
    ]);
    const v = view(cut);
    v.setUint32(34 + 12, 4, true);
    v.setUint32(34 + 16, 30, true);
    expect(zipEntryNames(cut)).toBeUndefined();
  });

  it('refuses an entry whose name would run into the end record', () => {
    for (const nameLength of [8, 100]) {
      // 'OFD.xml' is 7 bytes: 8 reaches one byte into the end record.
      const { bytes, cdAt } = zip([{ name: 'OFD.xml' }]);
      view(bytes).setUint16(cdAt + 28, nameLength, true);
      expect(zipEntryNames(bytes)).toBeUndefined();
    }
  });

  it('the type signatures may be the whole file', () => {
    expect(sniffDocumentType(new Uint8Array([0xff, 0xd8, 0xff]))).toBe('image/jpeg');
    expect(sniffDocumentType(new Uint8Array([0xff, 0xd8]))).toBeUndefined();
  });
});

describe('the stored bytes, reasons worded', () => {
  it('exactly 20 MiB is not too large', () => {
    const bytes = new Uint8Array(MAX_DOCUMENT_BYTES);
    expect(verifyStoredBytes({ sizeBytes: MAX_DOCUMENT_BYTES, sha256: 'b' }, bytes, 'c')).toEqual({
      ok: false,
      code: 'checksum_mismatch',
      reason: 'The SHA-256 of the file is not the declared one.',
    });
    expect(
      verifyStoredBytes({ sizeBytes: 1, sha256: 'b' }, new Uint8Array(MAX_DOCUMENT_BYTES + 1), 'b'),
    ).toEqual({
      ok: false,
      code: 'document_too_large',
      reason: 'The file holds more than 20971520 bytes.',
    });
  });

  it('names the sizes that differ, and what a file must be', () => {
    const text = new TextEncoder().encode('hello');
    expect(verifyStoredBytes({ sizeBytes: 6, sha256: hex(text) }, text, hex(text))).toEqual({
      ok: false,
      code: 'size_mismatch',
      reason: 'The file holds 5 bytes, not the declared 6.',
    });
    expect(verifyStoredBytes({ sizeBytes: 5, sha256: hex(text) }, text, hex(text))).toEqual({
      ok: false,
      code: 'type_not_allowed',
      reason: 'The file is not a PDF, JPEG, PNG or OFD by its content, whatever its name says.',
    });
  });
});

describe('checklists, worded and scanned', () => {
  const doc = (kind: string, over: Partial<DocumentForChecklist> = {}): DocumentForChecklist => ({
    kind: kind as DocumentForChecklist['kind'],
    status: 'available',
    scanStatus: 'not_scanned',
    ...over,
  });

  it('without a scanner, a pending or failed scan does not count either', () => {
    expect(missingKinds('claim.pay', [doc('claim_evidence', { scanStatus: 'pending' })], false)).toEqual([
      'claim_evidence',
    ]);
    expect(missingKinds('claim.pay', [doc('claim_evidence', { scanStatus: 'failed' })], false)).toEqual([
      'claim_evidence',
    ]);
    expect(missingKinds('claim.pay', [doc('claim_evidence', { scanStatus: 'clean' })], false)).toEqual([]);
  });

  it('the 422 names the missing kinds and the subject', () => {
    try {
      assertChecklist('pledge.register', [doc('pledge_contract'), doc('identity_proof')], false);
      expect.unreachable();
    } catch (e) {
      expect((e as DomainError).message).toBe(
        'This step needs these documents first: registration_form, appraisal_report.',
      );
      expect((e as DomainError).extra.errors).toEqual([
        {
          path: 'documents',
          code: 'document_missing',
          params: { kind: 'registration_form' },
          message: 'A usable registration_form document is missing on this pledge.',
        },
        {
          path: 'documents',
          code: 'document_missing',
          params: { kind: 'appraisal_report' },
          message: 'A usable appraisal_report document is missing on this pledge.',
        },
      ]);
    }
    try {
      assertChecklist('claim.settle', [], false);
      expect.unreachable();
    } catch (e) {
      expect((e as DomainError).extra.errors).toEqual([
        expect.objectContaining({ message: 'A usable claim_evidence document is missing on this claim.' }),
      ]);
    }
  });
});

describe('keys, events, uploaders and deletion', () => {
  it("a document's bytes live under documents/<id>", () => {
    expect(objectKeyOf('D-1')).toBe('documents/D-1');
  });

  it('the event of a declaration is document.declared, any other the state it leads to', () => {
    const row = (action: string, to: string) => ({ action, to }) as unknown as DocumentTransitionRow;
    expect(documentEventType(row('declare', 'pending_upload'))).toBe('document.declared');
    expect(documentEventType(row('accept', 'available'))).toBe('document.available');
    expect(documentEventType(row('delete', 'deleted'))).toBe('document.deleted');
  });

  const by = (uploadedBy: Uploader) => ({ uploadedBy });
  const actor = (role: Actor['role'], org: string | null, sub?: string): Actor => ({ role, org, sub });

  it('the office as a whole, an organisation as a whole, a newcomer by its identity; never another role', () => {
    expect(isUploader(actor('ipoffice', null, 's2'), by({ role: 'ipoffice', org: null, sub: 's1' }))).toBe(
      true,
    );
    expect(isUploader(actor('lender', 'b1', 's2'), by({ role: 'lender', org: 'b1', sub: 's1' }))).toBe(true);
    expect(isUploader(actor('lender', 'b2', 's1'), by({ role: 'lender', org: 'b1', sub: 's1' }))).toBe(false);
    expect(isUploader(actor('insurer', 'b1', 's1'), by({ role: 'lender', org: 'b1', sub: 's1' }))).toBe(
      false,
    );
    expect(
      isUploader(actor('enterprise', null, 's1'), by({ role: 'enterprise', org: null, sub: 's1' })),
    ).toBe(true);
    expect(
      isUploader(actor('enterprise', null, 's2'), by({ role: 'enterprise', org: null, sub: 's1' })),
    ).toBe(false);
    expect(isUploader(actor('enterprise', null), by({ role: 'enterprise', org: null }))).toBe(false);
  });

  it('a pledge lets its documents go only in a draft state; other subjects always', () => {
    for (const s of [
      'submitted',
      'under_review',
      'approved',
      'rejected',
      'withdrawn',
      'registration_refused',
    ])
      expect(subjectAllowsDeletion('pledge', s)).toBe(true);
    for (const s of ['registered', 'disbursed', 'released', undefined])
      expect(subjectAllowsDeletion('pledge', s)).toBe(false);
    expect(subjectAllowsDeletion('claim', undefined)).toBe(true);
    expect(subjectAllowsDeletion('policy', 'expired')).toBe(true);
  });
});
