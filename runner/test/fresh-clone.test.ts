// What a user gets right after `npm ci` and a build in a fresh clone, offline: every package's bin
// is linked (so each must be a committed file, not a build output) and `npx --no-install <bin>
// --help` prints its usage without asking the registry for a package of that name.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const repository = join(import.meta.dirname, '..', '..');
/** What the bins need, built in dependency order (the whole `npm run build` takes much longer). */
const buildOrder = ['packages/resource-sdk', 'packages/oci', 'runner', 'conformance', 'images'];

let dir: string;
let clone: string;
let env: NodeJS.ProcessEnv;

async function run(command: string, args: string[], cwd = clone) {
  return exec(command, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hangar-fresh-clone-'));
  clone = join(dir, 'hangar');
  // No registry: npm may only use its cache. The CLIs' code caches go to the temporary directory.
  env = { ...process.env, npm_config_offline: 'true', HANGAR_CACHE: join(dir, 'cache') };
  const { stdout: head } = await run('git', ['rev-parse', 'HEAD'], repository);
  await run('git', ['clone', '--quiet', '--no-local', '--no-checkout', repository, clone], dir);
  await run('git', ['checkout', '--quiet', head.trim()]);
  // Without install scripts: they only compile better-sqlite3, for minutes when offline, and no
  // --help loads it; npm links the bins all the same.
  await run('npm', ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund']);
  for (const pkg of buildOrder) await run('npm', ['run', 'build'], join(clone, pkg));
}, 600_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Every `bin` of every workspace package of the clone. */
async function bins(): Promise<string[]> {
  const { stdout } = await run('npm', ['query', '.workspace']);
  const packages = JSON.parse(stdout) as { bin?: Record<string, string> }[];
  return packages.flatMap((pkg) => Object.keys(pkg.bin ?? {})).sort();
}

describe('a fresh clone after npm ci and the build, offline', () => {
  it('links every bin, and each prints its usage with --help', async () => {
    const names = await bins();
    expect(names).toEqual(expect.arrayContaining(['hangar', 'hangar-conformance', 'hangar-images']));
    for (const name of names) {
      const { stdout } = await run('npx', ['--no-install', name, '--help']);
      expect(stdout, name).toMatch(/^usage:/i);
      expect(stdout, name).toMatch(new RegExp(`(^|\\s)${name} `));
    }
  });
});
