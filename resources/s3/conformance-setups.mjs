// Setups for conformance/cases/s3: a real MinIO from @hangar/testkit per case.
//   hangar-conformance --cmd "node $PWD/resources/s3/dist/resource.js" \
//     --setups resources/s3/conformance-setups.mjs --case conformance/cases/s3
import { Buffer } from 'node:buffer';
import { ListObjectVersionsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { startMinio } from '@hangar/testkit';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/**
 * `minio` — with: { bucket: versioned|unversioned (default unversioned), objects: [{key, body}] }.
 * Objects are written in order; values: endpoint, bucket, access_key_id, secret_access_key and
 * version_<n> (the VersionId of the n-th object, from 1, in the versioned bucket). The probe lists
 * every key, ETag and version of the bucket.
 */
async function minioSetup(options) {
  const minio = await startMinio();
  const client = minio.client();
  const bucket = options.bucket === 'versioned' ? minio.versionedBucket : minio.unversionedBucket;
  const values = {
    endpoint: minio.endpoint,
    bucket,
    access_key_id: minio.credentials.accessKeyId,
    secret_access_key: minio.credentials.secretAccessKey,
  };
  try {
    let n = 0;
    for (const { key, body } of options.objects ?? []) {
      const answer = await client.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: Buffer.from(String(body)) }),
      );
      values[`version_${++n}`] = answer.VersionId ?? '';
    }
  } catch (error) {
    client.destroy();
    await minio.stop();
    throw error;
  }
  return {
    values,
    async probe() {
      const listing = await client.send(new ListObjectVersionsCommand({ Bucket: bucket }));
      return (listing.Versions ?? []).map((entry) => [entry.Key, entry.ETag, entry.VersionId]);
    },
    async teardown() {
      client.destroy();
      await minio.stop();
    },
  };
}

export const setups = { minio: minioSetup };
