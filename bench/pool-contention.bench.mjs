// pool resource under contention: 20 claimants (each `out acquire` then `out release`, holding
// for 0 s, real processes from the bundle) over 5 locks on a file:// remote, against the floor:
// the same number of state changes (40) done sequentially by plain git in one process, each a
// fetch + reset + mv + commit + push round trip. Also reports push conflicts. Goal: <= 2x the floor.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { record } from './measure.mjs';

const bundle = join(import.meta.dirname, '../resources/pool/dist/resource.js');
const LOCKS = ['l1', 'l2', 'l3', 'l4', 'l5'];
const CLAIMANTS = 20;
const env = {
  PATH: process.env.PATH ?? '',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Bench',
  GIT_AUTHOR_EMAIL: 'bench@hangar.invalid',
  GIT_COMMITTER_NAME: 'Bench',
  GIT_COMMITTER_EMAIL: 'bench@hangar.invalid',
};

function git(args, cwd) {
  const result = spawnSync('git', args, { cwd, env, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout.trim();
}

function seed(root, name) {
  const remote = join(root, `${name}.git`);
  const work = join(root, `${name}-seed`);
  git(['init', '--quiet', '--bare', '--initial-branch=master', remote]);
  git(['init', '--quiet', '--initial-branch=master', work]);
  for (const state of ['claimed', 'unclaimed']) {
    mkdirSync(join(work, 'pool', state), { recursive: true });
    writeFileSync(join(work, 'pool', state, '.gitkeep'), '');
  }
  for (const lock of LOCKS) writeFileSync(join(work, 'pool', 'unclaimed', lock), lock);
  git(['add', '-A'], work);
  git(['commit', '--quiet', '-m', 'initial pool'], work);
  git(['push', '--quiet', remote, 'master'], work);
  return remote;
}

function floor(root) {
  const remote = seed(root, 'floor');
  const work = join(root, 'floor-work');
  git(['clone', '--quiet', '--single-branch', '--branch', 'master', `file://${remote}`, work]);
  const started = Date.now();
  for (let i = 0; i < CLAIMANTS; i++) {
    const lock = LOCKS[i % LOCKS.length];
    for (const [from, to, verb] of [
      ['unclaimed', 'claimed', 'claiming'],
      ['claimed', 'unclaimed', 'unclaiming'],
    ]) {
      git(['fetch', '--quiet', 'origin', '+refs/heads/master:refs/remotes/origin/master'], work);
      git(['reset', '--quiet', '--hard', 'origin/master'], work);
      git(['mv', `pool/${from}/${lock}`, `pool/${to}/${lock}`], work);
      git(['commit', '--quiet', '-m', `${verb}: ${lock}`], work);
      git(['push', '--quiet', 'origin', 'HEAD:refs/heads/master'], work);
    }
  }
  return Date.now() - started;
}

function runOut(dir, params) {
  const source = { uri: `file://${dir.remote}`, branch: 'master', pool: 'pool', retry_delay: '50ms' };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bundle, 'out', dir.sources], {
      env: { PATH: env.PATH, HOME: dir.home, TMPDIR: dir.tmp, HANGAR_DEBUG: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) =>
      code === 0 ? resolve({ stdout, stderr }) : reject(new Error(`out exited ${code}: ${stderr}`)),
    );
    child.stdin.end(JSON.stringify({ source, params }));
  });
}

async function contention(root) {
  const remote = seed(root, 'contention');
  const started = Date.now();
  const results = await Promise.all(
    Array.from({ length: CLAIMANTS }, async (_, index) => {
      const base = join(root, `claimant-${index}`);
      const dir = { remote, home: join(base, 'home'), tmp: join(base, 'tmp'), sources: join(base, 'src') };
      for (const path of [dir.home, dir.tmp, join(dir.sources, 'lock')]) mkdirSync(path, { recursive: true });
      const acquired = await runOut(dir, { acquire: true });
      const lock = JSON.parse(acquired.stdout).metadata[0].value;
      writeFileSync(join(dir.sources, 'lock', 'name'), `${lock}\n`);
      const released = await runOut(dir, { release: 'lock' });
      return acquired.stderr + released.stderr;
    }),
  );
  const elapsed = Date.now() - started;
  const conflicts = results.reduce((sum, text) => sum + (text.match(/push conflict/g)?.length ?? 0), 0);
  const commits = git(['rev-list', '--count', 'master'], remote);
  return { elapsed, conflicts, commits };
}

export async function run() {
  const root = mkdtempSync(join(tmpdir(), 'hangar-bench-pool-'));
  try {
    const floorMs = floor(root);
    const { elapsed, conflicts, commits } = await contention(root);
    console.log(`floor: ${CLAIMANTS * 2} sequential fetch+commit+push round trips in ${floorMs} ms`);
    console.log(
      `pool resource: ${CLAIMANTS} claimants over ${LOCKS.length} locks in ${elapsed} ms (${commits} commits, ${conflicts} push conflicts)`,
    );
    console.log(`ratio: ${(elapsed / floorMs).toFixed(2)}x the floor (goal <= 2x)`);
    record({
      name: 'pool contention',
      baseline: 'sequential round trips',
      baselineValue: floorMs,
      value: elapsed,
      goal: 2,
    });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
