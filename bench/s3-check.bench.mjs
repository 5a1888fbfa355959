// check over 10,000 matching keys: the s3 resource's `check` against a paginated ListObjectsV2 of
// the same prefix by the same SDK, both as processes, in the same run. Goal: at most 1.15x.
// Keys: S3_BENCH_KEYS (default 10000).
import { Buffer } from 'node:buffer';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { compare, report } from './measure.mjs';
import { RAW, resourceBundle, startStore, timed } from './s3-support.mjs';

export async function run() {
  const count = Number(process.env.S3_BENCH_KEYS ?? 10_000);
  const { minio, env, source } = await startStore();
  const client = minio.client();
  try {
    const bundle = await resourceBundle();
    // MinIO unpacks a tar sent with this metadata into one object per entry: quick to set up.
    const { pack } = await import('tar-stream');
    const archive = pack();
    for (let n = 0; n < count; n++) archive.entry({ name: `releases/app-1.${n}.0.tgz` }, 'x');
    archive.finalize();
    const chunks = [];
    for await (const chunk of archive) chunks.push(chunk);
    await client.send(
      new PutObjectCommand({
        Bucket: minio.unversionedBucket,
        Key: 'keys.tar',
        Body: Buffer.concat(chunks),
        Metadata: { 'snowball-auto-extract': 'true' },
      }),
    );
    const request = JSON.stringify({
      source: source({ regexp: 'releases/app-(.*).tgz' }),
      version: { path: `releases/app-1.${count - 10}.0.tgz` },
    });
    console.log(`keys: ${count}`);
    const medians = compare(
      {
        'raw ListObjectsV2 pages': () =>
          timed([RAW, 'list', minio.unversionedBucket, 'releases/app-'], { env }),
        's3 resource check': () => timed([bundle, 'check'], { env, input: request }),
      },
      { rounds: Number(process.env.S3_BENCH_ROUNDS ?? 10), warmup: 1 },
    );
    report(medians, 'raw ListObjectsV2 pages', { goal: 1.15, title: 's3 check' });
  } finally {
    client.destroy();
    await minio.stop();
  }
}
