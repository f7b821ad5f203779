import { mkdir } from 'node:fs/promises';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';

/**
 * The local stand-in for S3 (`npm start`, the tests): an S3-compatible server on loopback, its objects under
 * `directory`. Presigned URLs from the one S3 adapter work against it as against S3. It checks neither signatures
 * nor checksums, which is why the portal verifies every upload's size and SHA-256 itself.
 */
export interface LocalS3 {
  endpoint: string;
  close(): Promise<void>;
}

/** Browsers upload from the portal's pages (another origin than this server's): PUT and GET with their headers. */
const corsFor = (origins: readonly string[]) => `<CORSConfiguration>
  ${origins
    .map(
      (origin) => `<CORSRule>
    <AllowedOrigin>${origin}</AllowedOrigin>
    <AllowedMethod>PUT</AllowedMethod>
    <AllowedMethod>GET</AllowedMethod>
    <AllowedHeader>*</AllowedHeader>
    <MaxAgeSeconds>600</MaxAgeSeconds>
  </CORSRule>`,
    )
    .join('\n  ')}
</CORSConfiguration>`;

export async function startLocalS3(options: {
  directory: string;
  buckets?: readonly string[];
  /** The portal origins allowed to upload and download from pages (CORS). */
  origins?: readonly string[];
  port?: number;
}): Promise<LocalS3> {
  await mkdir(options.directory, { recursive: true });
  const server = new S3rver({
    address: '127.0.0.1',
    port: options.port ?? 0,
    directory: options.directory,
    silent: true,
    vhostBuckets: false,
    configureBuckets: (options.buckets ?? []).map((name) => ({
      name,
      configs: options.origins?.length ? [corsFor(options.origins)] : [],
    })),
  });
  const address = await server.run();
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    close: () => server.close(),
  };
}

/** A bucket of its own on a running local server (each test file, each bench run). */
export async function createLocalBucket(endpoint: string, bucket: string): Promise<void> {
  const client = new S3Client({
    endpoint,
    forcePathStyle: true,
    region: 'local',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  } finally {
    client.destroy();
  }
}
