// git resource check on a generated 20,000-commit repository (paths filter set, warm cache)
// against the raw git floor answering the same question in the same run: `git fetch` into the
// same kind of blobless bare cache plus `git rev-list --first-parent <new> ^<cursor>^@ -- <path>`.
// Two cases: no new commits, and 100 new commits (the cache is reset to 100 behind before each
// round, outside the timing). Goal: at most 1.3x the floor.
import { Buffer } from 'node:buffer';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bareCacheDir } from '@hangar/git';
import { compare, report } from './measure.mjs';

const bundle = join(import.meta.dirname, '../resources/git/dist/resource.js');
const gitEnv = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };

function git(args, options = {}) {
  const result = spawnSync('git', args, { encoding: 'utf8', env: gitEnv, maxBuffer: 1 << 28, ...options });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout.trim();
}

/**
 * A bare repository with `count` commits on main, generated with git fast-import in a few
 * seconds: commit i rewrites dir<i % 100>/f<(i / 100) % 20>.txt, so the tip holds 2,000 files.
 */
export function generateRepo(path, count) {
  git(['init', '--quiet', '--bare', '--initial-branch=main', path]);
  appendCommits(path, 0, count);
}

/** Adds commits `from`..`to - 1` on top of main (fast-import), returns nothing. */
export function appendCommits(path, from, to) {
  const parts = [];
  for (let i = from; i < to; i++) {
    const message = `commit ${i}\n`;
    const content = `file content for commit ${i}\n${'x'.repeat(400)}\n`;
    parts.push(
      'commit refs/heads/main\n',
      `committer Bench <bench@hangar.invalid> ${1_767_225_600 + i * 60} +0000\n`,
      `data ${Buffer.byteLength(message)}\n${message}`,
      i === from && from > 0 ? 'from refs/heads/main^0\n' : '',
      `M 100644 inline dir${i % 100}/f${Math.floor(i / 100) % 20}.txt\n`,
      `data ${Buffer.byteLength(content)}\n${content}\n`,
    );
  }
  git(['fast-import', '--quiet'], { cwd: path, input: parts.join('') });
}

export async function run() {
  const root = mkdtempSync(join(tmpdir(), 'hangar-bench-git-check-'));
  try {
    const remote = join(root, 'remote.git');
    const started = Date.now();
    generateRepo(remote, 20_000);
    const cursor = git(['rev-parse', 'main'], { cwd: remote });
    appendCommits(remote, 20_000, 20_100);
    const head = git(['rev-parse', 'main'], { cwd: remote });
    console.log(`generated 20,100 commits in ${Date.now() - started} ms`);
    const uri = `file://${remote}`;
    const source = { uri, branch: 'main', paths: ['dir7'] };
    const tmp = join(root, 'tmp');
    const env = { ...gitEnv, TMPDIR: tmp, HOME: root };
    const ourCache = bareCacheDir({
      root: join(tmp, 'hangar-git-cache'),
      uri,
      branch: 'main',
      filter: 'blob:none',
    });

    // Warm both caches, then keep pristine copies 100 commits behind for the second case.
    const check = (version) =>
      timed(process.execPath, [bundle, 'check'], JSON.stringify({ source, version }), { env });
    const floorCache = join(root, 'floor.git');
    git([
      'clone',
      '--quiet',
      '--bare',
      '--filter=blob:none',
      '--single-branch',
      '--branch',
      'main',
      uri,
      floorCache,
    ]);
    spawnCheck(env, source, undefined); // no cursor: creates the cache
    const behind = (cache) => {
      const copy = `${cache}.behind`;
      cpSync(cache, copy, { recursive: true });
      git(['update-ref', 'refs/heads/main', cursor], { cwd: copy });
      git(['gc', '--quiet', '--prune=now'], { cwd: copy });
      return copy;
    };
    const ourBehind = behind(ourCache);
    const floorBehind = behind(floorCache);
    const reset = (pristine, cache) => {
      rmSync(cache, { recursive: true, force: true });
      cpSync(pristine, cache, { recursive: true });
    };
    const floor = (cache, from) =>
      timed(
        'git',
        ['-C', cache, 'fetch', '--quiet', '--no-tags', 'origin', '+refs/heads/main:refs/heads/main'],
        '',
        { env: gitEnv },
      ) +
      timed('git', ['-C', cache, 'rev-list', '--first-parent', 'main', `^${from}^@`, '--', 'dir7'], '', {
        env: gitEnv,
      });

    console.log('check, no new commits (warm cache, paths: [dir7])');
    report(
      compare({
        'git fetch + rev-list': () => floor(floorCache, head),
        'git resource check': () => check({ ref: head }),
        'node -e 0 (context)': () => timed(process.execPath, ['-e', '0'], '', { env }),
      }),
      'git fetch + rev-list',
      { goal: 1.3, subject: 'git resource check', title: 'git check, no new commits' },
    );
    console.log('check, 100 new commits (warm cache, paths: [dir7])');
    report(
      compare({
        'git fetch + rev-list': () => {
          reset(floorBehind, floorCache);
          return floor(floorCache, cursor);
        },
        'git resource check': () => {
          reset(ourBehind, ourCache);
          return check({ ref: cursor });
        },
      }),
      'git fetch + rev-list',
      { goal: 1.3, subject: 'git resource check', title: 'git check, 100 new commits' },
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** Wall time of one process with its own environment (measure.mjs's timeProcess has none). */
export function timed(command, args, input, { env }) {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { input, env, encoding: 'utf8', maxBuffer: 1 << 26 });
  const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return elapsed;
}

function spawnCheck(env, source, version) {
  const result = spawnSync(process.execPath, [bundle, 'check'], {
    input: JSON.stringify({ source, version }),
    env,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(result.stderr);
}
