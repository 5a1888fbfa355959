// Runs the pool resource in-process through the SDK (the bundle's code path) or as real
// processes from a freshly built bundle, against bare repositories served by @hangar/testkit.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { onTestFinished } from 'vitest';
import { invokeResource, type Version } from '@hangar/resource-sdk';
import { bundleResource } from '@hangar/resource-sdk/bundle';
import { GitRepo, git, tempDir, type GitServers } from '@hangar/testkit';
import { poolResource } from '../src/pool-resource.js';

export const CANARY = 'canary-pw-7f3a9c';

export interface Outcome<T> {
  code: number;
  stderr: string;
  stdout: string;
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

export async function invoke<T>(
  args: string[],
  request: object,
  env: Record<string, string>,
  signal?: AbortSignal,
  onStderr?: (text: string) => void,
): Promise<Outcome<T>> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const readOut = collect(stdout);
  const readErr = collect(stderr);
  if (onStderr) stderr.on('data', () => onStderr(readErr()));
  const code = await invokeResource(poolResource, {
    argv: ['node', '/opt/resource/resource.js', ...args],
    stdin: Readable.from([Buffer.from(JSON.stringify(request))]),
    stdout,
    stderr,
    env,
    ...(signal ? { signal } : {}),
  });
  const out = readOut();
  return { code, stdout: out, stderr: readErr(), result: (code === 0 ? JSON.parse(out) : undefined) as T };
}

/** The answer of `in` and `out`: the version and the lock's name in its pool. */
export const lockAnswer = (ref: string | undefined, lock: string | undefined, pool = 'pool'): InOut => ({
  version: { ref: ref ?? '' },
  metadata: [
    { name: 'lock_name', value: lock ?? '' },
    { name: 'pool_name', value: pool },
  ],
});

export interface PoolSeed {
  pool?: string;
  unclaimed?: Record<string, string>;
  claimed?: Record<string, string>;
  /** Extra files committed with the pool (other pools, READMEs). */
  files?: Record<string, string>;
  branch?: string;
}

export interface PoolRemote {
  name: string;
  /** Bare repository path (also the `path` transport). */
  path: string;
  urls: ReturnType<GitServers['urls']>;
  branch: string;
  /** A clone for writing commits from "outside" (another pipeline, a human). */
  work: GitRepo;
  /** Files under the pool at the tip: { claimed: [...], unclaimed: [...] }. */
  state(pool?: string): Promise<{ claimed: string[]; unclaimed: string[] }>;
  log(format?: string): Promise<string[]>;
  message(ref?: string): Promise<string>;
  /** First line of each commit message, oldest first. */
  firstLines(): Promise<string[]>;
  show(path: string, ref?: string): Promise<string>;
}

let repoCounter = 0;

export async function seedPool(servers: GitServers, seed: PoolSeed = {}): Promise<PoolRemote> {
  const pool = seed.pool ?? 'pool';
  const branch = seed.branch ?? 'master';
  const name = `pool-${process.pid}-${++repoCounter}.git`;
  const bare = await servers.createBareRepo(name, { branch });
  const dir = await tempDir('hangar-pool-seed-');
  onTestFinished(() => dir.remove());
  const work = await GitRepo.init(join(dir.path, 'work'), { branch });
  const files: Record<string, string> = {
    [`${pool}/claimed/.gitkeep`]: '',
    [`${pool}/unclaimed/.gitkeep`]: '',
    ...seed.files,
  };
  for (const [lock, metadata] of Object.entries(seed.unclaimed ?? {}))
    files[`${pool}/unclaimed/${lock}`] = metadata;
  for (const [lock, metadata] of Object.entries(seed.claimed ?? {}))
    files[`${pool}/claimed/${lock}`] = metadata;
  await work.commit('initial pool', files);
  await work.addRemote('origin', bare.path);
  await work.push('origin', branch);
  const inBare = (args: string[]) => git(args, { cwd: bare.path });
  return {
    name,
    path: bare.path,
    urls: servers.urls(name),
    branch,
    work,
    async state(p = pool) {
      const listed = (await inBare(['ls-tree', '-r', '--name-only', branch, '--', p])).split('\n');
      const pick = (state: string) =>
        listed
          .filter((file) => file.startsWith(`${p}/${state}/`) && !file.endsWith('/.gitkeep'))
          .map((file) => file.slice(`${p}/${state}/`.length))
          .sort();
      return { claimed: pick('claimed'), unclaimed: pick('unclaimed') };
    },
    async log(format = '%H') {
      return (await inBare(['log', '--reverse', `--format=${format}`, branch])).split('\n').filter(Boolean);
    },
    async firstLines() {
      const raw = await inBare(['log', '--reverse', '--format=%B%x00', branch]);
      return raw
        .split('\0')
        .map((message) => message.trim().split('\n')[0] ?? '')
        .filter(Boolean);
    },
    message: (ref = branch) => inBare(['log', '-1', '--format=%B', ref]),
    show: (path, ref = branch) => inBare(['show', `${ref}:${path}`]),
  };
}

