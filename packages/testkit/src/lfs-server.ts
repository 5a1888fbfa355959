// A Git LFS server: git-lfs's own integration-test server (`lfstest-gitserver`, built by
// scripts/bootstrap), which serves bare repositories over smart HTTP and the LFS batch API with
// in-memory object storage. It binds 127.0.0.1 on a port the kernel picks and writes its URL to a
// file, which is polled; then its /status endpoint is.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { requireBinary } from './bin.js';
import { GitRepo } from './git-repo.js';
import { waitForHttp, waitUntil } from './ports.js';
import { type ManagedProcess, startProcess } from './process.js';
import { tempDir } from './temp.js';

/** The only basic-auth pair the server accepts on its LFS API (git itself needs none). */
export const LFS_SERVER_CREDENTIALS = { username: 'user', password: 'pass' } as const;

export interface LfsServer extends AsyncDisposable {
  /** http://127.0.0.1:port */
  readonly baseUrl: string;
  readonly port: number;
  /** Directory holding the served bare repositories. */
  readonly root: string;
  readonly credentials: typeof LFS_SERVER_CREDENTIALS;
  /** Creates `<root>/<name>` (like "app.git") as a bare repository that accepts pushes over HTTP. */
  createBareRepo(name: string): Promise<GitRepo>;
  /** http://127.0.0.1:port/<name>, without credentials. */
  url(name: string): string;
  /** The same URL with the server's credentials as userinfo, for pushing LFS objects from a test. */
  urlWithCredentials(name: string): string;
  readonly process: ManagedProcess;
  stop(): Promise<void>;
}

/** `lfstest-gitserver` on 127.0.0.1 serving the bare repositories of a fresh temp dir. */
export async function startLfsServer(): Promise<LfsServer> {
  const binary = requireBinary('lfstest-gitserver');
  const dir = await tempDir('hangar-lfs-');
  const root = join(dir.path, 'repos');
  const state = (name: string) => join(dir.path, name);
  // Every file the server writes goes into the temp dir, never into the working directory.
  const child = startProcess(binary, [], {
    name: 'lfstest-gitserver',
    cwd: dir.path,
    env: {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOME: dir.path,
      LFSTEST_DIR: root,
      LFSTEST_URL: state('url'),
      LFSTEST_SSL_URL: state('ssl-url'),
      LFSTEST_CLIENT_CERT_URL: state('client-cert-url'),
      LFSTEST_CERT: state('cert.pem'),
      LFSTEST_CLIENT_CERT: state('client-cert.pem'),
      LFSTEST_CLIENT_KEY: state('client-key.pem'),
      LFSTEST_CLIENT_KEY_ENCRYPTED: state('client-key-encrypted.pem'),
    },
  });
  const stop = async () => {
    await child.stop();
    await dir.remove();
  };
  let baseUrl = '';
  try {
    await waitUntil(
      async () => {
        baseUrl = (await readFile(state('url'), 'utf8')).trim();
        return baseUrl.startsWith('http://');
      },
      { abort: child.exited, name: 'lfstest-gitserver' },
    );
    await waitForHttp(`${baseUrl}/status`, { abort: child.exited, name: 'lfstest-gitserver' });
  } catch (error) {
    await stop();
    throw error;
  }
  const { username, password } = LFS_SERVER_CREDENTIALS;
  const url = (name: string) => `${baseUrl}/${name.replace(/^\//, '')}`;
  return {
    baseUrl,
    port: Number(new URL(baseUrl).port),
    root,
    credentials: LFS_SERVER_CREDENTIALS,
    async createBareRepo(name) {
      const repo = await GitRepo.initBare(join(root, name));
      // The server runs `git http-backend` without REMOTE_USER, so pushes need this switched on.
      await repo.run('config', 'http.receivepack', 'true');
      return repo;
    },
    url,
    urlWithCredentials: (name) => url(name).replace('http://', `http://${username}:${password}@`),
    process: child,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
