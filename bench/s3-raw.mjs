#!/usr/bin/env node
// The floor the s3 benchmarks compare against: the same AWS SDK doing the bare operation, in its
// own process like the resource. Credentials and endpoint come from S3_BENCH_* variables.
//   s3-raw.mjs list <bucket> <prefix>
//   s3-raw.mjs get  <bucket> <key> <file>
//   s3-raw.mjs put  <bucket> <key> <file> <partSizeBytes> <queueSize>
import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const client = new S3Client({
  endpoint: process.env.S3_BENCH_ENDPOINT,
  region: 'us-east-1',
  forcePathStyle: true,
  credentials: { accessKeyId: process.env.S3_BENCH_KEY_ID, secretAccessKey: process.env.S3_BENCH_SECRET },
});
const [operation, bucket, target, file, partSize, queueSize] = process.argv.slice(2);

if (operation === 'list') {
  let token;
  let count = 0;
  do {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: target, Delimiter: '/', ContinuationToken: token }),
    );
    count += page.KeyCount ?? 0;
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  process.stdout.write(`${count}\n`);
} else if (operation === 'get') {
  const answer = await client.send(new GetObjectCommand({ Bucket: bucket, Key: target }));
  await pipeline(answer.Body, createWriteStream(file));
} else if (operation === 'put') {
  await new Upload({
    client,
    params: { Bucket: bucket, Key: target, Body: createReadStream(file, { highWaterMark: 1024 * 1024 }) },
    partSize: Number(partSize),
    queueSize: Number(queueSize),
  }).done();
} else {
  throw new Error(`unknown operation ${operation}`);
}
client.destroy();
