// The behaviours concourse/semver-resource's own suites check, restated against real remotes:
// test/check.sh and test/put.sh (git driver) over testkit's git servers, and the Go suites of
// check/, in/ and out/ (s3 driver) on MinIO. Where we differ on purpose (nothing written to $HOME),
// the test pins our behaviour; see the README.
import { execFile } from 'node:child_process';
import { copyFile, chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GitRepo,
  git,
  startGitServers,
  startMinio,
  type GitServers,
  type MinioServer,
} from '@hangar/testkit';
import { workspace } from './harness.js';

const CANARY = 'canary-semver-ref-4c1d';
let servers: GitServers;
let minio: MinioServer;
let count = 0;

beforeAll(async () => {
  [servers, minio] = await Promise.all([
    startGitServers({ httpAuth: { username: 'ci', password: CANARY } }),
    startMinio(),
  ]);
});
afterAll(async () => {
  await Promise.all([servers?.stop(), minio?.stop()]);
});

/** A served bare repository on `master`, as the reference's init_repo makes, with a work tree. */
async function repo() {
  const name = `semver-ref-${++count}.git`;
  await servers.createBareRepo(name);
  const urls = servers.urls(name);
  const work = await GitRepo.init(join(servers.root, `${name}-work`), { branch: 'master' });
  await work.commit('init');
  await work.push(urls.path, 'master');
  const setVersion = async (version: string, file = 'some-file') => {
    await work.commit(`set version to ${version}`, { [file]: `${version}\n` });
    await work.push(urls.path, 'master');
  };
  const show = (what: string) => git(['--git-dir', urls.path, ...what.split(' ')]);
  return { urls, setVersion, show };
}

const gitSource = (uri: string, extra: object = {}) => ({
  driver: 'git',
  uri,
  branch: 'master',
  file: 'some-file',
  ...extra,
});

