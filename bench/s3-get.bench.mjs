// get of one large object: the s3 resource's `in` against GetObject piped to a file by the same
// SDK, both as processes, in the same run. Goal: at most 1.15x, and the resource under 150 MiB RSS.
// Size: S3_BENCH_MIB (default 256).
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Upload } from '@aws-sdk/lib-storage';
import { compare, report } from './measure.mjs';
import { MIB, RAW, peakRss, reportRss, resourceBundle, startStore, timed } from './s3-support.mjs';

export async function run() {
  const size = Number(process.env.S3_BENCH_MIB ?? 256) * MIB;
  const dir = await mkdtemp(join(tmpdir(), 'hangar-bench-s3-get-'));
  const { minio, env, source } = await startStore();
  const client = minio.client();
  try {
    const bundle = await resourceBundle();
    const input = join(dir, 'input.bin');
    await writeFile(input, '');
    await truncate(input, size);
    const key = 'bench/big-1.0.bin';
    await new Upload({
      client,
      params: { Bucket: minio.unversionedBucket, Key: key, Body: createReadStream(input) },
    }).done();
    await rm(input);
    const request = JSON.stringify({
      source: source({ regexp: 'bench/big-(.*).bin' }),
      version: { path: key },
    });
    const destination = join(dir, 'dest');
    const clean = () =>
      rm(destination, { recursive: true, force: true }).then(() =>
        import('node:fs/promises').then((fs) => fs.mkdir(destination)),
      );
    await clean();
    const resourceArgs = [bundle, 'in', destination];
    const rawArgs = [RAW, 'get', minio.unversionedBucket, key, join(destination, 'raw.bin')];
    console.log(`object: ${size / MIB} MiB`);
    const medians = compare(
      {
        'raw SDK GetObject -> file': () => timed(rawArgs, { env }),
        's3 resource in': () => timed(resourceArgs, { env, input: request }),
      },
      { rounds: Number(process.env.S3_BENCH_ROUNDS ?? 5), warmup: 1 },
    );
    report(medians, 'raw SDK GetObject -> file', { goal: 1.15, title: 's3 get' });
    reportRss({
      'raw SDK GetObject -> file': peakRss(rawArgs, { env }),
      's3 resource in': peakRss(resourceArgs, { env, input: request }),
    });
  } finally {
    client.destroy();
    await minio.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
