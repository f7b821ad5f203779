import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { objectKeyOf } from '../../shared/domain/document.js';
import { createLocalBucket } from '../../shared/local/s3-server.js';
import { scanResultHandler } from '../../shared/runtime/malware-scan-event.js';
import { s3Storage } from '../../shared/runtime/s3-storage.js';
import { useCaseContext } from '../../shared/usecases/context.js';
import { recordScanResult } from '../../shared/usecases/documents.js';
import { uploadDocument } from '../support/documents.js';
import { asEnterprise, asLender, pledgeFixtures, yiwu } from '../support/pledge-fixtures.js';
import { createTestPortal, type TestPortal } from '../support/portal.js';

/**
 * The deployed malware-scan path end to end but for AWS itself: a portal whose bucket is scanned (as where GuardDuty
 * Malware Protection for S3 runs), GuardDuty's result events fed through the scan-result function's own handler
 * (functions/document-scan.ts wires the same one) into `recordScanResult`, and what the parties then get.
 */
const A = yiwu('MA2D00011');
const BANK = 'jinhua-bank';

let portal: TestPortal;
let f: ReturnType<typeof pledgeFixtures>;
const warnings: Record<string, unknown>[] = [];
let scanResult: (event: unknown) => Promise<void>;

/** A scan result as GuardDuty publishes it on the default bus. */
const guardDutyEvent = (objectKey: string, status: string) => ({
  version: '0',
  id: randomUUID(),
  'detail-type': 'GuardDuty Malware Protection Object Scan Result',
  source: 'aws.guardduty',
  account: '111122223333',
  time: new Date().toISOString(),
  region: 'ap-southeast-1',
  resources: [],
  detail: {
    schemaVersion: '1.0',
    scanStatus: 'COMPLETED',
    resourceType: 'S3_OBJECT',
    s3ObjectDetails: { bucketName: 'files', objectKey, eTag: 'e', versionId: 'v1', s3Throttled: false },
    scanResultDetails: { scanResultStatus: status, threats: null },
  },
});

beforeAll(async () => {
  const bucket = `scan-${randomUUID()}`;
  await createLocalBucket(inject('s3Endpoint'), bucket);
  portal = await createTestPortal({
    storage: s3Storage({ bucket, endpoint: inject('s3Endpoint'), scanned: true }),
  });
  f = pledgeFixtures(portal);
  await Promise.all([f.enterprise(A), f.institution(BANK)]);
  scanResult = scanResultHandler((scan) => recordScanResult(useCaseContext(portal.deps), scan), {
    info: () => {},
    warn: (_message, details) => warnings.push(details),
  });
});

async function pledgeWithContract(): Promise<{ pledgeId: string; documentId: string }> {
  const asset = await f.patent(A);
  const applied = await f.apply(A, { assetIds: [asset] });
  expect(applied.status, JSON.stringify(applied.body)).toBe(201);
  const pledgeId = applied.body.id as string;
  const documentId = await uploadDocument(portal, asEnterprise(A), {
    kind: 'pledge_contract',
    subject: { kind: 'pledge', id: pledgeId },
  });
  return { pledgeId, documentId };
}

const documentAs = (id: string) => portal.call('GET', `/documents/${id}`, { as: asLender(BANK) });
const missingForRegister = async (pledgeId: string) => {
  const list = await portal.call('GET', `/pledges/${pledgeId}/documents`, { as: asEnterprise(A) });
  expect(list.status).toBe(200);
  return (list.body.checklists as { action: string; missing: string[] }[]).find(
    (c) => c.action === 'register',
  )!.missing;
};

describe('malware-scan results (deployed where GuardDuty scans the bucket)', () => {
  it('holds a verified document back until GuardDuty finds it clean, then hands it out', async () => {
    const { pledgeId, documentId } = await pledgeWithContract();
    const before = await documentAs(documentId);
    expect(before.body).toMatchObject({ status: 'available', scanStatus: 'pending' });
    expect(before.body.download).toBeUndefined();
    expect(await missingForRegister(pledgeId)).toContain('pledge_contract');

    await scanResult(guardDutyEvent(objectKeyOf(documentId), 'NO_THREATS_FOUND'));
    const after = await documentAs(documentId);
    expect(after.body).toMatchObject({ status: 'available', scanStatus: 'clean' });
    expect(after.body.download.url).toMatch(/^http/);
    expect(await missingForRegister(pledgeId)).not.toContain('pledge_contract');
  });

  it('never hands out an infected or unscannable document, nor counts it for a checklist', async () => {
    for (const [status, scanStatus] of [
      ['THREATS_FOUND', 'infected'],
      ['UNSUPPORTED', 'failed'],
      ['ACCESS_DENIED', 'failed'],
    ] as const) {
      const { pledgeId, documentId } = await pledgeWithContract();
      await scanResult(guardDutyEvent(objectKeyOf(documentId), status));
      const res = await documentAs(documentId);
      expect(res.body.scanStatus, status).toBe(scanStatus);
      expect(res.body.download, status).toBeUndefined();
      expect(await missingForRegister(pledgeId)).toContain('pledge_contract');
    }
  });

  it('records a redelivered result once, and ignores objects that are no document', async () => {
    const { documentId } = await pledgeWithContract();
    const event = guardDutyEvent(objectKeyOf(documentId), 'NO_THREATS_FOUND');
    await scanResult(event);
    const first = await documentAs(documentId);
    await scanResult(event);
    const second = await documentAs(documentId);
    expect(second.body.version).toBe(first.body.version);

    await expect(
      scanResult(guardDutyEvent('documents/unknown-document', 'NO_THREATS_FOUND')),
    ).resolves.toBeUndefined();
    await scanResult(guardDutyEvent('imports/i-1/source', 'THREATS_FOUND'));
    expect(warnings).toEqual([expect.objectContaining({ objectKey: 'imports/i-1/source' })]);
    // An event that is no scan result fails the invocation (Lambda retries it, then its failure queue).
    await expect(scanResult({ source: 'aws.s3' })).rejects.toThrow(/Not a GuardDuty scan result/);
  });
});
