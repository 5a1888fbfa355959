// Transfers that break halfway: the resource must fail clearly and leave nothing half-done.
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HeadObjectCommand, ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FaultProxy, startFaultProxy } from './fault-proxy.js';
import { connection, putObjects, run, uniquePrefix, useMinio, useTempDir } from './harness.js';

const MIB = 1024 * 1024;
let proxy: FaultProxy;
const s3 = useMinio();
const work = useTempDir('hangar-s3-faults-');

beforeEach(async () => {
  proxy = await startFaultProxy(s3.minio.port);
});
afterEach(async () => {
  await proxy.stop();
});

const viaProxy = (extra: Record<string, unknown>) => ({
  ...connection(s3.minio),
  endpoint: proxy.endpoint,
  ...extra,
});
const exists = (key: string) =>
  s3.client.send(new HeadObjectCommand({ Bucket: s3.minio.unversionedBucket, Key: key })).then(
    () => true,
    () => false,
  );
// MinIO lists the open uploads of one key only: a shorter prefix always gives none.
const openUploads = async (key: string) =>
  (await s3.client.send(new ListMultipartUploadsCommand({ Bucket: s3.minio.unversionedBucket, Prefix: key })))
    .Uploads ?? [];

describe('a put interrupted mid-upload', () => {
  it('fails after its bounded retries when the store goes away, and no object appears', async () => {
    const p = uniquePrefix('gone');
    await writeFile(join(work.path, 'big-1.bin'), Buffer.alloc(24 * MIB, 3));
    const cut = proxy.cutAfter('up', 7 * MIB, { refuseAfter: true });
    const result = await run(
      'out',
      {
        source: viaProxy({ regexp: `${p}/big-(.*).bin`, part_size_mb: 5, max_attempts: 2 }),
        params: { file: 'big-1.bin' },
      },
      work.path,
    );
    await cut;
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(
        `^error: upload to s3://unversioned/${p}/big-1.bin failed: .*(ECONNRESET|ECONNREFUSED|socket hang up|EPIPE)`,
        'm',
      ),
    );
    expect(result.stderr.split('\n').filter((line) => line.startsWith('error:'))).toHaveLength(1);
    expect(await exists(`${p}/big-1.bin`)).toBe(false);
  });

  it('aborts the multipart upload when the store is still reachable', async () => {
    const p = uniquePrefix('abort');
    await writeFile(join(work.path, 'big-1.bin'), Buffer.alloc(24 * MIB, 4));
    const cut = proxy.cutAfter('up', 7 * MIB);
    const result = await run(
      'out',
      {
        source: viaProxy({ regexp: `${p}/big-(.*).bin`, part_size_mb: 5, max_attempts: 1 }),
        params: { file: 'big-1.bin' },
      },
      work.path,
    );
    await cut;
    expect(result.code).toBe(1);
    expect(await exists(`${p}/big-1.bin`)).toBe(false);
    expect(await openUploads(`${p}/big-1.bin`)).toEqual([]);
  });

  it('aborts the multipart upload when Concourse interrupts the put', async () => {
    const p = uniquePrefix('interrupt');
    await writeFile(join(work.path, 'big-1.bin'), Buffer.alloc(24 * MIB, 8));
    const interrupt = new AbortController();
    const reached = proxy.reached('up', 7 * MIB).then(() => interrupt.abort());
    const result = await run(
      'out',
      {
        source: viaProxy({ regexp: `${p}/big-(.*).bin`, part_size_mb: 5 }),
        params: { file: 'big-1.bin' },
      },
      work.path,
      interrupt.signal,
    );
    await reached;
    expect(result.code).toBe(1);
    expect(await exists(`${p}/big-1.bin`)).toBe(false);
    expect(await openUploads(`${p}/big-1.bin`)).toEqual([]);
  });

  it('survives a dropped connection through the SDK retries', async () => {
    const p = uniquePrefix('retry');
    await writeFile(join(work.path, 'big-1.bin'), Buffer.alloc(12 * MIB, 5));
    const cut = proxy.cutAfter('up', 3 * MIB);
    const result = await run(
      'out',
      {
        source: viaProxy({ regexp: `${p}/big-(.*).bin`, part_size_mb: 5, max_attempts: 4 }),
        params: { file: 'big-1.bin' },
      },
      work.path,
    );
    await cut;
    expect(result.code, result.stderr).toBe(0);
    expect(await exists(`${p}/big-1.bin`)).toBe(true);
  });
});

describe('a get interrupted mid-download', () => {
  it('fails and leaves no file, partial or not, in the destination', async () => {
    const p = uniquePrefix('download');
    await putObjects(s3.client, s3.minio.unversionedBucket, {
      [`${p}/big-1.bin`]: Buffer.alloc(12 * MIB, 6),
    });
    const cut = proxy.cutAfter('down', 3 * MIB, { refuseAfter: true });
    const result = await run(
      'in',
      { source: viaProxy({ regexp: `${p}/big-(.*).bin` }), version: { path: `${p}/big-1.bin` } },
      work.path,
    );
    await cut;
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(
        `^error: download of s3://unversioned/${p}/big-1.bin failed: connection lost after \\d+ of 12582912 bytes`,
        'm',
      ),
    );
    expect(await readdir(work.path)).toEqual([]);
  });
});
