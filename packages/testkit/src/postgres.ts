// PostgreSQL for tests: a throwaway cluster (Debian's binaries, run as the `postgres` system user
// because PostgreSQL refuses root), trust authentication, no fsync, data and socket in a temp dir.
import { existsSync, readdirSync } from 'node:fs';
import { chmod, chown, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LOOPBACK, freePort, retryOnPortClash, waitUntil } from './ports.js';
import { type ManagedProcess, runCommand, startProcess } from './process.js';
import { tempDir } from './temp.js';

/** Debian's PostgreSQL binaries (`/usr/lib/postgresql/<major>/bin`), the newest major. */
export function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root) ? readdirSync(root).filter((v) => /^\d+$/.test(v)) : [];
  const newest = majors.sort((a, b) => Number(b) - Number(a))[0];
  if (newest === undefined) throw new Error('postgresql is not installed: run scripts/bootstrap');
  return join(root, newest, 'bin');
}

async function systemUser(name: string): Promise<{ uid: number; gid: number }> {
  const line = (await readFile('/etc/passwd', 'utf8')).split('\n').find((l) => l.startsWith(`${name}:`));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined) throw new Error(`no ${name} user: run scripts/bootstrap`);
  return { uid: Number(uid), gid: Number(gid) };
}

/**
 * A new cluster in `data` (its parent must be traversable by `postgres`), superuser `postgres`.
 * Returns the `setpriv` arguments that run a command as `postgres`.
 */
export async function initPostgresCluster(data: string): Promise<string[]> {
  await mkdir(data, { mode: 0o700 });
  const { uid, gid } = await systemUser('postgres');
  await chown(data, uid, gid);
  const asPostgres = ['--reuid', String(uid), '--regid', String(gid), '--clear-groups'];
  await runCommand(
    'setpriv',
    [
      ...asPostgres,
      join(postgresBin(), 'initdb'),
      '-D',
      data,
      '-U',
      'postgres',
      '--auth=trust',
      '-E',
      'UTF8',
    ],
    { name: 'initdb' },
  );
  return asPostgres;
}

/** The server's arguments: 127.0.0.1:`port` and a unix socket in `data`, durability off. */
export function postgresServerArgs(data: string, port: number): string[] {
  return [
    ...['-D', data, '-c', `listen_addresses=${LOOPBACK}`, '-c', `port=${port}`],
    ...['-c', `unix_socket_directories=${data}`, '-c', 'fsync=off', '-c', 'full_page_writes=off'],
  ];
}

/** Resolves once the server in `data` answers on `port`; fails fast when `server` dies. */
export function waitForPostgres(data: string, port: number, server: ManagedProcess): Promise<void> {
  const probe = async () =>
    (
      await runCommand(join(postgresBin(), 'pg_isready'), ['-h', data, '-p', String(port)], {
        allowFailure: true,
      })
    ).code === 0;
  return waitUntil(probe, { name: 'postgres', abort: server.exited, timeoutMs: 30_000 });
}

export interface PostgresServer extends AsyncDisposable {
  readonly port: number;
  /** `postgres://postgres@127.0.0.1:<port>/postgres?sslmode=disable` (trust: no password). */
  readonly url: string;
  readonly process: ManagedProcess;
  stop(): Promise<void>;
}

/** PostgreSQL on a free 127.0.0.1 port, its data in a temp dir removed on stop. */
export function startPostgres(): Promise<PostgresServer> {
  return retryOnPortClash(startOnce);
}

async function startOnce(): Promise<PostgresServer> {
  const dir = await tempDir('hangar-postgres-');
  await chmod(dir.path, 0o755); // postgres must traverse it
  const data = join(dir.path, 'data');
  let server: ManagedProcess | undefined;
  const stop = async () => {
    await server?.stop();
    await dir.remove();
  };
  try {
    const asPostgres = await initPostgresCluster(data);
    const port = await freePort();
    server = startProcess(
      'setpriv',
      [...asPostgres, join(postgresBin(), 'postgres'), ...postgresServerArgs(data, port)],
      { name: 'postgres', env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' } },
    );
    await waitForPostgres(data, port, server);
    return {
      port,
      url: `postgres://postgres@${LOOPBACK}:${port}/postgres?sslmode=disable`,
      process: server,
      stop,
      [Symbol.asyncDispose]: stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
