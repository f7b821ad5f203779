/**
 * The port to the bucket that holds uploaded files (documents, import files, error reports). The browser moves the
 * bytes itself through presigned URLs; the portal reads them back only to verify them. S3 when deployed, the local
 * S3-compatible server under `npm start` and in the tests — one adapter, `shared/runtime/s3-storage.ts`.
 */
import { DomainError } from '../domain/errors.js';
import type { UseCaseContext } from './context.js';

export interface PresignedUpload {
  url: string;
  method: 'PUT';
  /** Send exactly these with the PUT: the signature covers them (S3 then checks size and SHA-256 itself). */
  headers: Record<string, string>;
}

export interface StoredObject {
  bytes: Uint8Array;
  /** Where the bucket keeps versions: this one's id, so a download serves exactly the bytes verified. */
  versionId?: string;
}

export interface ObjectStorage {
  /** A PUT of exactly `sizeBytes` bytes whose SHA-256 (hex) is `sha256`, valid `expiresInSeconds` from `signedAt`. */
  presignPut(
    key: string,
    upload: {
      sizeBytes: number;
      sha256: string;
      contentType: string;
      signedAt: Date;
      expiresInSeconds: number;
    },
  ): Promise<PresignedUpload>;
  /** A GET that downloads the object under `fileName`, valid `expiresInSeconds` from `signedAt`. */
  presignGet(
    key: string,
    download: {
      fileName: string;
      contentType: string;
      signedAt: Date;
      expiresInSeconds: number;
      versionId?: string;
    },
  ): Promise<string>;
  /** The object, or undefined when there is none; an object over `maxBytes` is read only to `maxBytes + 1`. */
  read(key: string, maxBytes: number): Promise<StoredObject | undefined>;
  /** Stores bytes the portal made itself (an import's error report). */
  write(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  remove(key: string): Promise<void>;
  /**
   * Whether a malware scanner (GuardDuty Malware Protection for S3) scans this bucket's uploads. Where none does,
   * documents say `not_scanned` — never `clean`.
   */
  readonly scanned: boolean;
}

/** The context's files bucket; a portal composed without one answers 503 for what needs it. */
export function storageOf(uc: UseCaseContext): ObjectStorage {
  if (!uc.storage)
    throw new DomainError('unavailable', 'File storage is not configured on this portal (no files bucket).');
  return uc.storage;
}
