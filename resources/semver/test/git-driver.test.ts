// The git driver against real remotes: file://, smart HTTP with basic auth and SSH (testkit).
import { execFile } from 'node:child_process';
import { copyFile, chmod, readFile, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitRepo, git, type GitServers, startGitHttpServer, startGitServers } from '@hangar/testkit';
import { workspace } from './harness.js';

const execFileAsync = promisify(execFile);
const AUTH = { username: 'ci', password: 'canary-http-5f1e9c' };
let servers: GitServers;
let repoCount = 0;

beforeAll(async () => {
  servers = await startGitServers({ httpAuth: AUTH });
});
afterAll(() => servers?.stop());

/** A served bare repo with a `version` branch holding `files`; returns its URLs and a work tree. */
async function versionRepo(files: Record<string, string> | null = { version: '1.2.3\n' }) {
  const name = `semver-${++repoCount}.git`;
  await servers.createBareRepo(name);
  const urls = servers.urls(name);
  const work = await GitRepo.init(join(servers.root, `${name}-work`), { branch: 'version' });
  if (files) {
    await work.commit('initial', files);
    await work.push(urls.path, 'version');
  }
  return { urls, work };
}

const fileSource = (uri: string, extra: object = {}) => ({
  driver: 'git',
  uri,
  branch: 'version',
  file: 'version',
  ...extra,
});

async function remoteFile(path: string, file = 'version', branch = 'version'): Promise<string> {
  return `${await git(['--git-dir', path, 'show', `${branch}:${file}`])}\n`;
}

