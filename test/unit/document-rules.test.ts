import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  assertChecklist,
  checkDeclaredUpload,
  type DocumentForChecklist,
  MAX_DOCUMENT_BYTES,
  missingKinds,
  sha256HexToBase64,
  sniffDocumentType,
  verifyStoredBytes,
  zipEntryNames,
} from '../../shared/domain/document.js';
import { DomainError } from '../../shared/domain/errors.js';

const hex = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const PDF = new TextEncoder().encode('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

/** A stored (uncompressed) ZIP written by hand from the PKWARE layout, independent of the reader under test. */
function zip(names: string[]): Uint8Array {
  const enc = new TextEncoder();
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const name of names) {
    const n = enc.encode(name);
    const local = Buffer.alloc(30 + n.length);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(n.length, 26);
    local.set(n, 30);
    const central = Buffer.alloc(46 + n.length);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(n.length, 28);
    central.writeUInt32LE(offset, 42);
    central.set(n, 46);
    locals.push(local);
    centrals.push(central);
    offset += local.length;
  }
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(names.length, 8);
  eocd.writeUInt16LE(names.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, cd, eocd]));
}

const declared = {
  kind: 'pledge_contract',
  subject: { kind: 'pledge', id: 'PL-1' },
  fileName: 'contract.pdf',
  contentType: 'application/pdf',
  sizeBytes: PDF.length,
  sha256: hex(PDF),
};

describe('the declared upload (POST /documents)', () => {
  it('accepts a well-formed declaration', () => {
    expect(checkDeclaredUpload(declared)).toEqual(declared);
  });

  it('accepts exactly 20 MiB and refuses one byte more with document_too_large on sizeBytes', () => {
    expect(checkDeclaredUpload({ ...declared, sizeBytes: 20 * 1024 * 1024 }).sizeBytes).toBe(20_971_520);
    try {
      checkDeclaredUpload({ ...declared, sizeBytes: 20 * 1024 * 1024 + 1 });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).kind).toBe('validation');
      expect((e as DomainError).extra.errors).toEqual([
        expect.objectContaining({
          path: 'sizeBytes',
          code: 'document_too_large',
          params: { max: 20_971_520 },
        }),
      ]);
    }
  });

  it('names every bad field at once', () => {
    try {
      checkDeclaredUpload({
        kind: 'selfie',
        subject: { kind: 'loan' },
        fileName: '../etc/passwd',
        contentType: '',
        sizeBytes: 0,
        sha256: 'ABC',
      });
      expect.unreachable();
    } catch (e) {
      const issues = (e as DomainError).extra.errors as { path: string; code: string }[];
      expect(issues.map((i) => [i.path, i.code])).toEqual([
        ['kind', 'document_kind'],
        ['subject.kind', 'document_subject_kind'],
        ['subject.id', 'document_subject_required'],
        ['fileName', 'file_name_invalid'],
        ['contentType', 'content_type_invalid'],
        ['sizeBytes', 'size_invalid'],
        ['sha256', 'sha256_format'],
      ]);
    }
  });

  it('refuses upper-case hex digests (the contract asks for lowercase)', () => {
    expect(() => checkDeclaredUpload({ ...declared, sha256: hex(PDF).toUpperCase() })).toThrow(DomainError);
  });
});

describe('the S3 checksum header', () => {
  it('is the base64 of the digest bytes, as node computes it directly', () => {
    expect(sha256HexToBase64(hex(PDF))).toBe(createHash('sha256').update(PDF).digest('base64'));
    // The empty input's well-known digest.
    expect(sha256HexToBase64('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')).toBe(
      '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=',
    );
  });
});

