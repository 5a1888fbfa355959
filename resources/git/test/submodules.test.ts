// `in` with submodules against real servers: the superproject on one smart-HTTP host, its submodule
// `vendor/lib` on a second HTTP host with other credentials (given through submodule_credentials),
// a nested submodule and `vendor/tools` over file://. Passwords are canaries that must never
// appear in the output, the checked-out config files or HOME.
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitRepo, type GitHttpServer, git, startGitHttpServer, tempDir, type TempDir } from '@hangar/testkit';
import { workspace, type Outcome } from './harness.js';

const MAIN_AUTH = { username: 'ci', password: 'canary-main-pw-41f2' };
const LIB_AUTH = { username: 'lib-bot', password: 'canary-lib-pw-9d3e' };

let repos: TempDir;
let mainHost: GitHttpServer;
let libHost: GitHttpServer;
let recordedLib: string;
let libTip: string;
let recordedDeep: string;
let version: { ref: string };

const bare = (name: string) => join(repos.path, name);
const fileUrl = (name: string) => `file://${bare(name)}`;

/** A bare repository `name` with one pushed commit of `files`; returns the work tree. */
async function publish(name: string, files: Record<string, string>): Promise<GitRepo> {
  await GitRepo.initBare(bare(name));
  const work = await GitRepo.init(join(repos.path, `${name}-work`));
  await work.addRemote('origin', bare(name));
  await work.commit(`${name}: first`, files);
  await work.push('origin', 'main');
  return work;
}

beforeAll(async () => {
  repos = await tempDir('hangar-git-submodules-');
  // Two hosts (two ports) over the same directory, each with its own credentials.
  mainHost = await startGitHttpServer({ root: repos.path, auth: MAIN_AUTH });
  libHost = await startGitHttpServer({ root: repos.path, auth: LIB_AUTH });

  const deep = await publish('deep.git', { 'deep.txt': 'deep v1\n' });
  recordedDeep = await deep.revParse('HEAD');
  const lib = await publish('lib.git', { 'lib.txt': 'lib v1\n' });
  await lib.addSubmodule(fileUrl('deep.git'), 'nested');
  await lib.push('origin', 'main');
  recordedLib = await lib.revParse('HEAD');
  await deep.commit('deep: second', { 'deep.txt': 'deep v2\n' });
  await deep.push('origin', 'main');

  await publish('tools.git', { 'tools.txt': 'tools\n' });

  const app = await publish('app.git', { 'README.md': '# app\n' });
  await app.addSubmodule(fileUrl('lib.git'), 'vendor/lib');
  await app.addSubmodule(fileUrl('tools.git'), 'vendor/tools');
  // vendor/lib lives on the second host, which only LIB_AUTH opens.
  await app.run('config', '--file', '.gitmodules', 'submodule.vendor/lib.url', libHost.url('lib.git'));
  version = { ref: await app.commit('lib over HTTP') };
  await app.push('origin', 'main');

  // Moves on after the superproject recorded it: submodule_remote must pick this up.
  await lib.commit('lib: second', { 'lib.txt': 'lib v2\n' });
  await lib.push('origin', 'main');
  libTip = await lib.revParse('HEAD');
});

afterAll(async () => {
  await mainHost?.stop();
  await libHost?.stop();
  await repos?.remove();
});

const source = (extra: object = {}) => ({
  uri: mainHost.url('app.git'),
  branch: 'main',
  ...MAIN_AUTH,
  submodule_credentials: [{ host: new URL(libHost.baseUrl).host, ...LIB_AUTH }],
  ...extra,
});

const read = (dir: string, path: string) => readFile(join(dir, path), 'utf8');
const headOf = (dir: string) => git(['rev-parse', 'HEAD'], { cwd: dir });

/** Every config file git keeps for the checkout and its (nested) submodules, plus .gitmodules. */
async function configFiles(dir: string): Promise<string[]> {
  const found = [join(dir, '.git', 'config'), join(dir, '.gitmodules')];
  const modules = join(dir, '.git', 'modules');
  if (existsSync(modules))
    for (const entry of await readdir(modules, { recursive: true }))
      if (entry === 'config' || entry.endsWith('/config')) found.push(join(modules, entry));
  return found;
}

async function expectNoSecrets(got: Outcome<unknown> & { dir: string }): Promise<void> {
  for (const secret of [MAIN_AUTH.password, LIB_AUTH.password]) {
    expect(got.stdout).not.toContain(secret);
    expect(got.stderr).not.toContain(secret);
    for (const file of await configFiles(got.dir)) expect(await read(file, '')).not.toContain(secret);
  }
}

