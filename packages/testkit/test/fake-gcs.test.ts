import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeGcsServer, assertLoopbackOnly, startFakeGcs } from '../src/index.js';

describe('fake-gcs-server', () => {
  let gcs: FakeGcsServer;
  beforeAll(async () => {
    gcs = await startFakeGcs();
  });
  afterAll(async () => {
    await gcs?.stop();
  });

  it('listens on 127.0.0.1 only', async () => {
    expect(gcs.endpoint).toBe(`http://127.0.0.1:${gcs.port}`);
    await assertLoopbackOnly(gcs.port);
  });

  it('stores an object, replaces it with a new generation, and reports a missing one', async () => {
    await gcs.putObject(gcs.bucket, 'dir/app', 'one');
    const first = await gcs.getObject(gcs.bucket, 'dir/app');
    expect(first?.body).toBe('one');
    await gcs.putObject(gcs.bucket, 'dir/app', 'two');
    const second = await gcs.getObject(gcs.bucket, 'dir/app');
    expect(second?.body).toBe('two');
    expect(second?.generation).not.toBe(first?.generation);
    expect(await gcs.getObject(gcs.bucket, 'dir/none')).toBeUndefined();
  });

  it('keeps buckets apart', async () => {
    await gcs.createBucket('other');
    await gcs.putObject('other', 'k', 'in other');
    expect((await gcs.getObject('other', 'k'))?.body).toBe('in other');
    expect(await gcs.getObject(gcs.bucket, 'k')).toBeUndefined();
  });

  it('stops its own process', async () => {
    const server = await startFakeGcs();
    await server.stop();
    await expect(server.process.exited).resolves.toBeUndefined();
    await expect(fetch(`${server.endpoint}/storage/v1/b`)).rejects.toThrow();
  });
});
