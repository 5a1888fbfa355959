// A throwaway real Concourse for tests: PostgreSQL, `concourse web` and a containerd worker, all in
// a network namespace of its own (fixed ports inside it never clash with anything), every process in
// a cgroup of its own (containers nest below it), the worker in a private mount namespace with tmpfs
// over /run and /var/lib (containerd's socket and state, CNI's leases). Stopping it kills what the
// cgroup holds, removes the cgroup, the namespace (with its bridge and iptables rules) and the
// state directory. Services started by the test on the host are made reachable to containers with
// `expose(port)`; a local registry doubles as the docker.io mirror for task images.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, cp, link, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheBinDir, cacheDir, requireBinary } from './bin.js';
import { createCgroup, ownCgroupDirs, ownedCgroup } from './cgroups.js';
import { concourseBinaryPath, flyBinary } from './concourse.js';
import { type ManagedProcess, runCommand, startProcess, type RunResult } from './process.js';
import { startRegistry, type RegistryServer } from './registry.js';
import { waitUntil } from './ports.js';
import { initPostgresCluster, postgresBin, postgresServerArgs, waitForPostgres } from './postgres.js';
import { leftoversOf, type StackLeftovers } from './stack-leftovers.js';
import { tempDir } from './temp.js';
import { CONCOURSE_GATEWAY, startForwarder } from './netns-forwarder.js';

export { CONCOURSE_GATEWAY };
const WEB_URL = 'http://127.0.0.1:8080';
const NAME_PREFIX = 'hangar-cc-';

export interface ConcourseOptions {
  /** Directories of worker bundles (`<type>/{resource_metadata.json,rootfs.tgz}`), merged. */
  resourceTypes: readonly string[];
}

export interface ConcourseStack extends AsyncDisposable {
  /** Names the namespace (`/run/netns/<id>`) and the cgroup. */
  readonly id: string;
  /** The external URL, as builds see it (ATC_EXTERNAL_URL). */
  readonly url: string;
  /** The fly target, logged in as the main team's user. */
  readonly target: string;
  /** Push task images here (127.0.0.1:port); containers pull them as docker.io through the mirror. */
  readonly registry: RegistryServer;
  /** The registry as containers address it (10.80.0.1:port). */
  readonly registryInside: string;
  /** Makes the host service on 127.0.0.1:`port` reachable from containers; returns `10.80.0.1:port`. */
  expose(port: number): Promise<string>;
  /** Runs fly against the stack (inside the namespace); throws on a non-zero exit unless allowed. */
  fly(args: readonly string[], options?: { allowFailure?: boolean }): Promise<RunResult>;
  /** Processes that belong to the stack, right now (for leak checks). */
  pids(): Promise<number[]>;
  /** What of the stack is still on this machine; NOTHING_LEFT once stop() has returned. */
  leftovers(): Promise<StackLeftovers>;
  stop(): Promise<void>;
}