export interface Workspace {
  root: string;
  env: Record<string, string>;
  /** A directory under the put's sources dir holding `name` (and `metadata`). */
  lockDir(dir: string, name: string, metadata?: string): Promise<void>;
  sources: string;
  check(source: object, version?: Version): Promise<Outcome<Version[]>>;
  get(source: object, version: Version, params?: object): Promise<Outcome<InOut> & { dir: string }>;
  put(source: object, params: object, signal?: AbortSignal): Promise<Outcome<InOut>>;
  /** A put still running: `stderrMatches` resolves once its log says so (no polling). */
  startPut(
    source: object,
    params: object,
  ): { stderrMatches(pattern: RegExp): Promise<void>; done: Promise<Outcome<InOut>> };
}

let getCounter = 0;

export async function workspace(extraEnv: Record<string, string> = {}): Promise<Workspace> {
  const dir = await tempDir('hangar-pool-resource-');
  onTestFinished(() => dir.remove());
  const root = dir.path;
  const home = join(root, 'home');
  const tmp = join(root, 'tmp');
  const sources = join(root, 'sources');
  await Promise.all([home, tmp, sources].map((path) => mkdir(path)));
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '',
    HOME: home,
    TMPDIR: tmp,
    GIT_CONFIG_NOSYSTEM: '1',
    BUILD_ID: '6543',
    BUILD_URL: 'http://example.com/teams/main/pipelines/deploy/jobs/deploy/builds/42',
    ...extraEnv,
  };
  return {
    root,
    env,
    sources,
    async lockDir(name, lock, metadata) {
      await mkdir(join(sources, name), { recursive: true });
      await writeFile(join(sources, name, 'name'), `${lock}\n`);
      if (metadata !== undefined) await writeFile(join(sources, name, 'metadata'), metadata);
    },
    check: (source, version) => invoke(['check'], version ? { source, version } : { source }, env),
    async get(source, version, params) {
      const target = join(root, `get-${++getCounter}`);
      await mkdir(target, { recursive: true });
      return {
        ...(await invoke<InOut>(['in', target], { source, version, ...(params ? { params } : {}) }, env)),
        dir: target,
      };
    },
    put: (source, params, signal) => invoke(['out', sources], { source, params }, env, signal),
    startPut(source, params) {
      const log = stderrLog();
      const done = invoke<InOut>(['out', sources], { source, params }, env, undefined, log.update);
      return { done, stderrMatches: (pattern) => log.matches(pattern, done) };
    },
  };
}

/** Builds dist-like bundle once into a temp dir; returns the path of resource.js. */
export async function buildBundle(): Promise<string> {
  const dir = await tempDir('hangar-pool-bundle-');
  const outfile = join(dir.path, 'resource.js');
  await bundleResource({ entry: join(import.meta.dirname, '../src/index.ts'), outfile, minify: false });
  return outfile;
}

