// OpenStack Swift "all in one" on 127.0.0.1: Debian's account, container, object and proxy servers
// in one temp dir (rings of one replica on one device, a plain directory), tempauth in the
// proxy with one test user, and the memcached tempauth keeps its tokens in.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { requireBinary } from './bin.js';
import { LOOPBACK, freePort, retryOnPortClash, waitForHttp, waitForPort } from './ports.js';
import { type ManagedProcess, runCommand, startProcess } from './process.js';
import type { KeystoneServer } from './keystone.js';
import { type TempDir, tempDir } from './temp.js';

/** The tempauth user: `account:user` and its key (test-only). */
export const SWIFT_CREDENTIALS = {
  account: 'hangar',
  user: 'tester',
  username: 'hangar:tester',
  key: 'hangar-swift-key',
} as const;

export interface SwiftServer extends AsyncDisposable {
  /** The v1 (tempauth) auth URL, http://127.0.0.1:port/auth/v1.0; with Keystone, its /v3. */
  readonly authUrl: string;
  /** The proxy, http://127.0.0.1:port. */
  readonly endpoint: string;
  /** The test account's storage URL, http://127.0.0.1:port/v1/AUTH_hangar. */
  readonly storageUrl: string;
  readonly credentials: typeof SWIFT_CREDENTIALS;
  /** A fresh auth token of the test user. */
  token: () => Promise<string>;
  /** An authenticated request to `storageUrl` + `path` (e.g. `/container/object`). */
  request(method: string, path: string, body?: string): Promise<Response>;
  /** Creates a container (201, or 202 when it exists). */
  createContainer(name: string): Promise<void>;
  /** The temp dir holding configs, rings and data; removed by stop(). */
  readonly dir: string;
  /** Every port it listens on (memcached, account, container, object, proxy). */
  readonly ports: readonly number[];
  /** memcached and the four Swift servers, each in its own process group. */
  readonly processes: readonly ManagedProcess[];
  stop(): Promise<void>;
}

const SERVERS = ['account', 'container', 'object'] as const;

export interface SwiftOptions {
  /**
   * Authenticate with this Keystone instead of tempauth (authtoken and keystoneauth in the proxy,
   * as the admin service user); Swift is added to its catalog as `object-store` in its region.
   */
  keystone?: KeystoneServer;
}

/** Swift on free 127.0.0.1 ports, everything under one temp dir that stop() removes. */
export function startSwift(options: SwiftOptions = {}): Promise<SwiftServer> {
  return retryOnPortClash(() => startOnce(options.keystone));
}

async function startOnce(keystone: KeystoneServer | undefined): Promise<SwiftServer> {
  const binaries = {
    memcached: requireBinary('memcached'),
    proxy: requireBinary('swift-proxy-server'),
    account: requireBinary('swift-account-server'),
    container: requireBinary('swift-container-server'),
    object: requireBinary('swift-object-server'),
  };
  const dir = await tempDir('hangar-swift-');
  const processes: ManagedProcess[] = [];
  const stop = async () => {
    await Promise.all(processes.map((child) => child.stop()));
    await dir.remove();
  };
  try {
    const ports = {
      memcached: await freePort(),
      proxy: await freePort(),
      account: await freePort(),
      container: await freePort(),
      object: await freePort(),
    };
    await writeConfig(dir, ports, keystone);
    await buildRings(dir.path, ports);

    const env = {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOME: dir.path,
      PYTHONPATH: await exclusivePorts(dir.path),
    };
    processes.push(
      startProcess(
        binaries.memcached,
        [
          '-l',
          LOOPBACK,
          '-p',
          String(ports.memcached),
          '-U',
          '0',
          ...(process.getuid?.() === 0 ? ['-u', 'root'] : []),
        ],
        { name: 'memcached', env },
      ),
    );
    for (const server of [...SERVERS, 'proxy'] as const) {
      // --verbose also logs to stderr, where ManagedProcess keeps it for error messages.
      const child = startProcess(binaries[server], [join(dir.path, `${server}-server.conf`), '--verbose'], {
        name: `swift-${server}-server`,
        env,
      });
      processes.push(child);
    }
    const died = Promise.race(processes.map((child) => child.exited));
    await waitForPort(ports.memcached, { abort: died, name: 'memcached' });
    // A server accepts connections before its app is loaded: wait until each one answers, or the
    // proxy's first request can find no account and remember that in memcached for a minute.
    await Promise.all(
      (['account', 'container', 'object', 'proxy'] as const).map((server) =>
        waitForHttp(`http://${LOOPBACK}:${ports[server]}/healthcheck`, {
          abort: died,
          name: `swift-${server}-server`,
        }),
      ),
    );
    const endpoint = `http://${LOOPBACK}:${ports.proxy}`;

    const { authUrl, storageUrl, token } = keystone
      ? await registerInKeystone(keystone, endpoint)
      : tempauthLogin(endpoint);
    const request = async (method: string, path: string, body?: string) =>
      fetch(`${storageUrl}${path}`, {
        method,
        headers: { 'X-Auth-Token': await token() },
        ...(body === undefined ? {} : { body: Buffer.from(body) }),
      });
    const createContainer = async (name: string) => {
      const answer = await request('PUT', `/${encodeURIComponent(name)}`);
      await answer.body?.cancel();
      if (answer.status !== 201 && answer.status !== 202)
        throw new Error(`creating swift container ${name} answered ${answer.status}`);
    };
    return {
      authUrl,
      endpoint,
      storageUrl,
      credentials: SWIFT_CREDENTIALS,
      token,
      request,
      createContainer,
      dir: dir.path,
      ports: Object.values(ports),
      processes,
      stop,
      [Symbol.asyncDispose]: stop,
    };
  } catch (error) {
    await stop();
    // Swift reports a taken port as "Could not bind …": let retryOnPortClash recognise it.
    if (error instanceof Error && /could not bind/i.test(error.message))
      throw new Error(`address already in use: ${error.message}`, { cause: error });
    throw error;
  }
}

