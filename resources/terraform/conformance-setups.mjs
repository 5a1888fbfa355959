// Setups for conformance/cases/terraform: a real MinIO as the s3 backend (from @hangar/testkit, built).
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { startMinio } from '@hangar/testkit';

export const setups = {
  /** MinIO on 127.0.0.1; the probe lists every object with its ETag, so any state write shows. */
  'terraform-s3': async () => {
    const minio = await startMinio();
    return {
      values: {
        endpoint: minio.endpoint,
        bucket: minio.unversionedBucket,
        region: minio.region,
        access_key: minio.credentials.accessKeyId,
        secret_key: minio.credentials.secretAccessKey,
      },
      probe: async () => {
        const client = minio.client();
        try {
          const listing = await client.send(new ListObjectsV2Command({ Bucket: minio.unversionedBucket }));
          return (listing.Contents ?? []).map((object) => `${object.Key} ${object.ETag}`).sort();
        } finally {
          client.destroy();
        }
      },
      teardown: () => minio.stop(),
    };
  },
};