/** Starts PostgreSQL, web and a worker with `resourceTypes` (plus registry-image), and logs fly in. */
export async function startConcourse(options: ConcourseOptions): Promise<ConcourseStack> {
  await sweepStaleStacks();
  const id = `${NAME_PREFIX}${process.pid}-${randomBytes(3).toString('hex')}`;
  const state = await tempDir(`${id}-`);
  await chmod(state.path, 0o755); // postgres must traverse it
  const cleanups: (() => Promise<unknown>)[] = [() => state.remove()];
  const started: ManagedProcess[] = [];
  const cleanup = async () => {
    for (const step of cleanups.reverse()) await step().catch(() => undefined);
    cleanups.length = 0;
  };
  try {
    await runCommand('ip', ['netns', 'add', id]);
    cleanups.push(() => runCommand('ip', ['netns', 'del', id]));
    await runCommand('ip', ['-n', id, 'link', 'set', 'lo', 'up']);
    const cgroup = await createCgroup(id);
    cleanups.push(() => cgroup.remove());
    const inStack = (name: string, command: string, args: readonly string[], env: NodeJS.ProcessEnv = {}) => {
      const child = startProcess(
        'nsenter',
        [`--net=/run/netns/${id}`, 'sh', '-c', ENTER_CGROUP, 'sh', command, ...args],
        {
          name,
          env: {
            PATH: process.env['PATH'] ?? '/usr/bin:/bin',
            ...env,
            HANGAR_CGROUPS: cgroup.dirs.join(' '),
          },
        },
      );
      cleanups.push(() => child.stop());
      started.push(child);
      return child;
    };
    const keys = await generateKeys(state.path);
    await startPostgres(state.path, inStack);
    const registry = await startRegistry();
    cleanups.push(() => registry.stop());
    const forwarder = await startForwarder(state.path, inStack);
    cleanups.push(() => forwarder.close());
    const registryInside = await forwarder.expose(registry.port);
    const defaults = join(state.path, 'base-resource-type-defaults.yml');
    await writeFile(
      defaults,
      JSON.stringify({ 'registry-image': { registry_mirror: { host: registryInside } } }),
    );

    const concourse = concourseBinaryPath();
    const web = inStack('concourse web', concourse, [
      'web',
      ...['--postgres-host', '127.0.0.1', '--postgres-port', '5432'],
      ...['--postgres-user', 'postgres', '--postgres-database', 'postgres'],
      ...['--session-signing-key', keys.session, '--tsa-host-key', keys.tsaHost],
      ...['--tsa-authorized-keys', `${keys.worker}.pub`],
      ...['--tsa-bind-ip', '127.0.0.1', '--tsa-bind-port', '2222'],
      ...['--bind-ip', '127.0.0.1', '--bind-port', '8080', '--external-url', WEB_URL],
      ...['--add-local-user', 'test:test', '--main-team-local-user', 'test'],
      ...['--component-runner-interval', '2s', '--lidar-scanner-interval', '2s'],
      ...['--build-tracker-interval', '2s', '--enable-across-step'],
      ...['--base-resource-type-defaults', defaults, '--cluster-name', id],
    ]);
    const bundles = await mergeResourceTypes(state.path, options.resourceTypes);
    const containerd = join(state.path, 'containerd.toml');
    await writeFile(containerd, containerdConfig(join(state.path, 'containerd-opt')));
    const worker = inStack('concourse worker', 'unshare', [
      ...['--mount', '--propagation', 'private', 'sh', '-c', PRIVATE_RUN, 'sh'],
      ...[concourse, 'worker', '--name', id, '--work-dir', join(state.path, 'worker')],
      ...['--tsa-host', '127.0.0.1:2222', '--tsa-public-key', `${keys.tsaHost}.pub`],
      ...['--tsa-worker-private-key', keys.worker],
      ...[
        '--bind-ip',
        '127.0.0.1',
        '--baggageclaim-bind-ip',
        '127.0.0.1',
        '--healthcheck-bind-ip',
        '127.0.0.1',
      ],
      ...['--runtime', 'containerd', '--containerd-bin', requireBinary('containerd')],
      ...['--containerd-config', containerd, '--containerd-init-bin', join(cacheBinDir(), 'init')],
      ...['--containerd-cni-plugins-dir', '/usr/lib/cni', '--containerd-mtu', '1500'],
      ...['--containerd-external-ip', '127.0.0.1', '--containerd-dns-server', CONCOURSE_GATEWAY],
      ...['--containerd-allow-host-access', '--baggageclaim-driver', 'overlay'],
      ...['--resource-types', bundles],
    ]);

    // Teardown starts by killing everything in the cgroup at once (containers too): nothing here
    // needs a graceful stop, and the handles above then only reap what is already dead.
    cleanups.push(() => cgroup.remove());
    const home = join(state.path, 'home');
    await mkdir(home);
    const target = 'hangar';
    const fly = (args: readonly string[], flyOptions: { allowFailure?: boolean } = {}) =>
      runCommand('nsenter', [`--net=/run/netns/${id}`, flyBinary(), '-t', target, ...args], {
        name: `fly ${args[0] ?? ''}`,
        env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: home },
        ...flyOptions,
      });
    const abort = Promise.race([web.exited, worker.exited]);
    await waitUntil(
      async () =>
        (await fly(['login', '-c', WEB_URL, '-u', 'test', '-p', 'test'], { allowFailure: true })).code === 0,
      { name: 'concourse web', abort, timeoutMs: 60_000, intervalMs: 250 },
    );
    await waitUntil(
      async () => {
        const workers = JSON.parse((await fly(['workers', '--json'])).stdout) as { state: string }[];
        return workers.some((w) => w.state === 'running');
      },
      { name: 'concourse worker', abort, timeoutMs: 60_000, intervalMs: 250 },
    );
    const stop = cleanup;
    return {
      id,
      url: WEB_URL,
      target,
      registry,
      registryInside,
      expose: (port) => forwarder.expose(port),
      fly,
      pids: () => cgroup.pids(),
      leftovers: () => leftoversOf(id),
      stop,
      [Symbol.asyncDispose]: stop,
    };
  } catch (error) {
    await cleanup();
    // The last lines of web and the worker say why they stopped; the error alone rarely does.
    const logs = started.map((p) => `--- ${p.name}:\n${p.output().split('\n').slice(-15).join('\n')}`);
    if (error instanceof Error && logs.length) error.message += `\n${logs.join('\n')}`;
    throw error;
  }
}