describe('git driver: check', () => {
  it('returns the current version, over file://', async () => {
    const ws = await workspace();
    const { urls } = await versionRepo();
    const out = await ws.check(fileSource(urls.file));
    expect(out.stderr).toBe('');
    expect(out.result).toEqual([{ number: '1.2.3' }]);
  });

  it('returns initial_version when the file, or the branch, is missing', async () => {
    const ws = await workspace();
    const { urls } = await versionRepo({ 'README.md': 'hi\n' });
    expect((await ws.check(fileSource(urls.file))).result).toEqual([{ number: '0.0.0' }]);
    expect((await ws.check(fileSource(urls.file, { initial_version: '0.1.0' }))).result).toEqual([
      { number: '0.1.0' },
    ]);
    const empty = await versionRepo(null);
    expect((await ws.check(fileSource(empty.urls.file, { initial_version: '1.0.0' }))).result).toEqual([
      { number: '1.0.0' },
    ]);
  });

  it('treats an empty version file as the initial version', async () => {
    const ws = await workspace();
    const { urls } = await versionRepo({ version: '' });
    expect((await ws.check(fileSource(urls.file, { initial_version: '2.0.0' }))).result).toEqual([
      { number: '2.0.0' },
    ]);
  });

  it('walks the history back to an older cursor (fly check-resource --from)', async () => {
    const ws = await workspace();
    const { urls, work } = await versionRepo({ version: '1.2.3\n' });
    await work.commit('unrelated', { 'README.md': 'x\n' });
    await work.commit('bump', { version: '1.2.5\n' });
    await work.commit('bump', { version: '2.0.0\n' });
    await work.push(urls.path, 'version');
    const source = fileSource(urls.file);
    expect((await ws.check(source, { number: '1.2.4' })).result).toEqual([
      { number: '1.2.5' },
      { number: '2.0.0' },
    ]);
    expect((await ws.check(source, { number: '1.2.5' })).result).toEqual([
      { number: '1.2.5' },
      { number: '2.0.0' },
    ]);
    expect((await ws.check(source, { number: '0.1.0' })).result).toEqual([
      { number: '1.2.3' },
      { number: '1.2.5' },
      { number: '2.0.0' },
    ]);
    expect((await ws.check(source, { number: '2.0.0' })).result).toEqual([{ number: '2.0.0' }]);
    expect((await ws.check(source, { number: '3.0.0' })).result).toEqual([{ number: '2.0.0' }]);
    const invalid = await ws.check(source, { number: 'garbage' });
    expect(invalid.result).toEqual([{ number: '2.0.0' }]);
    expect(invalid.stderr).toContain("skipping invalid current version 'garbage'");
  });

  it('reads a nested file', async () => {
    const ws = await workspace();
    const { urls } = await versionRepo({ 'config/version.txt': '4.5.6\n' });
    expect((await ws.check(fileSource(urls.file, { file: 'config/version.txt' }))).result).toEqual([
      { number: '4.5.6' },
    ]);
  });

  it('fails with one line naming the field when the file holds garbage', async () => {
    const ws = await workspace();
    const { urls } = await versionRepo({ version: 'not-a-version\n' });
    const out = await ws.check(fileSource(urls.file));
    expect(out.code).toBe(1);
    expect(out.stderr.trim().split('\n')).toHaveLength(1);
    expect(out.stderr).toContain("'version' on branch 'version' holds 'not-a-version'");
  });

  it('authenticates over HTTP basic auth without leaking the password or touching HOME', async () => {
    const ws = await workspace();
    const { urls } = await versionRepo();
    const ok = await ws.check(fileSource(urls.http, { ...AUTH }));
    expect(ok.result).toEqual([{ number: '1.2.3' }]);
    const bad = await ws.check(fileSource(urls.http, { username: 'ci', password: 'canary-wrong-0b7d' }));
    expect(bad.code).toBe(1);
    expect(bad.stderr).not.toContain('canary');
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(await ws.homeEntries()).toEqual([]);
  });

  it('authenticates over SSH, including a key with a passphrase', async () => {
    const ws = await workspace();
    const { urls } = await versionRepo();
    expect((await ws.check(fileSource(urls.ssh, { private_key: servers.ssh.privateKey }))).result).toEqual([
      { number: '1.2.3' },
    ]);
    const encrypted = join(ws.root, 'encrypted-key');
    await copyFile(servers.ssh.privateKeyPath, encrypted);
    await chmod(encrypted, 0o600);
    await execFileAsync('ssh-keygen', ['-p', '-q', '-N', 'canary-passphrase-77', '-P', '', '-f', encrypted]);
    const source = fileSource(urls.ssh, {
      private_key: await readFile(encrypted, 'utf8'),
      private_key_passphrase: 'canary-passphrase-77',
    });
    const out = await ws.check(source);
    expect(out.stderr).not.toContain('canary');
    expect(out.result).toEqual([{ number: '1.2.3' }]);
    expect(await ws.homeEntries()).toEqual([]);
  });
});

