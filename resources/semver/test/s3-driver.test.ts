// The s3 driver against a real MinIO: conditional writes make concurrent bumps safe.
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MinioServer, startMinio } from '@hangar/testkit';
import { workspace } from './harness.js';

let minio: MinioServer;
let keyCount = 0;

beforeAll(async () => {
  // A KMS key lets MinIO take SSE-S3 writes, so server_side_encryption shows on the object.
  minio = await startMinio({ kms: true });
});
afterAll(() => minio?.stop());

const source = (extra: object = {}) => ({
  driver: 's3',
  bucket: minio.unversionedBucket,
  key: `versions/app-${++keyCount}`,
  access_key_id: minio.credentials.accessKeyId,
  secret_access_key: minio.credentials.secretAccessKey,
  endpoint: minio.endpoint,
  ...extra,
});

async function read(bucket: string, key: string): Promise<string> {
  const answer = await minio.client().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return (await answer.Body?.transformToString()) ?? '';
}

async function write(bucket: string, key: string, body: string): Promise<void> {
  await minio.client().send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
}

describe('s3 driver', () => {
  it('check: initial version without cursor, nothing with one, then the stored version', async () => {
    const ws = await workspace();
    const src = source({ initial_version: '0.5.0' });
    expect((await ws.check(src)).result).toEqual([{ number: '0.5.0' }]);
    expect((await ws.check(src, { number: '0.5.0' })).result).toEqual([]);
    await write(src.bucket, src.key, '1.2.3\n');
    expect((await ws.check(src, { number: '0.1.0' })).result).toEqual([{ number: '1.2.3' }]);
    await write(src.bucket, src.key, '');
    expect((await ws.check(src)).result).toEqual([{ number: '0.5.0' }]);
  });

  it('put: bump from the initial version, then from the stored one; file; get_latest', async () => {
    const ws = await workspace();
    const src = source({ skip_s3_checksums: true });
    const first = await ws.put(src, { bump: 'minor', pre: 'alpha', build: 'build' });
    expect(first.result.version).toEqual({ number: '0.1.0-alpha.1+build.1' });
    expect(await read(src.bucket, src.key)).toBe('0.1.0-alpha.1+build.1');
    expect((await ws.put(src, { bump: 'final' })).result.version).toEqual({ number: '0.1.0+build.1' });
    await writeFile(`${ws.sources}/number`, '7.0.0\n');
    expect((await ws.put(src, { file: 'number' })).result.version).toEqual({ number: '7.0.0' });
    expect((await ws.put(src, { get_latest: true })).result.version).toEqual({ number: '7.0.0' });
    expect(await read(src.bucket, src.key)).toBe('7.0.0');
  });

  it('writes with a checksum algorithm, and refuses one the SDK does not know', async () => {
    const ws = await workspace();
    const src = source({ checksum_algorithm: 'SHA256', region_name: 'us-east-1' });
    expect((await ws.put(src, { bump: 'patch' })).result.version).toEqual({ number: '0.0.1' });
    const bad = await ws.put(source({ checksum_algorithm: 'MD5' }), { bump: 'patch' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('source.checksum_algorithm');
  });

  it('sends server_side_encryption on every write when set, and no encryption header otherwise', async () => {
    const ws = await workspace();
    const encryptionOf = async (src: { bucket: string; key: string }) =>
      (await minio.client().send(new HeadObjectCommand({ Bucket: src.bucket, Key: src.key })))
        .ServerSideEncryption;
    const plain = source();
    expect((await ws.put(plain, { bump: 'patch' })).code).toBe(0);
    expect(await encryptionOf(plain)).toBeUndefined();
    const encrypted = source({ server_side_encryption: 'AES256' });
    const bumped = await ws.put(encrypted, { bump: 'patch' });
    expect(bumped.code, bumped.stderr).toBe(0);
    expect(await encryptionOf(encrypted)).toBe('AES256');
    // Setting from a file sends it too (over an object written without it).
    await write(encrypted.bucket, encrypted.key, '0.0.1');
    await writeFile(join(ws.sources, 'number'), '9.0.0\n');
    const set = await ws.put(encrypted, { file: 'number' });
    expect(set.code, set.stderr).toBe(0);
    expect(await encryptionOf(encrypted)).toBe('AES256');
  });

  it('fails the put when the write is refused, without leaking the secret', async () => {
    const ws = await workspace();
    const src = source({ secret_access_key: 'canary-s3-secret-9a8b' });
    const out = await ws.put(src, { bump: 'patch' });
    expect(out.code).toBe(1);
    expect(out.stdout).toBe('');
    expect(out.stderr.trim().split('\n')).toHaveLength(1);
    expect(out.stderr).not.toContain('canary');
    const missing = await ws.check({ driver: 's3', key: 'k' });
    expect(missing.stderr).toContain("missing required field 'source.bucket'");
  });

  it('relies on MinIO refusing stale If-Match and existing If-None-Match writes (412)', async () => {
    const client = minio.client();
    for (const bucket of [minio.unversionedBucket, minio.versionedBucket]) {
      const key = `cas-${++keyCount}`;
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: '1', IfNoneMatch: '*' }));
      const stale = '"00000000000000000000000000000000"';
      for (const condition of [{ IfNoneMatch: '*' }, { IfMatch: stale }]) {
        const error = await client
          .send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: '2', ...condition }))
          .then(
            () => undefined,
            (caught: unknown) => caught as { $metadata?: { httpStatusCode?: number } },
          );
        expect(error?.$metadata?.httpStatusCode, `${bucket} ${JSON.stringify(condition)}`).toBe(412);
      }
      expect(await read(bucket, key)).toBe('1');
    }
  });

  it(
    'ten concurrent bumps end exactly ten patches later, none lost (new and existing object)',
    { timeout: 120_000 },
    async () => {
      const ws = await workspace();
      for (const start of [undefined, '1.0.0']) {
        const src = source({ max_attempts: 3 });
        if (start) await write(src.bucket, src.key, start);
        const results = await Promise.all(
          Array.from({ length: 10 }, () => ws.putDirect(src, { bump: 'patch' })),
        );
        const numbers = new Set(results.map((r) => r.version['number']));
        expect(numbers.size).toBe(10);
        const base = start ? '1.0' : '0.0';
        expect(await read(src.bucket, src.key)).toBe(`${base}.10`);
        for (let i = 1; i <= 10; i++) expect(numbers.has(`${base}.${i}`)).toBe(true);
      }
    },
  );
});