// Moves the shell into the stack's cgroup (in every hierarchy), then becomes the command.
const ENTER_CGROUP = 'for d in $HANGAR_CGROUPS; do echo $$ > "$d/cgroup.procs"; done; exec "$@"';
// Inside `unshare --mount`: containerd's /run and CNI's /var/lib vanish with the worker.
const PRIVATE_RUN = 'mount -t tmpfs tmpfs /run && mount -t tmpfs tmpfs /var/lib && exec "$@"';

export type InStack = (
  name: string,
  command: string,
  args: readonly string[],
  env?: NodeJS.ProcessEnv,
) => ManagedProcess;

async function generateKeys(dir: string) {
  const keys = {
    session: join(dir, 'session_signing_key'),
    tsaHost: join(dir, 'tsa_host_key'),
    worker: join(dir, 'worker_key'),
  };
  const concourse = concourseBinaryPath();
  await Promise.all([
    runCommand(concourse, ['generate-key', '-t', 'rsa', '-f', keys.session]),
    runCommand(concourse, ['generate-key', '-t', 'ssh', '-f', keys.tsaHost]),
    runCommand(concourse, ['generate-key', '-t', 'ssh', '-f', keys.worker]),
  ]);
  return keys;
}

/** A throwaway cluster on 127.0.0.1:5432 inside the namespace, trust auth, no fsync. */
async function startPostgres(dir: string, inStack: InStack): Promise<void> {
  const data = join(dir, 'postgres');
  const asPostgres = await initPostgresCluster(data);
  const server = inStack('postgres', 'setpriv', [
    ...asPostgres,
    join(postgresBin(), 'postgres'),
    ...postgresServerArgs(data, 5432),
  ]);
  await waitForPostgres(data, 5432, server);
}

/** One directory of worker bundles: each of `dirs`' bundles plus registry-image (hard links). */
async function mergeResourceTypes(dir: string, dirs: readonly string[]): Promise<string> {
  const registryImage = join(cacheDir(), 'resource-types');
  if (!existsSync(join(registryImage, 'registry-image', 'rootfs.tgz'))) {
    throw new Error('the registry-image worker bundle is missing: run scripts/bootstrap');
  }
  const merged = join(dir, 'resource-types');
  for (const source of [registryImage, ...dirs]) {
    for (const type of await readdir(source, { withFileTypes: true })) {
      if (!type.isDirectory()) continue;
      const into = join(merged, type.name);
      await mkdir(into, { recursive: true });
      for (const file of ['resource_metadata.json', 'rootfs.tgz']) {
        const [from, to] = [join(source, type.name, file), join(into, file)];
        await rm(to, { force: true });
        await link(from, to).catch(() => cp(from, to)); // another file system: copy
      }
    }
  }
  return merged;
}

/** containerd 1.6's config: no CRI, and its `opt` directory in our state instead of /opt. */
function containerdConfig(opt: string): string {
  return `version = 2
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper"]

[plugins."io.containerd.internal.v1.opt"]
  path = ${JSON.stringify(opt)}
`;
}

/** Stacks whose test process died without cleaning up: their namespace and cgroup go now. */
async function sweepStaleStacks(): Promise<void> {
  const alive = (pid: number) => existsSync(`/proc/${pid}`);
  const stale = (name: string) => {
    const pid = /^hangar-cc-(\d+)-/.exec(name)?.[1];
    return pid !== undefined && !alive(Number(pid));
  };
  const namespaces = (await runCommand('ip', ['netns', 'list'])).stdout
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '');
  for (const name of namespaces.filter(stale)) {
    await ownedCgroup((await ownCgroupDirs()).map((d) => join(d, name))).remove();
    const pids = (await runCommand('ip', ['netns', 'pids', name], { allowFailure: true })).stdout
      .split('\n')
      .filter(Boolean);
    for (const pid of pids) process.kill(Number(pid), 'SIGKILL');
    await runCommand('ip', ['netns', 'del', name], { allowFailure: true });
  }
  for (const dir of await ownCgroupDirs()) {
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names.filter(stale)) await ownedCgroup([join(dir, name)]).remove();
  }
}
