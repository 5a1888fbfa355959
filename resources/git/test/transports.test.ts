// check, in and out over every transport testkit serves, with credentials passed per process.
// Secrets are canary values that must never appear in anything the resource prints, and HOME
// must stay empty (no ~/.netrc, ~/.ssh/config, ~/.gitconfig).
import { execFileSync } from 'node:child_process';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GitRepo,
  type GitServers,
  git,
  startGitHttpServer,
  startGitServers,
  tempDir,
  type TempDir,
} from '@hangar/testkit';
import { workspace, type Outcome } from './harness.js';

const PASSWORD = 'canary-pw-5e1d';
// Spaces and `!`, as the reference's suite uses: nothing may split or expand it.
const PASSPHRASE = 'canary phrase with spaces! 77b0';
const HTTP_AUTH = { username: 'ci', password: PASSWORD };

let servers: GitServers;
let keys: TempDir;
let encryptedKey: string;
let head: string;

beforeAll(async () => {
  servers = await startGitServers({ httpAuth: HTTP_AUTH });
  keys = await tempDir('hangar-git-keys-');
  const remote = await servers.createBareRepo('app.git');
  const work = await GitRepo.init(join(keys.path, 'work'));
  head = await work.commit('initial', { 'README.md': '# app\n' });
  await work.push(remote.path, 'main');
  const keyFile = join(keys.path, 'encrypted');
  await copyFile(servers.ssh.privateKeyPath, keyFile);
  execFileSync('ssh-keygen', ['-q', '-p', '-P', '', '-N', PASSPHRASE, '-f', keyFile]);
  encryptedKey = await readFile(keyFile, 'utf8');
});

afterAll(async () => {
  await servers?.stop();
  await keys?.remove();
});

const SECRETS = () => [
  PASSWORD,
  PASSPHRASE,
  servers.ssh.privateKey.split('\n')[1] ?? 'x',
  encryptedKey.split('\n')[1] ?? 'x',
];

function expectNoSecrets(outcome: Outcome<unknown>): void {
  for (const secret of SECRETS()) {
    expect(outcome.stdout).not.toContain(secret);
    expect(outcome.stderr).not.toContain(secret);
  }
}

const transports = () => [
  { name: 'path', source: { uri: servers.urls('app.git').path } },
  { name: 'file://', source: { uri: servers.urls('app.git').file } },
  { name: 'git daemon', source: { uri: servers.urls('app.git').git } },
  { name: 'smart HTTP with basic auth', source: { uri: servers.urls('app.git').http, ...HTTP_AUTH } },
  {
    name: 'SSH with a key',
    source: { uri: servers.urls('app.git').ssh, private_key: servers.ssh.privateKey },
  },
  {
    name: 'SSH with a passphrase-protected key',
    source: {
      uri: servers.urls('app.git').ssh,
      private_key: encryptedKey,
      private_key_passphrase: PASSPHRASE,
    },
  },
];

const NAMES = [
  'path',
  'file://',
  'git daemon',
  'smart HTTP with basic auth',
  'SSH with a key',
  'SSH with a passphrase-protected key',
];

describe.each(NAMES.map((name, index) => ({ name, index })))('over $name', ({ index }) => {
  it('checks, gets and pushes with per-process credentials', async () => {
    const { name, source: base } = transports()[index]!;
    const source = { ...base, branch: 'main' };
    const ws = await workspace();
    const checked = await ws.check(source);
    expect(checked.code, `${name}: ${checked.stderr}`).toBe(0);
    const tip = checked.result.at(-1)!;
    const got = await ws.get(source, tip, { depth: 1 });
    expect(got.code, got.stderr).toBe(0);
    expectNoSecrets(got);
    // Decrypting a passphrase-protected key costs ~0.5 s per connection here: check and get suffice.
    if (name.includes('passphrase')) return;
    await writeFile(join(got.dir, `from-${index}.txt`), name);
    await git(['add', '.'], { cwd: got.dir });
    await git(['commit', '-q', '-m', `push over ${name}`], { cwd: got.dir });
    const put = await ws.put(source, { repository: got.dir.split('/').at(-1)!, rebase: true }, ws.root);
    expect(put.code, put.stderr).toBe(0);
    const after = await ws.check(source, tip);
    expect(after.result.map((v) => v.ref)).toContain(put.result.version['ref']);
    for (const outcome of [checked, got, put, after]) expectNoSecrets(outcome);
    expect(await ws.homeEntries()).toEqual([]);
    expect(head).toBeTruthy();
  });
});

describe('skip_ssl_verification', () => {
  it('refuses a self-signed HTTPS remote by default; with it, checks, gets and pushes', async () => {
    await using https = await startGitHttpServer({ root: servers.root, tls: true });
    const remote = await servers.createBareRepo('tls.git');
    await git(['push', '-q', remote.path, 'main'], { cwd: join(keys.path, 'work') });
    const ws = await workspace();
    const refused = await ws.check({ uri: https.url('tls.git'), branch: 'main' });
    expect(refused.code).toBe(128);
    expect(refused.stderr).toMatch(/^error: .*certificate/m);
    const source = { uri: https.url('tls.git'), branch: 'main', skip_ssl_verification: true };
    const checked = await ws.check(source);
    expect(checked.code, checked.stderr).toBe(0);
    const got = await ws.get(source, checked.result.at(-1));
    expect(got.code, got.stderr).toBe(0);
    await writeFile(join(got.dir, 'tls.txt'), 'over https\n');
    await git(['add', '.'], { cwd: got.dir });
    await git(['commit', '-q', '-m', 'push over https'], { cwd: got.dir });
    const repository = got.dir.split('/').at(-1)!;
    const unverified = await ws.put({ ...source, skip_ssl_verification: false }, { repository }, ws.root);
    expect(unverified.code).toBe(128);
    expect(unverified.stderr).toMatch(/^error: .*certificate/m);
    const put = await ws.put(source, { repository }, ws.root);
    expect(put.code, put.stderr).toBe(0);
    expect(await git(['rev-parse', 'main'], { cwd: remote.path })).toBe(put.result.version['ref']);
  });
});

