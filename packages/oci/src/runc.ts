// Runs one command inside an unpacked rootfs with runc: a generated runtime-spec config.json in a
// throw-away bundle, piped stdio, a timeout that kills the container, and state cleaned up after.
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { promisify } from 'node:util';
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
  /**
   * Copy-on-write over `rootfs`: an overlay mounted as the container's `/` inside its own mount
   * namespace, writes going to these host directories. One unpacked image then serves any number
   * of containers unchanged, and nothing is left mounted on the host when the container ends.
   */
  overlay?: { upper: string; work: string };
  /** All capabilities, no masked or read-only /proc and /sys paths (Concourse's `privileged`). */
  privileged?: boolean;
  /** A host directory as /tmp (kept between runs, like a reused check container) instead of a tmpfs. */
  tmpDir?: string;
  /** cgroup limits; only set them where the cgroup hierarchy is writable. */
  limits?: { memoryBytes?: number; cpuShares?: number };
  /** Output as it arrives; a stream with a callback is not kept in the result. */
  onStdout?: (chunk: Buffer) => void;
  onStderr?: (chunk: Buffer) => void;
  /** Aborting kills the container (the result then says `aborted`). */
  signal?: AbortSignal;
  /** Use this bundle directory (created if missing, left for the caller to remove) and container id. */
  bundle?: string;
  id?: string;
}

export interface RuncResult {
  exitCode: number;
  stdout: Buffer;
  stderr: Buffer;
  timedOut: boolean;
  aborted: boolean;
  /** The container id used (already deleted). */
  id: string;
}

const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const CAPABILITIES = ['CAP_AUDIT_WRITE', 'CAP_KILL', 'CAP_NET_BIND_SERVICE'];
// Capabilities by bit number, as of runc 1.1.
const CAPABILITY_BITS = [
  'CHOWN',
  'DAC_OVERRIDE',
  'DAC_READ_SEARCH',
  'FOWNER',
  'FSETID',
  'KILL',
  'SETGID',
  'SETUID',
  'SETPCAP',
  'LINUX_IMMUTABLE',
  'NET_BIND_SERVICE',
  'NET_BROADCAST',
  'NET_ADMIN',
  'NET_RAW',
  'IPC_LOCK',
  'IPC_OWNER',
  'SYS_MODULE',
  'SYS_RAWIO',
  'SYS_CHROOT',
  'SYS_PTRACE',
  'SYS_PACCT',
  'SYS_ADMIN',
  'SYS_BOOT',
  'SYS_NICE',
  'SYS_RESOURCE',
  'SYS_TIME',
  'SYS_TTY_CONFIG',
  'MKNOD',
  'LEASE',
  'AUDIT_WRITE',
  'AUDIT_CONTROL',
  'SETFCAP',
  'MAC_OVERRIDE',
  'MAC_ADMIN',
  'SYSLOG',
  'WAKE_ALARM',
  'BLOCK_SUSPEND',
  'AUDIT_READ',
].map((name) => `CAP_${name}`);

let boundingSet: string[] | undefined;
/**
 * What a privileged container gets: every capability this process may pass on (its bounding set),
 * since asking for more makes runc fail when we run inside a container ourselves.
 */
function privilegedCapabilities(): string[] {
  if (!boundingSet) {
    const status = readFileSync('/proc/self/status', 'utf8');
    const mask = BigInt(`0x${/^CapBnd:\s*([0-9a-f]+)/m.exec(status)?.[1] ?? '0'}`);
    boundingSet = CAPABILITY_BITS.filter((_, bit) => (mask >> BigInt(bit)) & 1n);
  }
  return boundingSet;
}

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
  const caps = options.privileged ? privilegedCapabilities() : CAPABILITIES;
  // A relative root.path is the bundle's own (empty) rootfs directory.
  const rootPath = options.overlay ? 'rootfs' : resolve(options.rootfs);
  // runc mounts this onto the empty bundle rootfs before the others, inside the container's namespace.
  const overlay = options.overlay
    ? [
        {
          destination: '/',
          type: 'overlay',
          source: 'overlay',
          options: [
            `lowerdir=${resolve(options.rootfs)}`,
            `upperdir=${resolve(options.overlay.upper)}`,
            `workdir=${resolve(options.overlay.work)}`,
          ],
        },
      ]
    : [];
  const tmp = options.tmpDir
    ? { destination: '/tmp', type: 'bind', source: resolve(options.tmpDir), options: ['rbind', 'rw'] }
    : { destination: '/tmp', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'mode=1777'] };
  const resources: Record<string, unknown> = {};
  if (options.limits?.memoryBytes) resources.memory = { limit: options.limits.memoryBytes };
  if (options.limits?.cpuShares) resources.cpu = { shares: options.limits.cpuShares };
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
      capabilities: { bounding: caps, effective: caps, permitted: caps, ambient: caps },
      rlimits: [{ type: 'RLIMIT_NOFILE', hard: 4096, soft: 4096 }],
      noNewPrivileges: !options.privileged,
    },
    root: { path: rootPath, readonly: options.readonlyRootfs ?? false },
    hostname: options.hostname ?? 'hangar',
    mounts: [
      ...overlay,
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
      {
        destination: '/sys',
        type: 'sysfs',
        source: 'sysfs',
        options: ['nosuid', 'noexec', 'nodev', options.privileged ? 'rw' : 'ro'],
      },
      // The container's own cgroups (runc mounts its cgroup path), so it can read its limits.
      {
        destination: '/sys/fs/cgroup',
        type: 'cgroup',
        source: 'cgroup',
        options: ['nosuid', 'noexec', 'nodev', 'relatime', options.privileged ? 'rw' : 'ro'],
      },
      tmp,
      ...binds,
    ],
    linux: {
      namespaces,
      ...(Object.keys(resources).length ? { resources } : {}),
      ...(options.privileged ? {} : confinedPaths),
    },
  };
}

