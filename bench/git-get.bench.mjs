// git resource get of the newest commit with `depth: 1` on a generated 20,000-commit repository
// against `git clone --depth 1` of the same remote in the same run (the raw git floor). Each
// round clones into a fresh directory, removed outside the timing. Goal: at most 1.3x the floor.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compare, report } from './measure.mjs';
import { generateRepo, timed } from './git-check.bench.mjs';

const bundle = join(import.meta.dirname, '../resources/git/dist/resource.js');

export async function run() {
  const root = mkdtempSync(join(tmpdir(), 'hangar-bench-git-get-'));
  try {
    const remote = join(root, 'remote.git');
    generateRepo(remote, 20_000);
    const uri = `file://${remote}`;
    const env = {
      ...process.env,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      HOME: root,
      TMPDIR: root,
    };
    const head = execFileSync('git', ['-C', remote, 'rev-parse', 'main'], { env, encoding: 'utf8' }).trim();
    let round = 0;
    const fresh = () => join(root, `dest-${++round}`);
    const once = (measure) => {
      const dest = fresh();
      try {
        return measure(dest);
      } finally {
        rmSync(dest, { recursive: true, force: true });
      }
    };
    const request = JSON.stringify({
      source: { uri, branch: 'main' },
      version: { ref: head },
      params: { depth: 1 },
    });
    report(
      compare(
        {
          'git clone --depth 1': () =>
            once((dest) =>
              timed('git', ['clone', '--quiet', '--depth', '1', '--branch', 'main', uri, dest], '', { env }),
            ),
          'git resource get depth 1': () =>
            once((dest) => timed(process.execPath, [bundle, 'in', dest], request, { env })),
          'node -e 0 (context)': () => timed(process.execPath, ['-e', '0'], '', { env }),
        },
        { rounds: 20, warmup: 2 },
      ),
      'git clone --depth 1',
      { goal: 1.3, subject: 'git resource get depth 1', title: 'git get, depth 1' },
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
