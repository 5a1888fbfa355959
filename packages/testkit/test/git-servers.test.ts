import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GitRepo,
  type GitServers,
  assertLoopbackOnly,
  git,
  gitEnv,
  requireBinary,
  runCommand,
  startGitHttpServer,
  startGitServers,
  tempDir,
  type TempDir,
} from '../src/index.js';

const auth = { username: 'hangar', password: 'correct-horse' };

describe('git servers', () => {
  let servers: GitServers;
  let work: TempDir;
  let remote: GitRepo;
  let head: string;

  beforeAll(async () => {
    work = await tempDir('hangar-git-clients-');
    servers = await startGitServers({ httpAuth: auth });
    remote = await servers.createBareRepo('repo.git');
    const source = await GitRepo.init(join(work.path, 'source'));
    await source.commit('initial', { 'README.md': 'hello over every transport\n' });
    head = await source.commit('second', { 'data.txt': 'data\n' });
    await source.addRemote('origin', servers.urls('repo.git').path);
    await source.push('origin', 'main');
  });
  afterAll(async () => {
    await servers?.stop();
    await work?.remove();
  });

  it('serves git://, HTTP and SSH on 127.0.0.1 only', async () => {
    await assertLoopbackOnly(servers.daemon.port);
    await assertLoopbackOnly(servers.http.port);
    await assertLoopbackOnly(servers.ssh.port);
  });

  it('exposes one URL per transport', () => {
    const urls = servers.urls('repo.git');
    expect(urls.path).toBe(remote.path);
    expect(urls.file).toBe(`file://${remote.path}`);
    expect(urls.git).toBe(`git://127.0.0.1:${servers.daemon.port}/repo.git`);
    expect(urls.http).toBe(`http://127.0.0.1:${servers.http.port}/repo.git`);
    expect(urls.httpWithCredentials).toBe(
      `http://hangar:correct-horse@127.0.0.1:${servers.http.port}/repo.git`,
    );
    expect(urls.ssh).toBe(`ssh://${servers.ssh.user}@127.0.0.1:${servers.ssh.port}${remote.path}`);
  });

  it.each(['path', 'file', 'git', 'httpWithCredentials', 'ssh'] as const)(
    'clones over %s',
    async (transport) => {
      const clone = await GitRepo.clone(
        servers.urls('repo.git')[transport],
        join(work.path, `clone-${transport}`),
        {
          env: servers.clientEnv,
        },
      );
      expect(await clone.revParse('HEAD')).toBe(head);
      expect(await readFile(join(clone.path, 'README.md'), 'utf8')).toBe('hello over every transport\n');
    },
  );

  it('refuses HTTP with a wrong password or none', async () => {
    const wrong = servers.http.urlWithCredentials('repo.git', { username: 'hangar', password: 'wrong' });
    await expect(git(['ls-remote', wrong])).rejects.toThrow(/Authentication failed/);
    await expect(git(['ls-remote', servers.urls('repo.git').http])).rejects.toThrow(
      /could not read Username/,
    );
    // The error names the URL without the password.
    await expect(git(['ls-remote', wrong])).rejects.not.toThrow(/wrong/);
  });

  it('answers smart HTTP discovery as a CGI gateway', async () => {
    const discovery = `${servers.http.url('repo.git')}/info/refs?service=git-upload-pack`;
    const anonymous = await fetch(discovery);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic /);
    const authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
    const response = await fetch(discovery, { headers: { Authorization: authorization } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-git-upload-pack-advertisement');
    expect(await response.text()).toContain(`${head} refs/heads/main`);
    const missing = await fetch(servers.http.url('nope.git/info/refs'), {
      headers: { Authorization: authorization },
    });
    expect(missing.status).toBe(404);
  });

  it.each(['httpWithCredentials', 'ssh', 'git'] as const)('pushes over %s', async (transport) => {
    const clone = await GitRepo.clone(
      servers.urls('repo.git')[transport],
      join(work.path, `push-${transport}`),
      {
        env: servers.clientEnv,
      },
    );
    const pushed = await clone.commit(`pushed over ${transport}`, { [`${transport}.txt`]: `${transport}\n` });
    await clone.push('origin', `HEAD:refs/heads/from-${transport}`);
    expect(await remote.revParse(`from-${transport}`)).toBe(pushed);
  });

  it('serves HTTPS with a self-signed certificate that git refuses unless told to trust or skip it', async () => {
    await using https = await startGitHttpServer({ root: servers.root, tls: true });
    const url = https.url('repo.git');
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/repo\.git$/);
    await expect(git(['ls-remote', url])).rejects.toThrow(/certificate verification failed/);
    expect(await git(['-c', 'http.sslVerify=false', 'ls-remote', url, 'main'])).toContain(head);
    const ca = join(work.path, 'https-ca.pem');
    await writeFile(ca, https.certificate ?? '');
    expect(await git(['-c', `http.sslCAInfo=${ca}`, 'ls-remote', url, 'main'])).toContain(head);
  });

  it('accepts gzip-compressed request bodies', async () => {
    // git gzips upload-pack requests over 1 KiB: wanting 40 distinct branch tips is enough.
    const many = await servers.createBareRepo('many.git');
    const stream = Array.from(
      { length: 40 },
      (_, i) =>
        `commit refs/heads/b${i}\ncommitter T <t@example.invalid> ${1_767_225_600 + i} +0000\ndata 3\nb${i}\n\n`,
    ).join('');
    await runCommand(requireBinary('git'), ['fast-import', '--quiet'], {
      cwd: many.path,
      env: gitEnv(),
      input: stream,
    });
    const before = servers.http.requests.length;

    const clone = await GitRepo.clone(servers.urls('many.git').httpWithCredentials, join(work.path, 'many'), {
      env: servers.clientEnv,
      args: ['--no-checkout'],
    });
    expect((await clone.run('branch', '--remotes')).split('\n')).toHaveLength(40);
    const posts = servers.http.requests.slice(before).filter((r) => r.method === 'POST');
    expect(posts.some((r) => r.contentEncoding === 'gzip' && r.status === 200)).toBe(true);
  });
});
