// MinIO on 127.0.0.1 with known test credentials, one versioned and one unversioned bucket.
import { CreateBucketCommand, PutBucketVersioningCommand, S3Client } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { requireBinary } from './bin.js';
import { LOOPBACK, freePort, retryOnPortClash, waitForHttp } from './ports.js';
import { type ManagedProcess, startProcess } from './process.js';
import { tempDir } from './temp.js';

/** Fixed, test-only credentials (MinIO needs a password of at least 8 characters). */
export const MINIO_CREDENTIALS = {
  accessKeyId: 'hangar-test',
  secretAccessKey: 'hangar-test-secret',
} as const;

export const MINIO_REGION = 'us-east-1';

export interface MinioServer extends AsyncDisposable {
  /** http://127.0.0.1:port, the S3 API. */
  readonly endpoint: string;
  readonly port: number;
  readonly consolePort: number;
  readonly region: typeof MINIO_REGION;
  readonly credentials: typeof MINIO_CREDENTIALS;
  /** Bucket with versioning enabled. */
  readonly versionedBucket: string;
  /** Bucket without versioning. */
  readonly unversionedBucket: string;
  /** A new S3Client for this server (path-style addressing, us-east-1). */
  client(): S3Client;
  readonly process: ManagedProcess;
  stop(): Promise<void>;
}

export interface MinioOptions {
  /** Give MinIO a static KMS key (random per start), so SSE-S3 writes (`ServerSideEncryption: AES256`) succeed. */
  kms?: boolean;
}

/** MinIO on free 127.0.0.1 ports, data in a temp dir, buckets `versioned` and `unversioned` created. */
export function startMinio(options: MinioOptions = {}): Promise<MinioServer> {
  return retryOnPortClash(() => startOnce(options));
}

async function startOnce(options: MinioOptions): Promise<MinioServer> {
  const minio = requireBinary('minio');
  const dir = await tempDir('hangar-minio-');
  const dataDir = join(dir.path, 'data');
  await mkdir(dataDir);
  const [port, consolePort] = [await freePort(), await freePort()];
  const child = startProcess(
    minio,
    [
      'server',
      '--quiet',
      '--address',
      `${LOOPBACK}:${port}`,
      '--console-address',
      `${LOOPBACK}:${consolePort}`,
      dataDir,
    ],
    {
      name: 'minio',
      env: {
        PATH: process.env['PATH'] ?? '/usr/bin:/bin',
        HOME: dir.path, // MinIO writes ~/.minio; keep it inside the temp dir
        MINIO_ROOT_USER: MINIO_CREDENTIALS.accessKeyId,
        MINIO_ROOT_PASSWORD: MINIO_CREDENTIALS.secretAccessKey,
        MINIO_UPDATE: 'off',
        // CI mode: accept a data directory on the root disk.
        MINIO_CI_CD: 'on',
        ...(options.kms ? { MINIO_KMS_SECRET_KEY: `hangar-test:${randomBytes(32).toString('base64')}` } : {}),
      },
    },
  );
  const stop = async () => {
    await child.stop();
    await dir.remove();
  };

  const endpoint = `http://${LOOPBACK}:${port}`;
  const client = () =>
    new S3Client({
      endpoint,
      region: MINIO_REGION,
      forcePathStyle: true,
      credentials: { ...MINIO_CREDENTIALS },
    });
  const versionedBucket = 'versioned';
  const unversionedBucket = 'unversioned';
  try {
    await waitForHttp(`${endpoint}/minio/health/live`, { abort: child.exited, name: 'minio' });
    const s3 = client();
    try {
      await s3.send(new CreateBucketCommand({ Bucket: versionedBucket }));
      await s3.send(
        new PutBucketVersioningCommand({
          Bucket: versionedBucket,
          VersioningConfiguration: { Status: 'Enabled' },
        }),
      );
      await s3.send(new CreateBucketCommand({ Bucket: unversionedBucket }));
    } finally {
      s3.destroy();
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    endpoint,
    port,
    consolePort,
    region: MINIO_REGION,
    credentials: MINIO_CREDENTIALS,
    versionedBucket,
    unversionedBucket,
    client,
    process: child,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
