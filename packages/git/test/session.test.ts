import { execFileSync } from 'node:child_process';
import { copyFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitRepo, type GitServers, startConnectProxy, startGitServers, tempDir } from '@hangar/testkit';
import { GitCommandError, openGitSession, type GitSessionOptions } from '../src/index.js';

const HTTP_AUTH = { username: 'ci-user', password: 'canary-http-pw-7f3a' };
const PASSPHRASE = 'canary-passphrase-91c2';
const PROXY_PASSWORD = 'canary-proxy-pw-3d1e';

let servers: GitServers;
let home: string;
let head: string;
let encryptedKey: string;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  servers = await startGitServers({ httpAuth: HTTP_AUTH });
  const work = await tempDir('hangar-git-session-test-');
  cleanups.push(() => work.remove());
  const fakeHome = await tempDir('hangar-git-home-');
  cleanups.push(() => fakeHome.remove());
  home = fakeHome.path;
  const remote = await servers.createBareRepo('app.git');
  const source = await GitRepo.init(join(work.path, 'source'));
  head = await source.commit('initial', { 'README.md': '# app\n' });
  await source.push(remote.path, 'main');
  const keyCopy = join(work.path, 'encrypted_key');
  await copyFile(servers.ssh.privateKeyPath, keyCopy);
  execFileSync('ssh-keygen', ['-q', '-p', '-P', '', '-N', PASSPHRASE, '-f', keyCopy]);
  encryptedKey = execFileSync('cat', [keyCopy]).toString();
});

afterAll(async () => {
  await servers?.stop();
  for (const cleanup of cleanups) await cleanup();
});

async function lsRemoteHead(url: string, options: GitSessionOptions): Promise<string> {
  await using session = await openGitSession({ ...options, parentEnv: { ...process.env, HOME: home } });
  return (await session.git.output(['ls-remote', url, 'refs/heads/main'])).split('\t')[0] ?? '';
}