describe('git driver (test/check.sh)', () => {
  it('answers the initial version without a file, then the current one, and walks back from a cursor', async () => {
    const ws = await workspace();
    const { urls, setVersion } = await repo();
    expect((await ws.check(gitSource(urls.file))).result).toEqual([{ number: '0.0.0' }]);
    expect((await ws.check(gitSource(urls.file, { initial_version: '0.1.2' }))).result).toEqual([
      { number: '0.1.2' },
    ]);
    await setVersion('1.2.3');
    const from = async (number: string) => (await ws.check(gitSource(urls.file), { number })).result;
    const numbers = (...list: string[]) => list.map((number) => ({ number }));
    expect((await ws.check(gitSource(urls.file))).result).toEqual(numbers('1.2.3'));
    expect(await from('1.2.3')).toEqual(numbers('1.2.3'));
    expect(await from('1.2.4')).toEqual(numbers('1.2.3'));
    await setVersion('1.2.5');
    expect(await from('1.2.4')).toEqual(numbers('1.2.5'));
    await setVersion('2.0.0');
    expect(await from('1.2.4')).toEqual(numbers('1.2.5', '2.0.0'));
    expect(await from('1.2.3')).toEqual(numbers('1.2.3', '1.2.5', '2.0.0'));
    expect(await from('0.1.0')).toEqual(numbers('1.2.3', '1.2.5', '2.0.0'));
  });

  it("refuses a key with a passphrase when private_key_passphrase is not set, in the reference's words", async () => {
    const ws = await workspace();
    const { urls, setVersion } = await repo();
    await setVersion('1.2.3');
    const key = join(ws.root, 'key-with-passphrase');
    await copyFile(servers.ssh.privateKeyPath, key);
    await chmod(key, 0o600);
    await promisify(execFile)('ssh-keygen', ['-p', '-q', '-N', 'some-passphrase', '-P', '', '-f', key]);
    const out = await ws.check(gitSource(urls.file, { private_key: await readFile(key, 'utf8') }));
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('private keys with passphrases are not supported');
    expect(out.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('accepts empty credentials; with credentials, a failed check prints no secret; $HOME stays empty', async () => {
    const ws = await workspace();
    const { urls, setVersion } = await repo();
    await setVersion('1.2.3');
    const empty = await ws.check(gitSource(urls.file, { username: '', password: '' }));
    expect(empty.result).toEqual([{ number: '1.2.3' }]);
    const withCredentials = await ws.check(gitSource(urls.http, { username: 'ci', password: CANARY }));
    expect(withCredentials.result).toEqual([{ number: '1.2.3' }]);
    const failed = await ws.check(
      gitSource(join(ws.root, 'non_existent_repo'), { username: 'u', password: CANARY }),
    );
    expect(failed.code).toBe(1);
    expect(failed.stderr).not.toContain(CANARY);
    // The reference writes and deletes ~/.netrc; we never write it.
    expect(await ws.homeEntries()).toEqual([]);
  });

  it('reads a nested file, then a root file of another repository in the same $TMPDIR', async () => {
    const ws = await workspace();
    const nested = await repo();
    await nested.setVersion('2.3.4', 'config/version.txt');
    expect((await ws.check(gitSource(nested.urls.file, { file: 'config/version.txt' }))).result).toEqual([
      { number: '2.3.4' },
    ]);
    const root = await repo();
    await root.setVersion('1.0.0', 'VERSION');
    expect((await ws.check(gitSource(root.urls.file, { file: 'VERSION' }))).result).toEqual([
      { number: '1.0.0' },
    ]);
  });
});

describe('git driver (test/put.sh)', () => {
  it('sets the version from a file: the first one, the same one, and over another', async () => {
    const ws = await workspace();
    await writeFile(join(ws.sources, 'some-new-file'), '1.2.3\n');
    for (const before of [undefined, '1.2.3', '0.0.1']) {
      const { urls, setVersion, show } = await repo();
      if (before) await setVersion(before);
      const put = await ws.put(gitSource(urls.file), { file: 'some-new-file' });
      expect(put.code, put.stderr).toBe(0);
      expect(put.result.version).toEqual({ number: '1.2.3' });
      expect(await show('show master:some-file')).toBe('1.2.3');
    }
  });

  it('bumps the first version, from initial_version, and over an existing one', async () => {
    const ws = await workspace();
    const params = { bump: 'minor', pre: 'alpha', build: 'build' };
    const cases: [string | undefined, object, string][] = [
      [undefined, {}, '0.1.0-alpha.1+build.1'],
      [undefined, { initial_version: '1.2.3' }, '1.3.0-alpha.1+build.1'],
      ['1.2.3', {}, '1.3.0-alpha.1+build.1'],
    ];
    for (const [before, extra, expected] of cases) {
      const { urls, setVersion, show } = await repo();
      if (before) await setVersion(before);
      const put = await ws.put(gitSource(urls.file, extra), params);
      expect(put.result.version).toEqual({ number: expected });
      expect(await show('show master:some-file')).toBe(expected);
    }
  });

  it('commits with commit_message as given, %file% and %version% replaced', async () => {
    const ws = await workspace();
    const params = { bump: 'minor', pre: 'alpha', build: 'build' };
    for (const [template, expected] of [
      ['This is a commit message', 'This is a commit message'],
      [
        'This is a commit message on %file% with %version%',
        'This is a commit message on some-file with 1.3.0-alpha.1+build.1',
      ],
    ]) {
      const { urls, setVersion, show } = await repo();
      await setVersion('1.2.3');
      expect((await ws.put(gitSource(urls.file, { commit_message: template }), params)).code).toBe(0);
      expect(await show('log -n1 --pretty=%B master')).toBe(expected);
    }
  });
});

describe('s3 driver on MinIO (the Go suites of check/, in/ and out/)', () => {
  const s3Source = (extra: object = {}) => ({
    bucket: minio.unversionedBucket,
    key: `reference/version-${++count}`,
    access_key_id: minio.credentials.accessKeyId,
    secret_access_key: minio.credentials.secretAccessKey,
    endpoint: minio.endpoint,
    region_name: 'us-east-1',
    ...extra,
  });
  const store = async (key: string, body: string) =>
    minio.client().send(
      new PutObjectCommand({
        Bucket: minio.unversionedBucket,
        Key: key,
        Body: body,
        ContentType: 'text/plain',
      }),
    );
  const stored = async (key: string) =>
    (await (
      await minio.client().send(new GetObjectCommand({ Bucket: minio.unversionedBucket, Key: key }))
    ).Body?.transformToString()) ?? '';

  it('check: the initial version (default 0.0.0) for a missing object, nothing with a cursor, else the stored one', async () => {
    const ws = await workspace();
    // The Go request sends every field; driver "" means s3.
    const source = s3Source({ driver: '', initial_version: '' });
    expect((await ws.check(source)).result).toEqual([{ number: '0.0.0' }]);
    expect((await ws.check({ ...source, initial_version: '10.9.8' })).result).toEqual([{ number: '10.9.8' }]);
    expect((await ws.check(source, { number: '1.2.3' })).result).toEqual([]);
    await store(source.key, '1.2.4');
    expect((await ws.check(source, { number: '1.2.3' })).result).toEqual([{ number: '1.2.4' }]);
    await store(source.key, '1.2.3');
    expect((await ws.check(source, { number: '1.2.3' })).result).toEqual([{ number: '1.2.3' }]);
    expect((await ws.check(source)).result).toEqual([{ number: '1.2.3' }]);
  });

  it('out: sets the version from a file', async () => {
    const ws = await workspace();
    const source = s3Source();
    await writeFile(join(ws.sources, 'number'), '1.2.3');
    const put = await ws.put(source, { file: 'number' });
    expect(put.result).toEqual({
      version: { number: '1.2.3' },
      metadata: [{ name: 'number', value: '1.2.3' }],
    });
    expect(await stored(source.key)).toBe('1.2.3');
  });

  // [stored, params, result]. One case differs from out_test.go: it expects 1.3.0+build.1 after
  // minor + build on 1.2.3+build.2, but the reference's code keeps build metadata on a minor bump
  // and then counts on (1.3.0+build.3); we do what its code does.
  const bumps: [string, object, string][] = [
    ['1.2.3', { bump: 'final' }, '1.2.3'],
    ['1.2.3', { bump: 'patch' }, '1.2.4'],
    ['1.2.3', { bump: 'minor' }, '1.3.0'],
    ['1.2.3', { bump: 'major' }, '2.0.0'],
    ['1.2.3', { pre: 'alpha' }, '1.2.3-alpha.1'],
    ['1.2.3', { pre: 'alpha', bump: 'minor' }, '1.3.0-alpha.1'],
    ['1.2.3-alpha.2', { pre: 'alpha' }, '1.2.3-alpha.3'],
    ['1.2.3-alpha.2', { pre: 'alpha', bump: 'minor' }, '1.3.0-alpha.1'],
    ['1.2.3-beta.2', { pre: 'alpha' }, '1.2.3-alpha.1'],
    ['1.2.3-beta.2', { pre: 'alpha', bump: 'minor' }, '1.3.0-alpha.1'],
    ['1.2.3', { build: 'build' }, '1.2.3+build.1'],
    ['1.2.3', { build: 'build', bump: 'minor' }, '1.3.0+build.1'],
    ['1.2.3+build.2', { build: 'build' }, '1.2.3+build.3'],
    ['1.2.3+build.2', { build: 'build', bump: 'minor' }, '1.3.0+build.3'],
    ['1.2.3+other.2', { build: 'build' }, '1.2.3+build.1'],
    ['1.2.3+other.2', { build: 'build', bump: 'minor' }, '1.3.0+build.1'],
  ];

  it.each(bumps)('out: %s with %j stores and reports %s', async (before, params, expected) => {
    const ws = await workspace();
    const source = s3Source();
    await store(source.key, before);
    const put = await ws.put(source, params);
    expect(put.result.version, put.stderr).toEqual({ number: expected });
    expect(await stored(source.key)).toBe(expected);
  });

  it.each([
    ['', '1.2.3'],
    ['final', '1.2.3'],
    ['patch', '1.2.4'],
    ['minor', '1.3.0'],
    ['major', '2.0.0'],
  ])(
    'in: bump %j writes %s to number and version, and answers the version asked for',
    async (bump, expected) => {
      const ws = await workspace();
      const got = await ws.get(s3Source(), { number: '1.2.3' }, { bump });
      expect(got.result).toEqual({
        version: { number: '1.2.3' },
        metadata: [{ name: 'number', value: '1.2.3' }],
      });
      expect(await readFile(join(got.dir, 'number'), 'utf8')).toBe(expected);
      expect(await readFile(join(got.dir, 'version'), 'utf8')).toBe(expected);
    },
  );
});