/**
 * Swift listens through eventlet, which sets SO_REUSEPORT on its fixed ports: two stacks (in two
 * test processes) handed the same free port would both bind it and share its connections. A
 * `sitecustomize` on the servers' PYTHONPATH turns that off, so a taken port fails to bind and
 * `retryOnPortClash` starts again on other ports.
 */
async function exclusivePorts(dir: string): Promise<string> {
  const path = join(dir, 'python');
  await mkdir(path);
  await writeFile(
    join(path, 'sitecustomize.py'),
    'import socket\nimport eventlet.convenience\n' +
      'eventlet.convenience.listen.__defaults__ = (socket.AF_INET, 50, True, False)\n',
  );
  return path;
}

interface Login {
  authUrl: string;
  storageUrl: string;
  token: () => Promise<string>;
}

function tempauthLogin(endpoint: string): Login {
  const authUrl = `${endpoint}/auth/v1.0`;
  const token = async () => {
    const answer = await fetch(authUrl, {
      headers: { 'X-Auth-User': SWIFT_CREDENTIALS.username, 'X-Auth-Key': SWIFT_CREDENTIALS.key },
    });
    await answer.body?.cancel();
    const value = answer.headers.get('x-auth-token');
    if (!answer.ok || !value) throw new Error(`swift tempauth answered ${answer.status}`);
    return value;
  };
  return { authUrl, storageUrl: `${endpoint}/v1/AUTH_${SWIFT_CREDENTIALS.account}`, token };
}

/** Adds this proxy to Keystone's catalog; the admin's project is the account. */
async function registerInKeystone(keystone: KeystoneServer, endpoint: string): Promise<Login> {
  const created = await keystone.call('POST', '/services', {
    service: { type: 'object-store', name: 'swift' },
  });
  const serviceId = (created['service'] as { id: string }).id;
  await keystone.call('POST', '/endpoints', {
    endpoint: {
      service_id: serviceId,
      interface: 'public',
      region_id: keystone.admin.region,
      url: `${endpoint}/v1/AUTH_$(project_id)s`,
    },
  });
  const { projectId } = await keystone.login();
  return {
    authUrl: keystone.v3,
    storageUrl: `${endpoint}/v1/AUTH_${projectId}`,
    token: async () => (await keystone.login()).token,
  };
}

