// Shared set-up of the s3 benchmarks: MinIO from testkit, the resource bundle, process runners.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleResource } from '@hangar/resource-sdk/bundle';
import { startMinio } from '@hangar/testkit';

// testkit's own client would print the SDK's Node-version notice into the figures.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const here = import.meta.dirname;
export const RAW = join(here, 's3-raw.mjs');
const MAXRSS = join(here, 's3-maxrss.mjs');
export const MIB = 1024 * 1024;

/** The built bundle (npm run build), or a fresh one when the package has not been built. */
export async function resourceBundle() {
  const built = join(here, '../resources/s3/dist/resource.js');
  if (existsSync(built)) return built;
  const outfile = join(await mkdtemp(join(tmpdir(), 'hangar-bench-s3-')), 'resource.js');
  await bundleResource({ entry: join(here, '../resources/s3/src/index.ts'), outfile });
  return outfile;
}

export async function startStore() {
  const minio = await startMinio();
  const env = {
    PATH: process.env.PATH ?? '',
    S3_BENCH_ENDPOINT: minio.endpoint,
    S3_BENCH_KEY_ID: minio.credentials.accessKeyId,
    S3_BENCH_SECRET: minio.credentials.secretAccessKey,
  };
  const source = (extra) => ({
    bucket: minio.unversionedBucket,
    endpoint: minio.endpoint,
    use_path_style: true,
    access_key_id: minio.credentials.accessKeyId,
    secret_access_key: minio.credentials.secretAccessKey,
    ...extra,
  });
  return { minio, env, source };
}

/** Wall time of one run in ms; throws on failure. */
export function timed(args, { env, input = '' }) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { input, env, encoding: 'utf8', maxBuffer: 64 * MIB });
  const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return elapsed;
}

/** Peak RSS in MiB of one run of a Node script. */
export function peakRss(args, { env, input = '' }) {
  const result = spawnSync(process.execPath, [MAXRSS, ...args], {
    input,
    env,
    encoding: 'utf8',
    maxBuffer: 64 * MIB,
  });
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  const match = /maxrss-kib (\d+)\s*$/.exec(result.stderr);
  return match ? Number(match[1]) / 1024 : NaN;
}

export function reportRss(rows) {
  for (const [name, mib] of Object.entries(rows))
    console.log(`${name.padEnd(28)} peak RSS ${mib.toFixed(0).padStart(5)} MiB`);
}