describe('in: submodules', () => {
  it('checks out every submodule, recursively, at the recorded commit by default', async () => {
    const ws = await workspace();
    const got = await ws.get(source(), version);
    expect(got.code, got.stderr).toBe(0);
    expect(await read(got.dir, 'vendor/lib/lib.txt')).toBe('lib v1\n');
    expect(await headOf(join(got.dir, 'vendor/lib'))).toBe(recordedLib);
    expect(await read(got.dir, 'vendor/lib/nested/deep.txt')).toBe('deep v1\n');
    expect(await headOf(join(got.dir, 'vendor/lib/nested'))).toBe(recordedDeep);
    expect(await read(got.dir, 'vendor/tools/tools.txt')).toBe('tools\n');
    // The submodule's URL is stored as given, without credentials.
    expect(await git(['config', 'submodule.vendor/lib.url'], { cwd: got.dir })).toBe(libHost.url('lib.git'));
    await expectNoSecrets(got);
    expect(await ws.homeEntries()).toEqual([]);
  });

  it('needs submodule_credentials for a submodule on another host', async () => {
    const ws = await workspace();
    const got = await ws.get(source({ submodule_credentials: [] }), version);
    expect(got.code).toBe(1);
    expect(got.stderr).toContain(
      `error: submodule 'vendor/lib' could not be cloned from ${libHost.url('lib.git')}: Authentication failed`,
    );
    await expectNoSecrets(got);
  });

  it('reads submodule_credentials entries as the reference does: extra keys warn, partial ones are skipped', async () => {
    const ws = await workspace();
    const host = new URL(libHost.baseUrl).host;
    const got = await ws.get(
      source({
        submodule_credentials: [
          { host: '127.0.0.1:1', usernme: 'nobody' },
          { host, ...LIB_AUTH, comment: 'the lib mirror' },
        ],
      }),
      version,
    );
    expect(got.code, got.stderr).toBe(0);
    expect(await read(got.dir, 'vendor/lib/lib.txt')).toBe('lib v1\n');
    const warning = got.stderr.split('\n').find((line) => line.startsWith('warning: unknown key'));
    expect(warning).toContain(
      `unknown key 'source.submodule_credentials[0].usernme' (did you mean 'username'?)`,
    );
    expect(warning).toContain(
      `unknown key 'source.submodule_credentials[1].comment' (known keys: host, username, password, url, private_key, private_key_passphrase)`,
    );
    await expectNoSecrets(got);
  });

  it('leaves every submodule out with submodules: none', async () => {
    const ws = await workspace();
    const got = await ws.get(source(), version, { submodules: 'none' });
    expect(got.code, got.stderr).toBe(0);
    expect(await readdir(join(got.dir, 'vendor/lib'))).toEqual([]);
    expect(await readdir(join(got.dir, 'vendor/tools'))).toEqual([]);
    expect(existsSync(join(got.dir, '.git', 'modules'))).toBe(false);
  });

  it('checks out only the listed paths, at depth, and warns about unknown ones', async () => {
    const ws = await workspace();
    const got = await ws.get(source(), version, {
      submodules: ['vendor/tools/', 'vendor/nope'],
      depth: 1,
    });
    expect(got.code, got.stderr).toBe(0);
    expect(await read(got.dir, 'vendor/tools/tools.txt')).toBe('tools\n');
    expect(await git(['rev-list', '--count', 'HEAD'], { cwd: join(got.dir, 'vendor/tools') })).toBe('1');
    expect(await readdir(join(got.dir, 'vendor/lib'))).toEqual([]);
    expect(got.stderr).toContain("warning: submodule path 'vendor/nope' is not in .gitmodules; skipped");
  });

  it('stops at the first level with submodule_recursive: false', async () => {
    const ws = await workspace();
    const got = await ws.get(source(), version, { submodule_recursive: false });
    expect(got.code, got.stderr).toBe(0);
    expect(await read(got.dir, 'vendor/lib/lib.txt')).toBe('lib v1\n');
    expect(await readdir(join(got.dir, 'vendor/lib/nested'))).toEqual([]);
  });

  it("checks out the submodule's remote branch tip with submodule_remote: true", async () => {
    const ws = await workspace();
    const got = await ws.get(source(), version, { submodule_remote: true });
    expect(got.code, got.stderr).toBe(0);
    expect(await headOf(join(got.dir, 'vendor/lib'))).toBe(libTip);
    expect(await read(got.dir, 'vendor/lib/lib.txt')).toBe('lib v2\n');
    expect(await read(got.dir, 'vendor/lib/nested/deep.txt')).toBe('deep v2\n');
    await expectNoSecrets(got);
  });

  it('fails with one clear line when a submodule URL is unreachable', async () => {
    const ws = await workspace();
    const { remote, work } = await ws.repo('broken');
    await work.commit('app');
    await work.addSubmodule(fileUrl('tools.git'), 'vendor/gone');
    await work.run('config', '--file', '.gitmodules', 'submodule.vendor/gone.url', fileUrl('missing.git'));
    const ref = await work.commit('point vendor/gone at a repository that does not exist');
    await work.push('origin', 'main');
    const got = await ws.get({ uri: remote }, { ref });
    expect(got.code).toBe(1);
    const errors = got.stderr.split('\n').filter((line) => /^(error|fatal)/.test(line));
    expect(errors).toEqual([
      `error: submodule 'vendor/gone' could not be cloned from ${fileUrl('missing.git')}: '${bare('missing.git')}' does not appear to be a git repository`,
    ]);
  });
});