describe('per-process credentials', () => {
  it('authenticates over smart HTTP with username and password', async () => {
    expect(await lsRemoteHead(servers.urls('app.git').http, HTTP_AUTH)).toBe(head);
  });

  it('authenticates over HTTP with per-host credentials', async () => {
    const host = new URL(servers.http.baseUrl).host;
    expect(
      await lsRemoteHead(servers.urls('app.git').http, { hostCredentials: [{ host, ...HTTP_AUTH }] }),
    ).toBe(head);
  });

  it('fails without credentials, and the error holds no secret', async () => {
    const error = await lsRemoteHead(servers.urls('app.git').http, {
      username: 'ci-user',
      password: 'wrong-canary-pw',
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GitCommandError);
    expect(String((error as Error).message)).not.toContain('wrong-canary-pw');
  });

  it('fails for lack of credentials when none are given (askpass gives no empty answer)', async () => {
    const error = await lsRemoteHead(servers.urls('app.git').http, {}).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GitCommandError);
    expect((error as Error).message).toMatch(/could not read Username for 'http:\/\/127\.0\.0\.1:\d+'/);
  });

  it('authenticates over SSH with a private key', async () => {
    expect(await lsRemoteHead(servers.urls('app.git').ssh, { privateKey: servers.ssh.privateKey })).toBe(
      head,
    );
  });

  it('tunnels SSH through an HTTP CONNECT proxy with basic auth (https_tunnel)', async () => {
    await using proxy = await startConnectProxy({ auth: { username: 'tunnel', password: PROXY_PASSWORD } });
    const url = servers.urls('app.git').ssh;
    const tunnel = { proxyHost: '127.0.0.1', proxyPort: proxy.port, proxyUser: 'tunnel' };
    const options = { privateKey: servers.ssh.privateKey };
    expect(
      await lsRemoteHead(url, { ...options, httpsTunnel: { ...tunnel, proxyPassword: PROXY_PASSWORD } }),
    ).toBe(head);
    expect(proxy.tunnels).toEqual([`127.0.0.1:${servers.ssh.port}`]);
    const error = await lsRemoteHead(url, {
      ...options,
      httpsTunnel: { ...tunnel, proxyPassword: 'wrong-proxy-canary' },
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GitCommandError);
    expect(String((error as Error).message)).not.toContain('wrong-proxy-canary');
    expect(proxy.tunnels).toHaveLength(1);
  });

  it('authenticates over SSH with a passphrase-protected key', async () => {
    const options = { privateKey: encryptedKey, privateKeyPassphrase: PASSPHRASE };
    expect(await lsRemoteHead(servers.urls('app.git').ssh, options)).toBe(head);
  });

  it('forwards the key through a private ssh-agent that stops with the session', async () => {
    const session = await openGitSession({
      privateKey: encryptedKey,
      privateKeyPassphrase: PASSPHRASE,
      forwardAgent: true,
    });
    const socket = session.env['SSH_AUTH_SOCK'] ?? '';
    expect(socket.startsWith(session.dir)).toBe(true);
    const listed = execFileSync('ssh-add', ['-l'], {
      env: { ...process.env, SSH_AUTH_SOCK: socket },
    }).toString();
    expect(listed).toContain('ED25519');
    expect(
      (await session.git.output(['ls-remote', servers.urls('app.git').ssh, 'refs/heads/main'])).startsWith(
        head,
      ),
    ).toBe(true);
    await session.close();
    await expect(readdir(session.dir)).rejects.toThrow();
  });

  it('refuses an encrypted key without passphrase, naming the field', async () => {
    await expect(openGitSession({ privateKey: encryptedKey })).rejects.toThrow(
      /source\.private_key is protected by a passphrase but private_key_passphrase is not set/,
    );
  });

  it('refuses a malformed key, naming the field', async () => {
    await expect(
      openGitSession({ privateKey: 'not a key', keyField: 'source.submodule_credentials[0].private_key' }),
    ).rejects.toThrow(/source\.submodule_credentials\[0\]\.private_key is not a valid SSH private key/);
  });

  it('accepts a key with CRLF line ends and no final newline', async () => {
    const mangled = servers.ssh.privateKey.trim().replace(/\n/g, '\r\n');
    expect(await lsRemoteHead(servers.urls('app.git').ssh, { privateKey: mangled })).toBe(head);
  });

  it('verifies host keys when known_hosts is given', async () => {
    const knownHosts = execFileSync('cat', [servers.ssh.knownHostsPath]).toString();
    const options = { privateKey: servers.ssh.privateKey };
    expect(await lsRemoteHead(servers.urls('app.git').ssh, { ...options, knownHosts })).toBe(head);
    const wrong = knownHosts.replace(
      /ssh-ed25519 \S+/,
      'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHkWpCJ9BFg9ZRaEO0Lw9Q4T6EPdBoLsAFpXmNzPmc4p',
    );
    await expect(
      lsRemoteHead(servers.urls('app.git').ssh, { ...options, knownHosts: wrong }),
    ).rejects.toThrow(/Host key verification failed|REMOTE HOST IDENTIFICATION/);
  });

  it('writes nothing to HOME and leaves no files behind', async () => {
    expect(await readdir(home)).toEqual([]);
    const session = await openGitSession({ ...HTTP_AUTH, privateKey: servers.ssh.privateKey });
    const dir = session.dir;
    await session.close();
    await expect(readdir(dir)).rejects.toThrow();
  });
});

describe('per-process configuration', () => {
  it('passes values with quotes and shell metacharacters literally', async () => {
    const value = `it's "$(touch /tmp/hangar-pwned)" \`id\` ; $HOME \\n`;
    await using session = await openGitSession({ config: [['hangar.test', value]] });
    expect(await session.git.run(['config', '--get', 'hangar.test'])).toBe(`${value}\n`);
  });

  it('keeps the ext:: transport disabled even if git_config enables it', async () => {
    await using session = await openGitSession({ config: [['protocol.ext.allow', 'always']] });
    expect(await session.git.output(['config', '--get-all', 'protocol.ext.allow'])).toMatch(/never$/);
  });

  it('ignores GIT_* variables of the parent process', async () => {
    await using session = await openGitSession({ parentEnv: { ...process.env, GIT_DIR: '/nonexistent' } });
    expect(session.env['GIT_DIR']).toBeUndefined();
  });
});
