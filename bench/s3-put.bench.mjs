// put of one large file: the s3 resource's `out` against lib-storage's Upload with the same part
// size and queue, both as processes, in the same run. Goal: at most 1.15x, resource under 150 MiB RSS.
// Size: S3_BENCH_MIB (default 256).
import { Buffer } from 'node:buffer';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { compare, report } from './measure.mjs';
import { MIB, RAW, peakRss, reportRss, resourceBundle, startStore, timed } from './s3-support.mjs';

const PART_SIZE = 8 * MIB; // the resource's default part size
const QUEUE_SIZE = 4; // and its queue

export async function run() {
  const size = Number(process.env.S3_BENCH_MIB ?? 256) * MIB;
  const dir = await mkdtemp(join(tmpdir(), 'hangar-bench-s3-put-'));
  const { minio, env, source } = await startStore();
  try {
    const bundle = await resourceBundle();
    const work = join(dir, 'work');
    await mkdir(work);
    // Random bytes: MinIO may compress or deduplicate zeros.
    const block = randomBytes(MIB);
    await writeFile(
      join(work, 'big-1.0.bin'),
      Buffer.concat(Array.from({ length: size / MIB }, () => block)),
    );
    const request = JSON.stringify({
      source: source({ regexp: 'bench/big-(.*).bin' }),
      params: { file: 'big-1.0.bin' },
    });
    const resourceArgs = [bundle, 'out', work];
    const rawArgs = [
      RAW,
      'put',
      minio.unversionedBucket,
      'raw/big.bin',
      join(work, 'big-1.0.bin'),
      String(PART_SIZE),
      String(QUEUE_SIZE),
    ];
    console.log(`file: ${size / MIB} MiB, part size ${PART_SIZE / MIB} MiB, ${QUEUE_SIZE} parts in flight`);
    const medians = compare(
      {
        'raw lib-storage Upload': () => timed(rawArgs, { env }),
        's3 resource out': () => timed(resourceArgs, { env, input: request }),
      },
      { rounds: Number(process.env.S3_BENCH_ROUNDS ?? 5), warmup: 1 },
    );
    report(medians, 'raw lib-storage Upload', { goal: 1.15, title: 's3 put' });
    reportRss({
      'raw lib-storage Upload': peakRss(rawArgs, { env }),
      's3 resource out': peakRss(resourceArgs, { env, input: request }),
    });
  } finally {
    await minio.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