describe('git driver: put', () => {
  it('bumps and pushes, with the default commit message and identity', async () => {
    const ws = await workspace();
    const { urls } = await versionRepo();
    const out = await ws.put(fileSource(urls.file), { bump: 'minor' });
    expect(out.result).toEqual({
      version: { number: '1.3.0' },
      metadata: [{ name: 'number', value: '1.3.0' }],
    });
    expect(await remoteFile(urls.path)).toBe('1.3.0\n');
    const log = await git(['--git-dir', urls.path, 'log', '-1', '--format=%an <%ae>|%s', 'version']);
    expect(log).toBe('git <git@localhost>|bump to 1.3.0');
  });

  it('creates the file (nested) and the branch on a first bump from the initial version', async () => {
    const ws = await workspace();
    const { urls } = await versionRepo(null);
    const source = fileSource(urls.http, { ...AUTH, file: 'ci/version', initial_version: '0.0.0' });
    const out = await ws.put(source, { bump: 'minor', pre: 'alpha', build: 'build' });
    expect(out.stderr).not.toContain('canary');
    expect(out.result.version).toEqual({ number: '0.1.0-alpha.1+build.1' });
    expect(await remoteFile(urls.path, 'ci/version')).toBe('0.1.0-alpha.1+build.1\n');
  });

  it('sets a version from a file, with git_user and commit_message placeholders', async () => {
    const ws = await workspace();
    const { urls } = await versionRepo();
    await writeFile(join(ws.sources, 'v'), '9.9.9 trailing words\n');
    const source = fileSource(urls.file, {
      git_user: 'Release Bot <bot@example.com>',
      commit_message: 'set %file% to %version% [ci skip]',
    });
    const out = await ws.put(source, { file: 'v' });
    expect(out.result.version).toEqual({ number: '9.9.9' });
    const log = await git(['--git-dir', urls.path, 'log', '-1', '--format=%an <%ae>|%s', 'version']);
    expect(log).toBe('Release Bot <bot@example.com>|set version to 9.9.9 [ci skip]');
    // the same version again: nothing to commit, still a success
    const again = await ws.put(source, { file: 'v' });
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('nothing to push');
    expect(await git(['--git-dir', urls.path, 'rev-list', '--count', 'version'])).toBe('2');
  });

  it('get_latest reports the stored version without writing', async () => {
    const ws = await workspace();
    const { urls } = await versionRepo();
    const before = await git(['--git-dir', urls.path, 'rev-parse', 'version']);
    const out = await ws.put(fileSource(urls.file), { get_latest: true, bump: 'major' });
    expect(out.result.version).toEqual({ number: '1.2.3' });
    expect(await git(['--git-dir', urls.path, 'rev-parse', 'version'])).toBe(before);
  });

  it('fails the put when the push is refused, and stores nothing', async () => {
    const ws = await workspace();
    const { urls } = await versionRepo();
    const hook = join(urls.path, 'hooks', 'pre-receive');
    await writeFile(hook, '#!/bin/sh\necho "protected branch" >&2\nexit 1\n');
    await chmod(hook, 0o755);
    const out = await ws.put(fileSource(urls.file), { bump: 'patch' });
    expect(out.code).toBe(1);
    expect(out.stdout).toBe('');
    expect(out.stderr).toMatch(/^error: .*git push failed/m);
    expect(await remoteFile(urls.path)).toBe('1.2.3\n');
  });

  it('fails the put when the credentials are wrong', async () => {
    const ws = await workspace();
    const { urls } = await versionRepo();
    const out = await ws.put(fileSource(urls.http, { username: 'ci', password: 'canary-bad-1d2e' }), {
      bump: 'patch',
    });
    expect(out.code).toBe(1);
    expect(out.stdout).toBe('');
    expect(out.stderr).not.toContain('canary');
  });

  it('rejects bad params with one line naming the field', async () => {
    const ws = await workspace();
    const { urls } = await versionRepo();
    const cases: [object, string][] = [
      [{}, 'no version bump specified'],
      [{ file: '../escape' }, "refusing path '../escape'"],
      [{ file: 'missing' }, "params.file 'missing'"],
    ];
    for (const [params, message] of cases) {
      const out = await ws.put(fileSource(urls.file), params);
      expect(out.code, JSON.stringify(params)).toBe(1);
      expect(out.stderr).toContain(message);
      expect(out.stderr.trim().split('\n')).toHaveLength(1);
    }
    const missing = await ws.check({ driver: 'git', uri: urls.file, file: 'version' });
    expect(missing.stderr).toContain("missing required field 'source.branch'");
  });

  it('like the reference, ignores unknown keys and bump values, with a warning naming them', async () => {
    const ws = await workspace();
    const { urls } = await versionRepo();
    const typo = await ws.put(fileSource(urls.file, { brnach: 'x' }), { bmp: 'major' });
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain("warning: ignoring unknown key 'source.brnach' (did you mean 'branch'?)");
    expect(typo.stderr).toContain("warning: ignoring unknown key 'params.bmp' (did you mean 'bump'?)");
    expect(typo.stderr).toMatch(/^error: no version bump specified/m);
    const odd = await ws.put(fileSource(urls.file), { bump: 'Major' });
    expect(odd.code, odd.stderr).toBe(0);
    expect(odd.result.version).toEqual({ number: '1.2.3' });
    expect(odd.stderr).toContain(
      "warning: ignoring params.bump 'Major': it is none of major, minor, patch, final",
    );
    expect(await remoteFile(urls.path)).toBe('1.2.3\n');
  });

  it('ten concurrent bumps end exactly ten patches later, none lost', { timeout: 180_000 }, async () => {
    const ws = await workspace();
    const { urls } = await versionRepo({ version: '1.0.0\n' });
    const source = fileSource(urls.file);
    const results = await Promise.all(
      Array.from({ length: 10 }, () => ws.putDirect(source, { bump: 'patch' })),
    );
    const numbers = results.map((r) => r.version['number']);
    expect(new Set(numbers).size).toBe(10);
    expect(numbers.sort((a, b) => Number(a?.split('.')[2]) - Number(b?.split('.')[2]))).toEqual(
      Array.from({ length: 10 }, (_, i) => `1.0.${i + 1}`),
    );
    expect(await remoteFile(urls.path)).toBe('1.0.10\n');
    expect(await git(['--git-dir', urls.path, 'rev-list', '--count', 'version'])).toBe('11');
  });
});

