// @ts-check
// What the example scripts share: running `hangar` on the host runtime with this checkout's
// resource bundles standing in for the pipeline's custom `resource_types` images.
import { GetObjectCommand, NoSuchKey } from '@aws-sdk/client-s3';
import { cacheBinDir } from '@hangar/testkit';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const hangarBin = join(root, 'runner', 'bin', 'hangar.js');

/** `--resource-type name=bundle` for each custom type name → one of our resource types. */
export function resourceTypeFlags(/** @type {Record<string, string>} */ types) {
  return Object.entries(types).flatMap(([name, type]) => {
    const bundle = join(root, 'resources', type, 'dist', 'resource.js');
    if (!existsSync(bundle)) {
      throw new Error(`missing ${bundle}: run npx turbo run build first`);
    }
    return ['--resource-type', `${name}=${bundle}`];
  });
}

/**
 * @typedef {{ code: number, output: string }} HangarResult
 * Runs `hangar ...args` to completion; stdout and stderr interleaved in `output`, and echoed to
 * this process's stdout when `echo` is set.
 * @param {string[]} args
 * @param {{ cwd: string, echo?: boolean, env?: NodeJS.ProcessEnv }} options
 * @returns {Promise<HangarResult>}
 */
export function hangar(args, options) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [hangarBin, ...args, '--runtime', 'host', '--no-color'], {
      cwd: options.cwd,
      // tofu (and minio) live where scripts/bootstrap installs them
      env: {
        ...process.env,
        PATH: `${cacheBinDir()}${delimiter}${process.env['PATH'] ?? ''}`,
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (/** @type {Buffer} */ chunk) => {
      output += chunk.toString('utf8');
      if (options.echo) process.stdout.write(chunk);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', reject);
    child.once('close', (code) => resolvePromise({ code: code ?? 1, output }));
  });
}

/** Throws `message` with `detail` when `condition` is false: the scripts' end-state checks. */
export function expectThat(/** @type {boolean} */ condition, /** @type {string} */ message, detail = '') {
  if (!condition) throw new Error(`${message}${detail ? `\n${detail}` : ''}`);
}

/** Fails when any of `secrets` occurs in `text` (names the secret's var, never its value). */
export function expectNoSecrets(/** @type {string} */ text, /** @type {Record<string, string>} */ secrets) {
  for (const [name, value] of Object.entries(secrets)) {
    expectThat(!text.includes(value), `the value of ((${name})) appears in the logs`);
  }
}

/** True when `url` is this process's entry script (`node examples/x/run.mjs`). */
export const isMain = (/** @type {string} */ url) =>
  process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(url);

/**
 * The state of a terraform workspace in the s3 backend (`env:/<workspace>/<key>`), or undefined
 * when it was never applied.
 * @param {import('@hangar/testkit').MinioServer} minio
 * @param {string} bucket
 * @param {string} key
 * @returns {Promise<{ serial: number, outputs: Record<string, { value: unknown }> } | undefined>}
 */
export async function readTerraformState(minio, bucket, key) {
  const s3 = minio.client();
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return JSON.parse((await object.Body?.transformToString()) ?? '{}');
  } catch (error) {
    if (error instanceof NoSuchKey) return undefined;
    throw error;
  } finally {
    s3.destroy();
  }
}

/** `{name: value}` of a state's outputs. */
export const outputValues = (
  /** @type {{ outputs: Record<string, { value: unknown }> } | undefined} */ state,
) => Object.fromEntries(Object.entries(state?.outputs ?? {}).map(([k, v]) => [k, v.value]));

/** Build statuses from the summary table `hangar run` ends with: `{"pipeline/job #1": "failed"}`. */
export function buildStatuses(/** @type {string} */ output) {
  /** @type {Record<string, string>} */
  const statuses = {};
  for (const match of output.matchAll(/^(\S+\/\S+ #\d+)\s+(succeeded|failed|errored|aborted)\s/gm)) {
    statuses[match[1] ?? ''] = match[2] ?? '';
  }
  return statuses;
}