describe('authentication failures', () => {
  it('fails over HTTP with a wrong password without printing it', async () => {
    const ws = await workspace();
    const outcome = await ws.check({
      uri: servers.urls('app.git').http,
      username: 'ci',
      password: 'canary-wrong-pw-0a9',
    });
    expect(outcome.code).toBe(128);
    expect(outcome.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(outcome.stderr).not.toContain('canary-wrong-pw-0a9');
  });

  it('takes an empty username and password as unset, as the reference does after clearing them', async () => {
    const ws = await workspace();
    const outcome = await ws.check({ uri: servers.urls('app.git').git, username: '', password: '' });
    expect(outcome.code, outcome.stderr).toBe(0);
    const tip = await git(['rev-parse', 'main'], { cwd: servers.urls('app.git').path });
    expect(outcome.result).toEqual([{ ref: tip }]);
    expect(await ws.homeEntries()).toEqual([]);
  });

  it('does not print credentials embedded in the uri', async () => {
    const ws = await workspace();
    const uri = servers.urls('app.git').http.replace('http://', 'http://ci:canary-url-pw-3c4@');
    const outcome = await ws.check({ uri: uri.replace('/app.git', '/missing.git') });
    expect(outcome.code).toBe(128);
    expect(outcome.stderr).not.toContain('canary-url-pw-3c4');
  });

  it('refuses an encrypted key without passphrase, naming the field', async () => {
    const ws = await workspace();
    const outcome = await ws.check({ uri: servers.urls('app.git').ssh, private_key: encryptedKey });
    expect(outcome.stderr).toBe(
      'error: source.private_key is protected by a passphrase but private_key_passphrase is not set\n',
    );
  });

  it('verifies the SSH host key when known_hosts is given', async () => {
    const ws = await workspace();
    const knownHosts = await readFile(servers.ssh.knownHostsPath, 'utf8');
    const source = {
      uri: servers.urls('app.git').ssh,
      private_key: servers.ssh.privateKey,
      disable_ci_skip: true,
    };
    expect((await ws.check({ ...source, known_hosts: knownHosts })).code).toBe(0);
    const other = `[127.0.0.1]:${servers.ssh.port} ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHkWpCJ9BFg9ZRaEO0Lw9Q4T6EPdBoLsAFpXmNzPmc4p`;
    const refused = await ws.check({ ...source, known_hosts: other });
    expect(refused.code).toBe(128);
    expect(refused.stderr).toMatch(/Host key verification failed|HOST IDENTIFICATION HAS CHANGED/);
  });
});

describe('other SSH and HTTP credentials', () => {
  it('forwards an agent holding the key with forward_agent, and none without', async () => {
    const remote = await servers.createBareRepo('agent.git');
    await git(['push', '-q', remote.path, 'main'], { cwd: join(keys.path, 'work') });
    // The server side of a push runs this hook in the SSH session: it sees a forwarded agent.
    const seen = join(keys.path, 'agent-keys');
    const hook = join(remote.path, 'hooks', 'pre-receive');
    await writeFile(hook, `#!/bin/sh\nssh-add -l -E sha256 > '${seen}' 2>&1\nexit 0\n`, { mode: 0o755 });
    const fingerprint = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', servers.ssh.privateKeyPath])
      .toString()
      .split(' ')[1]!;

    const ws = await workspace();
    const pushOnce = async (extra: object, file: string) => {
      const source = {
        uri: servers.urls('agent.git').ssh,
        private_key: servers.ssh.privateKey,
        branch: 'main',
        ...extra,
      };
      const got = await ws.get(source, undefined);
      await writeFile(join(got.dir, file), file);
      await git(['add', '.'], { cwd: got.dir });
      await git(['commit', '-q', '-m', file], { cwd: got.dir });
      const put = await ws.put(source, { repository: got.dir.split('/').at(-1)! }, ws.root);
      expect(put.code, put.stderr).toBe(0);
      expectNoSecrets(put);
      return readFile(seen, 'utf8');
    };

    expect(await pushOnce({ forward_agent: true }, 'forwarded')).toContain(fingerprint);
    expect(await pushOnce({}, 'not-forwarded')).not.toContain(fingerprint);
    expect(await ws.homeEntries()).toEqual([]);
  });

  it('logs in as private_key_user when the URI names no user', async () => {
    const ws = await workspace();
    const uri = servers.urls('app.git').ssh.replace(`${servers.ssh.user}@`, '');
    const outcome = await ws.check({
      uri,
      private_key: servers.ssh.privateKey,
      private_key_user: servers.ssh.user,
      disable_ci_skip: true,
    });
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(outcome.result).toEqual([
      { ref: await git(['rev-parse', 'main'], { cwd: servers.urls('app.git').path }) },
    ]);
  });
});