export interface RunningResource {
  child: ChildProcess;
  /** Resolves when stderr matches `pattern` (event-driven, no polling sleeps). */
  stderrMatches(pattern: RegExp): Promise<void>;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

export function spawnResource(
  bundle: string,
  args: string[],
  request: object,
  env: Record<string, string>,
): RunningResource {
  const child = spawn(process.execPath, [bundle, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const log = stderrLog();
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => log.update((stderr += chunk.toString())));
  child.stdin?.end(JSON.stringify(request));
  const done = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>((resolve) => child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done, stderrMatches: (pattern) => log.matches(pattern, done) };
}

/** A running script's stderr so far, and promises that resolve when it matches (no polling). */
function stderrLog() {
  let text = '';
  const watchers: { pattern: RegExp; resolve: () => void }[] = [];
  return {
    update: (all: string) => {
      text = all;
      for (const watcher of watchers.filter(({ pattern }) => pattern.test(text))) {
        watchers.splice(watchers.indexOf(watcher), 1);
        watcher.resolve();
      }
    },
    matches: (pattern: RegExp, done: Promise<{ stderr: string }>): Promise<void> => {
      if (pattern.test(text)) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        watchers.push({ pattern, resolve });
        void done.then((outcome) =>
          reject(new Error(`ended before stderr matched ${pattern}: ${outcome.stderr}`)),
        );
      });
    },
  };
}

/**
 * Replays the branch history commit by commit and checks the pool invariants at each one: every
 * lock is in exactly one state, the set of locks never changes, a claim only takes free locks,
 * and a release is made by the build (Hangar-Build-Id) that holds the lock.
 */
export async function auditHistory(
  remote: PoolRemote,
  locks: readonly string[],
  pool = 'pool',
): Promise<{ commits: number; claims: number; releases: number; violations: string[] }> {
  const raw = await git(['log', '--reverse', '--format=%H%x00%B%x01', remote.branch], { cwd: remote.path });
  const commits = raw
    .split('\x01')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const [sha = '', message = ''] = entry.split('\0');
      return { sha, message };
    });
  const violations: string[] = [];
  const holders = new Map<string, string>();
  let claims = 0;
  let releases = 0;
  for (const { sha, message } of commits) {
    const files = (await git(['ls-tree', '-r', '--name-only', sha, '--', pool], { cwd: remote.path }))
      .split('\n')
      .filter((file) => file && !file.endsWith('/.gitkeep'));
    const inState = (state: string) =>
      files.filter((file) => file.startsWith(`${pool}/${state}/`)).map((file) => file.split('/').pop() ?? '');
    const claimed = inState('claimed');
    const unclaimed = inState('unclaimed');
    const both = claimed.filter((lock) => unclaimed.includes(lock));
    if (both.length) violations.push(`${sha}: ${both.join(',')} both claimed and unclaimed`);
    const all = [...new Set([...claimed, ...unclaimed])].sort();
    if (all.join(',') !== [...locks].sort().join(','))
      violations.push(`${sha}: locks are [${all.join(',')}], expected [${[...locks].sort().join(',')}]`);
    const [subject = ''] = message.split('\n');
    const build = /^Hangar-Build-Id: (.*)$/m.exec(message)?.[1] ?? '?';
    const named = subject.replace(/^[a-z ]+: /, '').split(', ');
    if (subject.startsWith('claiming: ')) {
      claims++;
      for (const lock of named) {
        const holder = holders.get(lock);
        if (holder !== undefined)
          violations.push(`${sha}: ${lock} claimed by build ${build} while held by ${holder}`);
        if (!claimed.includes(lock)) violations.push(`${sha}: claim of ${lock} did not move it to claimed/`);
        holders.set(lock, build);
      }
    } else if (subject.startsWith('unclaiming: ')) {
      releases++;
      for (const lock of named) {
        const holder = holders.get(lock);
        if (holder !== build)
          violations.push(`${sha}: ${lock} released by build ${build}, held by ${holder ?? 'nobody'}`);
        if (!unclaimed.includes(lock))
          violations.push(`${sha}: release of ${lock} did not move it to unclaimed/`);
        holders.delete(lock);
      }
    }
    for (const lock of claimed)
      if (!holders.has(lock) && subject !== 'initial pool')
        violations.push(`${sha}: ${lock} claimed without a claim commit`);
  }
  return { commits: commits.length, claims, releases, violations };
}