describe('git driver: skip_ssl_verification (driver_test.go "Git")', () => {
  it('refuses a self-signed HTTPS remote by default, and checks and puts through it when set', async () => {
    await using https = await startGitHttpServer({ root: servers.root, tls: true });
    const { urls } = await versionRepo();
    const uri = https.url(urls.path.slice(servers.root.length + 1));
    const ws = await workspace();
    for (const refused of [
      await ws.check(fileSource(uri)),
      await ws.put(fileSource(uri), { bump: 'patch' }),
    ]) {
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/^error: .*certificate/m);
    }
    const skipping = fileSource(uri, { skip_ssl_verification: true });
    const checked = await ws.check(skipping);
    expect(checked.code, checked.stderr).toBe(0);
    expect(checked.result).toEqual([{ number: '1.2.3' }]);
    const put = await ws.put(skipping, { bump: 'patch' });
    expect(put.code, put.stderr).toBe(0);
    expect(await remoteFile(urls.path)).toBe('1.2.4\n');
  });
});

describe('in', () => {
  it('writes number and version, bumped locally, and answers the requested version', async () => {
    const ws = await workspace();
    const source = { driver: 'git', uri: 'file:///nonexistent', branch: 'b', file: 'f' };
    const out = await ws.get(source, { number: '1.2.3' }, { bump: 'minor', pre: 'rc' });
    expect(out.result).toEqual({
      version: { number: '1.2.3' },
      metadata: [{ name: 'number', value: '1.2.3' }],
    });
    expect(await readFile(join(out.dir, 'number'), 'utf8')).toBe('1.3.0-rc.1');
    expect(await readFile(join(out.dir, 'version'), 'utf8')).toBe('1.3.0-rc.1');
    expect(out.stderr).toContain('bumped locally from 1.2.3 to 1.3.0-rc.1');
    const plain = await ws.get(source, { number: '2.0.0' });
    expect(await readFile(join(plain.dir, 'number'), 'utf8')).toBe('2.0.0');
    const bad = await ws.get(source, { number: 'x' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("version.number 'x' is not a semantic version");
  });

  it('names unsupported drivers instead of crashing', async () => {
    const ws = await workspace();
    const out = await ws.check({ driver: 'swift', bucket: 'b', key: 'k', json_key: 'canary-json-key' });
    expect(out.code).toBe(1);
    expect(out.stderr).toContain("source.driver 'swift' is not supported by this image yet");
    expect(out.stderr).not.toContain('canary');
  });
});
