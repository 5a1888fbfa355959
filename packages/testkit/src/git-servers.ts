// git daemon (git://) plus the composite that serves one directory of bare repositories over every
// transport: plain path, file://, git://, smart HTTP (optionally with basic auth) and SSH.
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { requireBinary } from './bin.js';
import { GitRepo, gitEnv } from './git-repo.js';
import { type BasicAuth, type GitHttpServer, startGitHttpServer } from './git-http-server.js';
import { LOOPBACK, freePort, retryOnPortClash, waitForPort } from './ports.js';
import { type ManagedProcess, startProcess } from './process.js';
import { type SshServer, startSshServer } from './ssh-server.js';
import { type TempDir, tempDir } from './temp.js';

export interface GitDaemon extends AsyncDisposable {
  readonly port: number;
  /** git://127.0.0.1:port/<path relative to the base path> */
  url(relativePath: string): string;
  readonly process: ManagedProcess;
  stop(): Promise<void>;
}

/** `git daemon` on 127.0.0.1 exporting every repository under `basePath`, pushes enabled. */
export function startGitDaemon(basePath: string): Promise<GitDaemon> {
  return retryOnPortClash(() => launchGitDaemon(basePath));
}

async function launchGitDaemon(basePath: string): Promise<GitDaemon> {
  const gitBinary = requireBinary('git');
  const port = await freePort();
  const child = startProcess(
    gitBinary,
    [
      'daemon',
      `--listen=${LOOPBACK}`,
      `--port=${port}`,
      `--base-path=${basePath}`,
      '--export-all',
      '--enable=receive-pack',
      '--reuseaddr',
      '--informative-errors',
      basePath,
    ],
    { name: 'git daemon', env: gitEnv() },
  );
  try {
    await waitForPort(port, { abort: child.exited, name: 'git daemon' });
  } catch (error) {
    await child.stop();
    throw error;
  }
  const stop = () => child.stop();
  return {
    port,
    url: (path) => `git://${LOOPBACK}:${port}/${path.replace(/^\//, '')}`,
    process: child,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

export interface GitRemoteUrls {
  /** Absolute filesystem path of the bare repository. */
  path: string;
  file: string;
  git: string;
  /** Smart HTTP without credentials. */
  http: string;
  /** Smart HTTP with the server's basic-auth credentials in the userinfo (same as `http` without auth). */
  httpWithCredentials: string;
  ssh: string;
}

export interface GitServers extends AsyncDisposable {
  /** Directory holding the served bare repositories. */
  readonly root: string;
  readonly daemon: GitDaemon;
  readonly http: GitHttpServer;
  readonly ssh: SshServer;
  /** Environment for git clients: no global config, no prompts, GIT_SSH_COMMAND for `ssh`. */
  readonly clientEnv: Record<string, string>;
  /** Creates `<root>/<name>` as a bare repository (name like "repo.git"). */
  createBareRepo(name: string, options?: { branch?: string }): Promise<GitRepo>;
  /** The URL of `<root>/<name>` for each transport. */
  urls(name: string): GitRemoteUrls;
  stop(): Promise<void>;
}

export interface GitServersOptions {
  /** Basic auth for smart HTTP; omit for anonymous access. */
  httpAuth?: BasicAuth;
}

/** Starts git daemon, smart HTTP and sshd over one fresh temp directory of bare repositories. */
export async function startGitServers(options: GitServersOptions = {}): Promise<GitServers> {
  const root: TempDir = await tempDir('hangar-git-');
  // allSettled, not all: when one server fails the others must still be known so they get stopped.
  const [daemonResult, httpResult, sshResult] = await Promise.allSettled([
    startGitDaemon(root.path),
    startGitHttpServer({ root: root.path, ...(options.httpAuth ? { auth: options.httpAuth } : {}) }),
    startSshServer(),
  ]);
  const started = [daemonResult, httpResult, sshResult].flatMap((r) =>
    r.status === 'fulfilled' ? [r.value] : [],
  );
  const stop = async () => {
    await Promise.allSettled(started.map((service) => service.stop()));
    await root.remove();
  };
  try {
    const daemon = valueOf(daemonResult);
    const http = valueOf(httpResult);
    const ssh = valueOf(sshResult);
    const clientEnv = { ...ssh.env };
    const urls = (name: string): GitRemoteUrls => {
      const path = join(root.path, name);
      const relativePath = relative(root.path, path);
      return {
        path,
        file: pathToFileURL(path).href,
        git: daemon.url(relativePath),
        http: http.url(relativePath),
        httpWithCredentials: options.httpAuth
          ? http.urlWithCredentials(relativePath)
          : http.url(relativePath),
        ssh: ssh.url(path),
      };
    };
    return {
      root: root.path,
      daemon,
      http,
      ssh,
      clientEnv,
      createBareRepo: (name, repoOptions = {}) =>
        GitRepo.initBare(join(root.path, name), { env: clientEnv, ...repoOptions }),
      urls,
      stop,
      [Symbol.asyncDispose]: stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

function valueOf<T>(result: PromiseSettledResult<T>): T {
  if (result.status === 'rejected') throw result.reason;
  return result.value;
}
