// Runs the semver resource in-process through the SDK (the bundle's code path) with HOME and
// TMPDIR pointing at per-test directories, and calls `out` directly for concurrency tests.
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { onTestFinished } from 'vitest';
import { Redactor, invokeResource, parseConfig, readBuildMetadata, type Version } from '@hangar/resource-sdk';
import { tempDir } from '@hangar/testkit';
import { put } from '../src/out.js';
import { semverResource } from '../src/semver-resource.js';
import { putParamsSchema, sourceSchema } from '../src/source.js';

export interface Outcome<T> {
  code: number;
  stderr: string;
  stdout: string;
  /** Parsed stdout (undefined when the script failed). */
  result: T;
}

export interface InOut {
  version: Version;
  metadata: { name: string; value: string }[];
}

const collect = (stream: PassThrough): (() => string) => {
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return () => Buffer.concat(chunks).toString();
};

async function invoke<T>(args: string[], request: object, env: Record<string, string>): Promise<Outcome<T>> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const readOut = collect(stdout);
  const readErr = collect(stderr);
  const code = await invokeResource(semverResource, {
    argv: ['node', '/opt/resource/resource.js', ...args],
    stdin: Readable.from([Buffer.from(JSON.stringify(request))]),
    stdout,
    stderr,
    env,
  });
  const out = readOut();
  return { code, stdout: out, stderr: readErr(), result: (code === 0 ? JSON.parse(out) : undefined) as T };
}

export interface Workspace {
  root: string;
  env: Record<string, string>;
  check(source: object, version?: Version): Promise<Outcome<Version[]>>;
  get(source: object, version: Version, params?: object): Promise<Outcome<InOut> & { dir: string }>;
  put(source: object, params: object): Promise<Outcome<InOut>>;
  /** `out` without the SDK's stdio handling, so many can run at once in one process. */
  putDirect(source: object, params: object): Promise<InOut>;
  /** The put sources directory ($1 of out). */
  sources: string;
  homeEntries(): Promise<string[]>;
}

let counter = 0;

export async function workspace(): Promise<Workspace> {
  const dir = await tempDir('hangar-semver-');
  onTestFinished(() => dir.remove());
  const root = dir.path;
  const home = join(root, 'home');
  const tmp = join(root, 'tmp');
  const sources = join(root, 'put');
  await Promise.all([mkdir(home), mkdir(tmp), mkdir(sources)]);
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '',
    HOME: home,
    TMPDIR: tmp,
    GIT_CONFIG_NOSYSTEM: '1',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  const silent = { info: () => {}, warn: () => {}, debug: () => {} };
  return {
    root,
    env,
    sources,
    check: (source, version) => invoke(['check'], version ? { source, version } : { source }, env),
    async get(source, version, params) {
      const target = join(root, `get-${++counter}`);
      await mkdir(target, { recursive: true });
      const request = { source, version, ...(params ? { params } : {}) };
      return { ...(await invoke<InOut>(['in', target], request, env)), dir: target };
    },
    put: (source, params) => invoke(['out', sources], { source, params }, env),
    putDirect: (source, params) =>
      put({
        source: parseConfig(sourceSchema, source, 'source'),
        params: parseConfig(putParamsSchema, params, 'params'),
        sources,
        log: silent,
        redactor: new Redactor(),
        build: readBuildMetadata(env),
        env,
        signal: new AbortController().signal,
      }) as Promise<InOut>,
    homeEntries: () => readdir(home),
  };
}
