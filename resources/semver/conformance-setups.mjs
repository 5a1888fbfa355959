// Setups for conformance/cases/semver:
//   hangar-conformance --cmd "node $PWD/resources/semver/dist/resource.js" \
//     --setups resources/semver/conformance-setups.mjs --case conformance/cases/semver
// `git-remote` serves the git cases' repositories with a git daemon; `minio` starts a real MinIO per case.
import { Buffer } from 'node:buffer';
import { ListObjectVersionsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSetup } from '@hangar/conformance';
import { gitRemoteSetup, startMinio } from '@hangar/testkit';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** `minio` — with: { objects: [{key, body}] } in the unversioned bucket; the probe lists keys and ETags. */
async function minioSetup(options) {
  const minio = await startMinio();
  const client = minio.client();
  const bucket = minio.unversionedBucket;
  try {
    for (const { key, body } of options.objects ?? [])
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: Buffer.from(String(body)) }));
  } catch (error) {
    client.destroy();
    await minio.stop();
    throw error;
  }
  return {
    values: {
      endpoint: minio.endpoint,
      bucket,
      access_key_id: minio.credentials.accessKeyId,
      secret_access_key: minio.credentials.secretAccessKey,
    },
    async probe() {
      const listing = await client.send(new ListObjectVersionsCommand({ Bucket: bucket }));
      return (listing.Versions ?? []).map((entry) => [entry.Key, entry.ETag]);
    },
    async teardown() {
      client.destroy();
      await minio.stop();
    },
  };
}

export const setups = { minio: minioSetup, 'git-remote': gitRemoteSetup(getSetup('command')) };