describe('the type from the bytes', () => {
  it('tells PDF, JPEG, PNG and OFD', () => {
    expect(sniffDocumentType(PDF)).toBe('application/pdf');
    expect(sniffDocumentType(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]))).toBe('image/jpeg');
    expect(sniffDocumentType(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBe(
      'image/png',
    );
    expect(sniffDocumentType(zip(['OFD.xml', 'Doc_0/Document.xml']))).toBe('application/ofd');
  });

  it('refuses a ZIP without OFD.xml at its root, even one holding it deeper', () => {
    const bytes = zip(['Doc_0/OFD.xml', 'word/document.xml']);
    expect(zipEntryNames(bytes)).toEqual(['Doc_0/OFD.xml', 'word/document.xml']);
    expect(sniffDocumentType(bytes)).toBeUndefined();
  });

  it('refuses text, HTML and truncated ZIPs whatever they are called', () => {
    expect(sniffDocumentType(new TextEncoder().encode('<html><script>alert(1)</script>'))).toBeUndefined();
    expect(sniffDocumentType(new TextEncoder().encode(' %PDF-1.4'))).toBeUndefined();
    expect(sniffDocumentType(zip(['OFD.xml']).subarray(0, 40))).toBeUndefined();
    expect(sniffDocumentType(new Uint8Array())).toBeUndefined();
  });
});

describe('complete: the stored bytes against the declaration', () => {
  it('accepts the declared bytes and reports the detected type', () => {
    expect(verifyStoredBytes(declared, PDF, hex(PDF))).toEqual({ ok: true, detectedType: 'application/pdf' });
  });

  it('rejects a size, a checksum and a type that do not match, in that order', () => {
    expect(verifyStoredBytes({ ...declared, sizeBytes: PDF.length + 1 }, PDF, hex(PDF))).toMatchObject({
      ok: false,
      code: 'size_mismatch',
    });
    expect(verifyStoredBytes({ ...declared, sha256: '0'.repeat(64) }, PDF, hex(PDF))).toMatchObject({
      ok: false,
      code: 'checksum_mismatch',
    });
    const html = new TextEncoder().encode('<html></html>');
    expect(verifyStoredBytes({ sizeBytes: html.length, sha256: hex(html) }, html, hex(html))).toMatchObject({
      ok: false,
      code: 'type_not_allowed',
    });
  });

  it('rejects more than 20 MiB even when declared so', () => {
    const big = new Uint8Array(MAX_DOCUMENT_BYTES + 1);
    expect(verifyStoredBytes({ sizeBytes: big.length, sha256: 'x' }, big, 'x')).toMatchObject({
      ok: false,
      code: 'document_too_large',
    });
  });
});

describe('checklists', () => {
  const doc = (kind: string, over: Partial<DocumentForChecklist> = {}): DocumentForChecklist => ({
    kind: kind as DocumentForChecklist['kind'],
    status: 'available',
    scanStatus: 'not_scanned',
    ...over,
  });

  it('register needs the four pledge documents; each missing kind is its own problem item', () => {
    expect(missingKinds('pledge.register', [doc('pledge_contract'), doc('identity_proof')], false)).toEqual([
      'registration_form',
      'appraisal_report',
    ]);
    try {
      assertChecklist('pledge.register', [doc('pledge_contract'), doc('identity_proof')], false);
      expect.unreachable();
    } catch (e) {
      expect((e as DomainError).kind).toBe('unprocessable');
      expect((e as DomainError).extra.errors).toEqual([
        expect.objectContaining({ code: 'document_missing', params: { kind: 'registration_form' } }),
        expect.objectContaining({ code: 'document_missing', params: { kind: 'appraisal_report' } }),
      ]);
    }
  });

  it('counts only available documents; where a scanner runs, only clean ones', () => {
    const four = ['pledge_contract', 'registration_form', 'identity_proof', 'appraisal_report'];
    expect(
      missingKinds(
        'pledge.register',
        four.map((k) => doc(k)),
        false,
      ),
    ).toEqual([]);
    expect(
      missingKinds(
        'pledge.register',
        four.map((k) => doc(k)),
        true,
      ),
    ).toEqual(four);
    expect(
      missingKinds(
        'pledge.register',
        four.map((k) => doc(k, { scanStatus: 'clean' })),
        true,
      ),
    ).toEqual([]);
    expect(missingKinds('claim.pay', [doc('claim_evidence', { status: 'pending_upload' })], false)).toEqual([
      'claim_evidence',
    ]);
    expect(missingKinds('claim.settle', [doc('claim_evidence', { scanStatus: 'infected' })], false)).toEqual([
      'claim_evidence',
    ]);
    expect(missingKinds('claim.settle', [doc('claim_evidence', { status: 'rejected' })], false)).toEqual([
      'claim_evidence',
    ]);
    expect(() => assertChecklist('claim.pay', [doc('claim_evidence')], false)).not.toThrow();
  });
});