const confinedPaths = {
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
};

type RuncCli = Pick<RuncRunOptions, 'runc' | 'stateRoot'>;

function runcArgs(options: RuncCli, ...rest: string[]): string[] {
  return options.stateRoot ? ['--root', options.stateRoot, ...rest] : rest;
}

function runcOnce(options: RuncCli, args: string[]): Promise<number> {
  return new Promise((resolveExit) => {
    const child = spawn(options.runc ?? 'runc', runcArgs(options, ...args), { stdio: 'ignore' });
    child.on('error', () => resolveExit(-1));
    child.on('close', (code) => resolveExit(code ?? -1));
  });
}

/** Ids of the containers runc knows under `stateRoot` (none when the directory does not exist). */
export async function listContainers(stateRoot: string, runc = 'runc'): Promise<string[]> {
  if (!existsSync(stateRoot)) return [];
  const { stdout } = await promisify(execFile)(runc, ['--root', stateRoot, 'list', '-q']);
  return stdout.split('\n').filter(Boolean);
}

/** Force-deletes a container under `stateRoot`; true when runc succeeded. */
export async function deleteContainer(stateRoot: string, id: string, runc = 'runc'): Promise<boolean> {
  return (await runcOnce({ stateRoot, runc }, ['delete', '--force', id])) === 0;
}

/** runc's own state directory when `--root` is not given (as root). */
const DEFAULT_STATE_ROOT = '/run/runc';

/**
 * Runs `args` in `rootfs` as a fresh runc container and waits for it. Exit codes are the
 * process's own (128+N when killed by signal N). The container's state is deleted whatever happens.
 */
export async function runInRootfs(options: RuncRunOptions): Promise<RuncResult> {
  if (!options.args.length) throw new ConfigError('runInRootfs needs at least one argument');
  const ownBundle = options.bundle === undefined;
  const bundle = options.bundle ?? (await mkdtemp(join(tmpdir(), 'hangar-runc-')));
  const id = options.id ?? `hangar-${randomBytes(6).toString('hex')}`;
  try {
    await prepareBundle({ ...options, bundle });
    return await runContainer(options, bundle, id);
  } finally {
    // `runc run` removes the container when its process exits; state is left only when runc
    // itself was interrupted, and only then is a (slow) `runc delete` worth spawning.
    if (existsSync(join(options.stateRoot ?? DEFAULT_STATE_ROOT, id))) {
      await runcOnce(options, ['delete', '--force', id]);
    }
    if (ownBundle) await rm(bundle, { recursive: true, force: true });
  }
}

async function prepareBundle(options: RuncRunOptions & { bundle: string }): Promise<void> {
  await mkdir(options.bundle, { recursive: true });
  if (options.overlay) {
    await mkdir(join(options.bundle, 'rootfs'), { recursive: true });
    await mkdir(options.overlay.upper, { recursive: true });
    await mkdir(options.overlay.work, { recursive: true });
  }
  await writeFile(join(options.bundle, 'config.json'), JSON.stringify(runcConfig(options)));
  // runc gives a tmpfs the mode of the directory it covers; a missing /tmp would become 0755.
  if (options.tmpDir || (await stat(join(options.rootfs, 'tmp')).catch(() => undefined))) return;
  const tmp = join(options.overlay ? options.overlay.upper : options.rootfs, 'tmp');
  await mkdir(tmp, { recursive: true });
  await chmod(tmp, 0o1777);
}

function runContainer(options: RuncRunOptions, bundle: string, id: string): Promise<RuncResult> {
  return new Promise<RuncResult>((resolveRun, reject) => {
    const child = spawn(options.runc ?? 'runc', runcArgs(options, 'run', '--bundle', bundle, id), {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let timedOut = false;
    let aborted = false;
    const kill = () =>
      void runcOnce(options, ['kill', id, 'KILL']).then((code) => {
        if (code !== 0) child.kill('SIGKILL');
      });
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            kill();
          }, options.timeoutMs);
    const onAbort = () => {
      aborted = true;
      kill();
    };
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => {
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    };
    child.stdout.on('data', (chunk: Buffer) =>
      options.onStdout ? options.onStdout(chunk) : stdout.push(chunk),
    );
    child.stderr.on('data', (chunk: Buffer) =>
      options.onStderr ? options.onStderr(chunk) : stderr.push(chunk),
    );
    child.stdin.on('error', () => {}); // the process may exit without reading its stdin
    child.on('error', (error) => {
      done();
      reject(new ConfigError(`cannot start runc: ${error.message} (is runc installed?)`, { cause: error }));
    });
    child.on('close', (code, signal) => {
      done();
      resolveRun({
        exitCode: code ?? 128 + (signal === 'SIGKILL' ? 9 : 15),
        stdout: Buffer.concat(stdout),
        stderr: Buffer.concat(stderr),
        timedOut,
        aborted,
        id,
      });
    });
    child.stdin.end(options.stdin ?? '');
  });
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