/** swift.conf (hash salts, one storage policy) and one paste config per server. */
async function writeConfig(
  dir: TempDir,
  ports: Record<'memcached' | 'proxy' | (typeof SERVERS)[number], number>,
  keystone: KeystoneServer | undefined,
) {
  const devices = join(dir.path, 'devices');
  await mkdir(join(devices, 'd1'), { recursive: true });
  const defaults = (port: number) => [
    '[DEFAULT]',
    `swift_dir = ${dir.path}`,
    `bind_ip = ${LOOPBACK}`,
    `bind_port = ${port}`,
    'bind_timeout = 2',
    // One process per server (no forked workers), so stopping its group stops it all.
    'workers = 0',
    // No syslog here: log to stderr only (--verbose).
    `log_address = ${join(dir.path, 'no-syslog')}`,
    'log_level = WARNING',
  ];
  const files: Record<string, string[]> = {
    'swift.conf': [
      '[swift-hash]',
      'swift_hash_path_prefix = hangar',
      'swift_hash_path_suffix = hangar',
      '[storage-policy:0]',
      'name = one-replica',
      'default = yes',
    ],
    'proxy-server.conf': [
      ...defaults(ports.proxy),
      '[pipeline:main]',
      `pipeline = catch_errors healthcheck cache ${keystone ? 'authtoken keystoneauth' : 'tempauth'} proxy-server`,
      '[app:proxy-server]',
      'use = egg:swift#proxy',
      'account_autocreate = true',
      '[filter:catch_errors]',
      'use = egg:swift#catch_errors',
      '[filter:healthcheck]',
      'use = egg:swift#healthcheck',
      '[filter:cache]',
      'use = egg:swift#memcache',
      `memcache_servers = ${LOOPBACK}:${ports.memcached}`,
      ...(keystone ? keystoneFilters(keystone) : tempauthFilter),
    ],
  };
  for (const server of SERVERS)
    files[`${server}-server.conf`] = [
      ...defaults(ports[server]),
      `devices = ${devices}`,
      'mount_check = false',
      '[pipeline:main]',
      `pipeline = healthcheck ${server}-server`,
      `[app:${server}-server]`,
      `use = egg:swift#${server}`,
      '[filter:healthcheck]',
      'use = egg:swift#healthcheck',
    ];
  await Promise.all(
    Object.entries(files).map(([name, lines]) => writeFile(join(dir.path, name), `${lines.join('\n')}\n`)),
  );
}

const tempauthFilter = [
  '[filter:tempauth]',
  'use = egg:swift#tempauth',
  `user_${SWIFT_CREDENTIALS.account}_${SWIFT_CREDENTIALS.user} = ${SWIFT_CREDENTIALS.key} .admin`,
];

const keystoneFilters = (keystone: KeystoneServer) => [
  '[filter:authtoken]',
  'paste.filter_factory = keystonemiddleware.auth_token:filter_factory',
  `www_authenticate_uri = ${keystone.v3}`,
  `auth_url = ${keystone.v3}`,
  'auth_type = password',
  `username = ${keystone.admin.username}`,
  `password = ${keystone.admin.password}`,
  `project_name = ${keystone.admin.project}`,
  `user_domain_id = ${keystone.admin.domainId}`,
  `project_domain_id = ${keystone.admin.domainId}`,
  'delay_auth_decision = true',
  // Keystone's bootstrap catalogs only a public identity endpoint.
  'interface = public',
  '[filter:keystoneauth]',
  'use = egg:swift#keystoneauth',
  'operator_roles = admin',
];

/**
 * The account, container and object rings: 2^6 partitions, one replica, the one device. Built with
 * the RingBuilder that swift-ring-builder wraps, in one interpreter: nine swift-ring-builder runs
 * (create, add, rebalance per ring) cost several seconds of CPU on a loaded machine.
 */
async function buildRings(dir: string, ports: Record<(typeof SERVERS)[number], number>): Promise<void> {
  const ringBuilder = requireBinary('swift-ring-builder');
  // The interpreter that has Swift's modules: the one swift-ring-builder itself runs with.
  const python = /^#!\s*(\S+)/.exec(await readFile(ringBuilder, 'utf8'))?.[1] ?? 'python3';
  const script = [
    'import sys',
    'from swift.common.ring import RingBuilder',
    'for name, port in zip(sys.argv[1::2], sys.argv[2::2]):',
    '    builder = RingBuilder(6, 1, 0)',
    `    builder.add_dev({"region": 1, "zone": 1, "ip": "${LOOPBACK}", "port": int(port), "device": "d1", "weight": 1})`,
    '    builder.rebalance()',
    '    builder.get_ring().save(name + ".ring.gz")',
  ].join('\n');
  await runCommand(python, ['-c', script, ...SERVERS.flatMap((server) => [server, String(ports[server])])], {
    cwd: dir,
    name: 'swift ring builder',
  });
}
