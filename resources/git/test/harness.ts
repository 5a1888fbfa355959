// Runs the git resource in-process through the SDK (same code path as the bundle) against real
// repositories, with HOME and TMPDIR pointing at per-test directories.
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { onTestFinished } from 'vitest';
import { invokeResource, type MetadataField, type Version } from '@hangar/resource-sdk';
import { GitRepo, tempDir } from '@hangar/testkit';
import { gitResource } from '../src/git-resource.js';

export interface Outcome<T> {
  code: number;
  stderr: string;
  stdout: string;
  /** Parsed stdout (undefined when the script failed). */
  result: T;
}

export interface Workspace {
  root: string;
  home: string;
  tmp: string;
  env: Record<string, string>;
  /** A bare repository at <root>/<name>.git and a work tree pushing to it. */
  repo(name?: string): Promise<{ remote: string; work: GitRepo }>;
  check(source: object, version?: Version): Promise<Outcome<Version[]>>;
  get(
    source: object,
    version: Version | undefined,
    params?: object,
    destination?: string,
  ): Promise<Outcome<InOut> & { dir: string }>;
  put(source: object, params: object, sourcesDir: string): Promise<Outcome<InOut>>;
  /** Files left in HOME (must stay empty: no ~/.netrc, ~/.ssh, ~/.gitconfig). */
  homeEntries(): Promise<string[]>;
}

export interface InOut {
  version: Version;
  metadata: MetadataField[];
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
  const code = await invokeResource(gitResource, {
    argv: ['node', '/opt/resource/resource.js', ...args],
    stdin: Readable.from([Buffer.from(JSON.stringify(request))]),
    stdout,
    stderr,
    env,
  });
  const out = readOut();
  return { code, stdout: out, stderr: readErr(), result: (code === 0 ? JSON.parse(out) : undefined) as T };
}

let counter = 0;

export async function workspace(): Promise<Workspace> {
  const dir = await tempDir('hangar-git-resource-');
  onTestFinished(() => dir.remove());
  const root = dir.path;
  const home = join(root, 'home');
  const tmp = join(root, 'tmp');
  await mkdir(home);
  await mkdir(tmp);
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '',
    HOME: home,
    TMPDIR: tmp,
    GIT_CONFIG_NOSYSTEM: '1',
  };
  return {
    root,
    home,
    tmp,
    env,
    async repo(name = 'remote') {
      const remote = join(root, `${name}.git`);
      await GitRepo.initBare(remote);
      const work = await GitRepo.init(join(root, `${name}-work`));
      await work.addRemote('origin', remote);
      return { remote, work };
    },
    check: (source, version) => invoke(['check'], version ? { source, version } : { source }, env),
    async get(source, version, params, destination) {
      const target = destination ?? join(root, `get-${++counter}`);
      await mkdir(target, { recursive: true });
      const request = { source, ...(params ? { params } : {}), ...(version ? { version } : {}) };
      return { ...(await invoke<InOut>(['in', target], request, env)), dir: target };
    },
    put: (source, params, sourcesDir) => invoke(['out', sourcesDir], { source, params }, env),
    homeEntries: () => readdir(home),
  };
}

/** Metadata as an object, for assertions on values. */
export const metadataMap = (metadata: InOut['metadata']) =>
  Object.fromEntries(metadata.map(({ name, value }) => [name, value]));

/**
 * The deepening a `depth` clone logged, as the reference logs it: the depths at which `ref~n` was
 * missing, and the steps it deepened by.
 */
export function deepeningLog(stderr: string, ref: string, ancestors = 0) {
  const missing = new RegExp(
    `(?<=^Could not find ref ${ref}~${ancestors} in a shallow clone of depth )\\d+$`,
    'gm',
  );
  const steps = /(?<=^Deepening the shallow clone by an additional )\d+(?=\.\.\.$)/gm;
  return { missingAt: stderr.match(missing) ?? [], steps: stderr.match(steps) ?? [] };
}

/** What `deepeningLog` reads when depth 1 doubles its way to the reference's threshold of 127. */
export const DEEPENING_TO_THRESHOLD = {
  missingAt: ['1', '3', '7', '15', '31', '63', '127'],
  steps: ['2', '4', '8', '16', '32', '64'],
};
