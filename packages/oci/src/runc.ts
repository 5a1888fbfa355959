// Runs one command inside an unpacked rootfs with runc: a generated runtime-spec config.json in a
// throw-away bundle, piped stdio, a timeout that kills the container, and state cleaned up after.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { ConfigError, ProtocolError } from '@hangar/resource-sdk';

export interface BindMount {
  /** Host path. */
  source: string;
  /** Absolute path inside the container. */
  destination: string;
  readonly?: boolean;
}

export interface RuncRunOptions {
  /** The unpacked root filesystem (e.g. `unpackImage(...).rootfs`'s directory). */
  rootfs: string;
  /** argv; `args[0]` is resolved with the container's PATH. */
  args: readonly string[];
  /** Working directory inside the container (created if missing). Default `/`. */
  cwd?: string;
  /** `KEY=value` strings or a record; default: only PATH. */
  env?: readonly string[] | Readonly<Record<string, string>>;
  /** Numeric ids; default root. `resolveContainerUser` turns an image's `User` into these. */
  user?: { uid: number; gid: number; additionalGids?: number[] };
  /** Bytes for the process's stdin (closed after writing). Default: empty stdin. */
  stdin?: string | Uint8Array;
  /** Host directories bind-mounted into the container, e.g. `/tmp/build/get`. */
  binds?: readonly BindMount[];
  /** Share the host's network namespace (for tests against services on 127.0.0.1). Default: own, isolated namespace. */
  hostNetwork?: boolean;
  /** Mount the rootfs read-only (writes only to /tmp, binds and /dev). Default false. */
  readonlyRootfs?: boolean;
  /** Kill the container after this many milliseconds. */
  timeoutMs?: number;
  hostname?: string;
  /** runc binary (default `runc` on PATH) and its `--root` state directory (default runc's own). */
  runc?: string;
  stateRoot?: string;
}

export interface RuncResult {
  exitCode: number;
  stdout: Buffer;
  stderr: Buffer;
  timedOut: boolean;
  /** The container id used (already deleted). */
  id: string;
}

const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const CAPABILITIES = ['CAP_AUDIT_WRITE', 'CAP_KILL', 'CAP_NET_BIND_SERVICE'];

function envList(env: RuncRunOptions['env']): string[] {
  if (!env) return [DEFAULT_PATH];
  const list = Array.isArray(env)
    ? [...(env as readonly string[])]
    : Object.entries(env as Record<string, string>).map(([key, value]) => `${key}=${value}`);
  return list.some((entry) => entry.startsWith('PATH=')) ? list : [DEFAULT_PATH, ...list];
}

/** The runtime-spec (1.0) config.json for one run. Exported for tests and callers that want to inspect it. */
export function runcConfig(options: RuncRunOptions): Record<string, unknown> {
  const cwd = options.cwd ?? '/';
  if (!isAbsolute(cwd)) throw new ConfigError(`container cwd must be absolute, got '${cwd}'`);
  const namespaces = [{ type: 'pid' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }];
  if (!options.hostNetwork) namespaces.push({ type: 'network' });
  const binds = (options.binds ?? []).map((bind) => {
    if (!isAbsolute(bind.destination))
      throw new ConfigError(`bind destination must be absolute, got '${bind.destination}'`);
    return {
      destination: bind.destination,
      type: 'bind',
      source: resolve(bind.source),
      options: ['rbind', bind.readonly ? 'ro' : 'rw'],
    };
  });
  return {
    ociVersion: '1.0.2',
    process: {
      terminal: false,
      user: {
        uid: options.user?.uid ?? 0,
        gid: options.user?.gid ?? 0,
        ...(options.user?.additionalGids ? { additionalGids: options.user.additionalGids } : {}),
      },
      args: [...options.args],
      env: envList(options.env),
      cwd,
      capabilities: {
        bounding: CAPABILITIES,
        effective: CAPABILITIES,
        permitted: CAPABILITIES,
        ambient: CAPABILITIES,
      },
      rlimits: [{ type: 'RLIMIT_NOFILE', hard: 4096, soft: 4096 }],
      noNewPrivileges: true,
    },
    root: { path: resolve(options.rootfs), readonly: options.readonlyRootfs ?? false },
    hostname: options.hostname ?? 'hangar',
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc' },
      {
        destination: '/dev',
        type: 'tmpfs',
        source: 'tmpfs',
        options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'],
      },
      {
        destination: '/dev/pts',
        type: 'devpts',
        source: 'devpts',
        options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620'],
      },
      {
        destination: '/dev/shm',
        type: 'tmpfs',
        source: 'shm',
        options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'],
      },
      {
        destination: '/dev/mqueue',
        type: 'mqueue',
        source: 'mqueue',
        options: ['nosuid', 'noexec', 'nodev'],
      },
      { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
      { destination: '/tmp', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'mode=1777'] },
      ...binds,
    ],
    linux: {
      namespaces,
      maskedPaths: [
        '/proc/acpi',
        '/proc/asound',
        '/proc/kcore',
        '/proc/keys',
        '/proc/latency_stats',
        '/proc/timer_list',
        '/proc/timer_stats',
        '/proc/sched_debug',
        '/sys/firmware',
        '/proc/scsi',
      ],
      readonlyPaths: ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'],
    },
  };
}

