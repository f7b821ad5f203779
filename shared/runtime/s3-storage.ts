import {
  DeleteObjectCommand,
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { sha256HexToBase64 } from '../domain/document.js';
import type { ObjectStorage } from '../usecases/object-storage.js';

/** The headers a presigned PUT signs and the uploader must send as they are (not hoisted into the query). */
const SIGNED_UPLOAD_HEADERS = ['content-length', 'content-type', 'x-amz-checksum-sha256'];

/**
 * The bucket behind the ObjectStorage port. `endpoint` names an S3-compatible server (the local one, path-style);
 * without it, the region's S3. Checksums are computed only where S3 requires them: a presigned PUT carries the
 * declared SHA-256, never a checksum of the empty body the SDK would otherwise add.
 */
export function s3Storage(options: {
  bucket: string;
  region?: string;
  endpoint?: string;
  scanned: boolean;
}): ObjectStorage {
  const client = new S3Client({
    ...(options.region ? { region: options.region } : {}),
    ...(options.endpoint
      ? {
          endpoint: options.endpoint,
          forcePathStyle: true,
          region: options.region ?? 'local',
          credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
        }
      : {}),
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const Bucket = options.bucket;
  return {
    scanned: options.scanned,
    async presignPut(key, upload) {
      const checksum = sha256HexToBase64(upload.sha256);
      const url = await getSignedUrl(
        client,
        new PutObjectCommand({
          Bucket,
          Key: key,
          ContentLength: upload.sizeBytes,
          ContentType: upload.contentType,
          ChecksumSHA256: checksum,
        }),
        {
          expiresIn: upload.expiresInSeconds,
          signingDate: upload.signedAt,
          signableHeaders: new Set(SIGNED_UPLOAD_HEADERS),
          unhoistableHeaders: new Set(['x-amz-checksum-sha256']),
        },
      );
      // Content-Length is signed too; every HTTP client sends it from the body, and browsers refuse to set it.
      return {
        url,
        method: 'PUT',
        headers: { 'content-type': upload.contentType, 'x-amz-checksum-sha256': checksum },
      };
    },
    presignGet(key, download) {
      return getSignedUrl(
        client,
        new GetObjectCommand({
          Bucket,
          Key: key,
          ...(download.versionId ? { VersionId: download.versionId } : {}),
          ResponseContentType: download.contentType,
          ResponseContentDisposition: `attachment; filename*=UTF-8''${encodeURIComponent(download.fileName)}`,
        }),
        { expiresIn: download.expiresInSeconds, signingDate: download.signedAt },
      );
    },
    async read(key, maxBytes) {
      try {
        const out = await client.send(
          new GetObjectCommand({ Bucket, Key: key, Range: `bytes=0-${maxBytes}` }),
        );
        const bytes = (await out.Body?.transformToByteArray()) ?? new Uint8Array();
        return {
          bytes,
          ...(out.VersionId && out.VersionId !== 'null' ? { versionId: out.VersionId } : {}),
        };
      } catch (error) {
        if (error instanceof NoSuchKey) return undefined;
        if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404) return undefined;
        throw error;
      }
    },
    async write(key, bytes, contentType) {
      await client.send(new PutObjectCommand({ Bucket, Key: key, Body: bytes, ContentType: contentType }));
    },
    async remove(key) {
      await client.send(new DeleteObjectCommand({ Bucket, Key: key }));
    },
  };
}
