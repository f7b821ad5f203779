import { createHash } from 'node:crypto';
import { GetObjectCommand, NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { s3Storage } from '../../shared/runtime/s3-storage.js';

/**
 * The S3 adapter's signing: what binds a presigned PUT to one file for 15 minutes. (The local S3 server checks no
 * signature, so these properties are asserted here, on the URL S3 itself would judge.)
 */
const storage = s3Storage({ bucket: 'files', endpoint: 'http://127.0.0.1:9', scanned: false });
const bytes = new TextEncoder().encode('%PDF-1.4 a contract');
const hex = createHash('sha256').update(bytes).digest('hex');
const signedAt = new Date('2026-12-04T08:00:00Z');
const upload = {
  sizeBytes: bytes.length,
  sha256: hex,
  contentType: 'application/pdf',
  signedAt,
  expiresInSeconds: 900,
};

describe('the presigned PUT', () => {
  it('signs size, type and SHA-256 as headers the uploader must send, valid 900 s from the signing instant', async () => {
    const put = await storage.presignPut('documents/d1', upload);
    const url = new URL(put.url);
    expect(url.pathname).toBe('/files/documents/d1');
    expect(url.searchParams.get('X-Amz-Date')).toBe('20261204T080000Z');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
    expect(url.searchParams.get('X-Amz-SignedHeaders')!.split(';')).toEqual(
      expect.arrayContaining(['content-length', 'content-type', 'host', 'x-amz-checksum-sha256']),
    );
    // The checksum travels as a header (S3 verifies the body against it), never hoisted into the query.
    expect(url.searchParams.has('x-amz-checksum-sha256')).toBe(false);
    expect(put.headers).toEqual({
      'content-type': 'application/pdf',
      'x-amz-checksum-sha256': createHash('sha256').update(bytes).digest('base64'),
    });
  });

  it('gives another signature for another size, type or digest: a URL fits one file only', async () => {
    const base = new URL((await storage.presignPut('documents/d1', upload)).url).searchParams.get(
      'X-Amz-Signature',
    );
    const variants = [
      { ...upload, sizeBytes: upload.sizeBytes + 1 },
      { ...upload, contentType: 'image/png' },
      { ...upload, sha256: createHash('sha256').update('other').digest('hex') },
      { ...upload, signedAt: new Date(signedAt.getTime() + 1000) },
    ];
    const signatures = await Promise.all(
      variants.map(async (v) =>
        new URL((await storage.presignPut('documents/d1', v)).url).searchParams.get('X-Amz-Signature'),
      ),
    );
    expect(new Set([base, ...signatures]).size).toBe(5);
  });

  it('names the download and serves the verified version', async () => {
    const url = new URL(
      await storage.presignGet('documents/d1', {
        fileName: '质押 合同.pdf',
        contentType: 'application/pdf',
        signedAt,
        expiresInSeconds: 300,
        versionId: 'v7',
      }),
    );
    expect(url.searchParams.get('X-Amz-Expires')).toBe('300');
    expect(url.searchParams.get('versionId')).toBe('v7');
    expect(url.searchParams.get('response-content-disposition')).toBe(
      `attachment; filename*=UTF-8''${encodeURIComponent('质押 合同.pdf')}`,
    );
  });
});

describe('reading an object back', () => {
  const s3 = mockClient(S3Client);
  afterEach(() => s3.reset());

  it('reads at most one byte past the limit, and answers nothing for a missing object', async () => {
    s3.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'no such key', $metadata: {} }));
    expect(await storage.read('documents/none', 20)).toBeUndefined();
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(1);
    expect(s3.commandCalls(GetObjectCommand)[0]!.args[0].input).toMatchObject({
      Bucket: 'files',
      Key: 'documents/none',
      Range: 'bytes=0-20',
    });
  });
});
