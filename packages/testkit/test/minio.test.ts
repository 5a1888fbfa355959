import { GetBucketVersioningCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MinioServer, assertLoopbackOnly, startMinio } from '../src/index.js';

describe('MinIO', () => {
  let minio: MinioServer;
  beforeAll(async () => {
    minio = await startMinio();
  });
  afterAll(async () => {
    await minio?.stop();
  });

  it('listens on loopback only (S3 API and console)', async () => {
    // MinIO always adds every loopback address (::1 too) for its console; nothing else is bound.
    await assertLoopbackOnly(minio.port, { allow: ['::1'] });
    await assertLoopbackOnly(minio.consolePort, { allow: ['::1'] });
  });

  it('keeps two versions of one key in the versioned bucket', async () => {
    const s3 = minio.client();
    try {
      const Bucket = minio.versionedBucket;
      const status = await s3.send(new GetBucketVersioningCommand({ Bucket }));
      expect(status.Status).toBe('Enabled');
      const first = await s3.send(new PutObjectCommand({ Bucket, Key: 'app/version', Body: '1.0.0' }));
      const second = await s3.send(new PutObjectCommand({ Bucket, Key: 'app/version', Body: '1.1.0' }));
      expect(first.VersionId).toBeTruthy();
      expect(second.VersionId).toBeTruthy();
      expect(second.VersionId).not.toBe(first.VersionId);

      const read = async (VersionId?: string) => {
        const object = await s3.send(
          new GetObjectCommand({ Bucket, Key: 'app/version', ...(VersionId ? { VersionId } : {}) }),
        );
        return { body: await object.Body?.transformToString(), versionId: object.VersionId };
      };
      expect(await read(first.VersionId)).toEqual({ body: '1.0.0', versionId: first.VersionId });
      expect(await read(second.VersionId)).toEqual({ body: '1.1.0', versionId: second.VersionId });
      expect(await read()).toEqual({ body: '1.1.0', versionId: second.VersionId });
    } finally {
      s3.destroy();
    }
  });

  it('stores and returns an object in the unversioned bucket', async () => {
    const s3 = minio.client();
    try {
      const Bucket = minio.unversionedBucket;
      const status = await s3.send(new GetBucketVersioningCommand({ Bucket }));
      expect(status.Status).toBeUndefined();
      const put = await s3.send(new PutObjectCommand({ Bucket, Key: 'hello.txt', Body: 'hello' }));
      expect(put.VersionId).toBeUndefined();
      const object = await s3.send(new GetObjectCommand({ Bucket, Key: 'hello.txt' }));
      expect(await object.Body?.transformToString()).toBe('hello');
    } finally {
      s3.destroy();
    }
  });

  it('rejects wrong credentials', async () => {
    const { S3Client } = await import('@aws-sdk/client-s3');
    const s3 = new S3Client({
      endpoint: minio.endpoint,
      region: minio.region,
      forcePathStyle: true,
      credentials: { accessKeyId: minio.credentials.accessKeyId, secretAccessKey: 'not-the-secret' },
    });
    try {
      await expect(
        s3.send(new GetObjectCommand({ Bucket: minio.unversionedBucket, Key: 'hello.txt' })),
      ).rejects.toThrow(/signature/i);
    } finally {
      s3.destroy();
    }
  });
});