function runcArgs(options: RuncRunOptions, ...rest: string[]): string[] {
  return options.stateRoot ? ['--root', options.stateRoot, ...rest] : rest;
}

function runcOnce(options: RuncRunOptions, args: string[]): Promise<number> {
  return new Promise((resolveExit) => {
    const child = spawn(options.runc ?? 'runc', runcArgs(options, ...args), { stdio: 'ignore' });
    child.on('error', () => resolveExit(-1));
    child.on('close', (code) => resolveExit(code ?? -1));
  });
}

/**
 * Runs `args` in `rootfs` as a fresh runc container and waits for it. Exit codes are the
 * process's own (128+N when killed by signal N). The container's state is deleted whatever happens.
 */
export async function runInRootfs(options: RuncRunOptions): Promise<RuncResult> {
  if (!options.args.length) throw new ConfigError('runInRootfs needs at least one argument');
  const bundle = await mkdtemp(join(tmpdir(), 'hangar-runc-'));
  const id = `hangar-${randomBytes(6).toString('hex')}`;
  try {
    await writeFile(join(bundle, 'config.json'), JSON.stringify(runcConfig(options)));
    // runc gives a tmpfs the mode of the directory it covers; a missing /tmp would become 0755.
    const tmp = join(options.rootfs, 'tmp');
    if (!(await stat(tmp).catch(() => undefined))) {
      await mkdir(tmp, { recursive: true });
      await chmod(tmp, 0o1777);
    }
    return await new Promise<RuncResult>((resolveRun, reject) => {
      const child = spawn(options.runc ?? 'runc', runcArgs(options, 'run', '--bundle', bundle, id), {
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      let timedOut = false;
      const timer =
        options.timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              timedOut = true;
              void runcOnce(options, ['kill', id, 'KILL']).then((code) => {
                if (code !== 0) child.kill('SIGKILL');
              });
            }, options.timeoutMs);
      child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
      child.stdin.on('error', () => {}); // the process may exit without reading its stdin
      child.on('error', (error) => {
        if (timer) clearTimeout(timer);
        reject(new ConfigError(`cannot start runc: ${error.message} (is runc installed?)`, { cause: error }));
      });
      child.on('close', (code, signal) => {
        if (timer) clearTimeout(timer);
        resolveRun({
          exitCode: code ?? 128 + (signal === 'SIGKILL' ? 9 : 15),
          stdout: Buffer.concat(stdout),
          stderr: Buffer.concat(stderr),
          timedOut,
          id,
        });
      });
      child.stdin.end(options.stdin ?? '');
    });
  } finally {
    await runcOnce(options, ['delete', '--force', id]);
    await rm(bundle, { recursive: true, force: true });
  }
}

/**
 * An image config `User` ("1000", "1000:1000", "hangar", "hangar:staff", "" = root) as numeric
 * ids, looking names up in the rootfs's /etc/passwd and /etc/group.
 */
export async function resolveContainerUser(
  rootfs: string,
  user: string | undefined,
): Promise<{ uid: number; gid: number }> {
  if (!user) return { uid: 0, gid: 0 };
  const [name = '', group] = user.split(':');
  const table = async (file: string) =>
    (await readFile(join(rootfs, 'etc', file), 'utf8').catch(() => ''))
      .split('\n')
      .map((line) => line.split(':'))
      .filter((fields) => fields.length >= 3);
  let uid: number;
  let gid: number | undefined;
  if (/^\d+$/.test(name)) {
    uid = Number(name);
    const entry = (await table('passwd')).find((fields) => fields[2] === name);
    gid = entry ? Number(entry[3]) : uid;
  } else {
    const entry = (await table('passwd')).find((fields) => fields[0] === name);
    if (!entry) throw new ProtocolError(`user '${name}' is not in ${rootfs}/etc/passwd`);
    uid = Number(entry[2]);
    gid = Number(entry[3]);
  }
  if (group !== undefined) {
    if (/^\d+$/.test(group)) gid = Number(group);
    else {
      const entry = (await table('group')).find((fields) => fields[0] === group);
      if (!entry) throw new ProtocolError(`group '${group}' is not in ${rootfs}/etc/group`);
      gid = Number(entry[2]);
    }
  }
  return { uid, gid };
}
