import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../shared/local/dynamodb-local.js';
import { startLocalS3 } from '../../shared/local/s3-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    s3Endpoint: string;
  }
}

/** Starts one in-memory DynamoDB Local and one local S3 server for the run (each test file its own table and
 * bucket), and always stops them. */
export default async function setup(project: TestProject) {
  const dynamo = await startDynamoDbLocal();
  const s3Directory = await mkdtemp(join(tmpdir(), 'portal-s3-'));
  const s3 = await startLocalS3({ directory: s3Directory });
  project.provide('dynamoEndpoint', dynamo.endpoint);
  project.provide('s3Endpoint', s3.endpoint);
  return async () => {
    await Promise.all([dynamo.stop(), s3.close()]);
    await rm(s3Directory, { recursive: true, force: true });
  };
}
