// Runs the s3 resource in-process against the real MinIO from testkit, as Concourse would call it.
import { mkdir, rm } from 'node:fs/promises';
import { PassThrough, Readable } from 'node:stream';
import { ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { invokeResource } from '@hangar/resource-sdk';
import { type MinioOptions, type MinioServer, type TempDir, startMinio, tempDir } from '@hangar/testkit';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { s3Resource } from '../src/s3-resource.js';

export interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed, when the script succeeded. */
  json: unknown;
}

const collect = (stream: PassThrough): (() => string) => {
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return () => Buffer.concat(chunks).toString();
};

export async function run(
  script: 'check' | 'in' | 'out',
  /** The request, or the exact text to send on stdin. */
  request: Record<string, unknown> | string,
  directory?: string,
  signal?: AbortSignal,
): Promise<Outcome> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const readOut = collect(stdout);
  const readErr = collect(stderr);
  const code = await invokeResource(s3Resource, {
    argv: ['node', `/opt/resource/${script}`, ...(directory ? [directory] : [])],
    stdin: Readable.from([Buffer.from(typeof request === 'string' ? request : JSON.stringify(request))]),
    stdout,
    stderr,
    env: {},
    ...(signal ? { signal } : {}),
  });
  const text = readOut();
  return { code, stdout: text, stderr: readErr(), json: code === 0 ? JSON.parse(text) : undefined };
}

/** Source fields that reach the test MinIO with its keys, path-style. */
export const connection = (minio: MinioServer, bucket = minio.unversionedBucket) => ({
  bucket,
  endpoint: minio.endpoint,
  use_path_style: true,
  access_key_id: minio.credentials.accessKeyId,
  secret_access_key: minio.credentials.secretAccessKey,
  max_attempts: 2,
});

export async function putObjects(client: S3Client, bucket: string, keys: Record<string, string | Buffer>) {
  const versions: Record<string, string | undefined> = {};
  for (const [key, body] of Object.entries(keys)) {
    const answer = await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: typeof body === 'string' ? Buffer.from(body) : body,
      }),
    );
    versions[key] = answer.VersionId;
  }
  return versions;
}

/** The keys under `prefix` (one listing page: tests keep well under 1000 objects). */
export const keysUnder = async (client: S3Client, bucket: string, prefix: string) =>
  ((await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }))).Contents ?? []).map(
    (object) => object.Key,
  );

/**
 * Creates many small objects in one request: MinIO unpacks a tar uploaded with the
 * `snowball-auto-extract` metadata into one object per entry (about 1 ms per object here).
 */
export async function putManyObjects(client: S3Client, bucket: string, keys: string[], body = 'x') {
  const { pack } = await import('tar-stream');
  const archive = pack();
  for (const key of keys) archive.entry({ name: key }, body);
  archive.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of archive) chunks.push(chunk as Buffer);
  await client.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: `snowball-${process.pid}-${++counter}.tar`,
      Body: Buffer.concat(chunks),
      Metadata: { 'snowball-auto-extract': 'true' },
    }),
  );
}

let counter = 0;
/** A fresh key prefix per test, so tests share one bucket without seeing each other's objects. */
export const uniquePrefix = (name: string) => `${name}-${process.pid}-${++counter}`;

export interface MinioFixture {
  /** The server, once the file's tests run. */
  readonly minio: MinioServer;
  /** An S3 client with the server's keys. */
  readonly client: S3Client;
}

/**
 * One MinIO for the calling test file (or describe block): started before its first test, stopped
 * after its last.
 */
export function useMinio(options: MinioOptions = {}): MinioFixture {
  let minio: MinioServer | undefined;
  let client: S3Client | undefined;
  beforeAll(async () => {
    minio = await startMinio(options);
    client = minio.client();
  });
  afterAll(async () => {
    client?.destroy();
    await minio?.stop();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useMinio: MinIO is started in beforeAll');
    return value;
  };
  return {
    get minio() {
      return started(minio);
    },
    get client() {
      return started(client);
    },
  };
}

export interface DirFixture {
  readonly path: string;
  /** Empties the directory, for a second step of the same test. */
  reset(): Promise<void>;
}

/** A fresh temporary directory for each test of the calling file. */
export function useTempDir(prefix: string): DirFixture {
  let dir: TempDir | undefined;
  beforeEach(async () => {
    dir = await tempDir(prefix);
  });
  afterEach(() => dir?.remove());
  const path = (): string => {
    if (!dir) throw new Error('useTempDir: the directory exists only during a test');
    return dir.path;
  };
  return {
    get path() {
      return path();
    },
    async reset() {
      await rm(path(), { recursive: true, force: true });
      await mkdir(path());
    },
  };
}
