// OpenStack Keystone (identity v3) on 127.0.0.1: Debian's keystone with a SQLite database and
// fernet tokens in a temp dir, bootstrapped with an admin user, project and region, served by its
// own single-threaded test server (keystone-wsgi-public).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { requireBinary } from './bin.js';
import { LOOPBACK, freePort, retryOnPortClash, waitForHttp } from './ports.js';
import { type ManagedProcess, runCommand, startProcess } from './process.js';
import { tempDir } from './temp.js';

/** The bootstrap admin (test-only), in the `Default` domain, with the admin role on `admin`. */
export const KEYSTONE_ADMIN = {
  username: 'admin',
  password: 'hangar-keystone-admin',
  project: 'admin',
  domainId: 'default',
  region: 'RegionOne',
} as const;

export interface KeystoneServer extends AsyncDisposable {
  /** The unversioned endpoint, http://127.0.0.1:port (it lists the versions). */
  readonly endpoint: string;
  /** The v3 API, http://127.0.0.1:port/v3. */
  readonly v3: string;
  readonly admin: typeof KEYSTONE_ADMIN;
  /** A project-scoped admin token and the admin's user and project ids. */
  login(): Promise<{ token: string; userId: string; projectId: string }>;
  /** A v3 API call with an admin token, failing unless Keystone answers 2xx; the JSON answer. */
  call(method: string, path: string, body?: object): Promise<Record<string, unknown>>;
  readonly process: ManagedProcess;
  stop(): Promise<void>;
}

/** Keystone on a free 127.0.0.1 port; stop() ends it and removes its directory. */
export function startKeystone(): Promise<KeystoneServer> {
  return retryOnPortClash(startOnce);
}

async function startOnce(): Promise<KeystoneServer> {
  const manage = requireBinary('keystone-manage');
  const server = requireBinary('keystone-wsgi-public');
  const dir = await tempDir('hangar-keystone-');
  let child: ManagedProcess | undefined;
  const stop = async () => {
    await child?.stop();
    await dir.remove();
  };
  try {
    const port = await freePort();
    const endpoint = `http://${LOOPBACK}:${port}`;
    const v3 = `${endpoint}/v3`;
    const config = join(dir.path, 'keystone.conf');
    const keys = join(dir.path, 'fernet-keys');
    const receipts = join(dir.path, 'receipt-keys');
    await Promise.all([mkdir(keys), mkdir(receipts)]);
    await writeFile(
      config,
      [
        '[DEFAULT]',
        'use_stderr = true',
        '[database]',
        `connection = sqlite:///${join(dir.path, 'keystone.db')}`,
        '[token]',
        'provider = fernet',
        '[fernet_tokens]',
        `key_repository = ${keys}`,
        '[fernet_receipts]',
        `key_repository = ${receipts}`,
        '',
      ].join('\n'),
    );
    const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: dir.path };
    const run = (args: string[]) =>
      runCommand(manage, ['--config-file', config, ...args], { env, name: 'keystone-manage' });
    const owner = [
      '--keystone-user',
      String(process.getuid?.() ?? 0),
      '--keystone-group',
      String(process.getgid?.() ?? 0),
    ];
    // The database and the keys are independent: set them up side by side.
    await Promise.all([
      run(['db_sync']).then(() =>
        run([
          'bootstrap',
          '--bootstrap-password',
          KEYSTONE_ADMIN.password,
          '--bootstrap-public-url',
          v3,
          '--bootstrap-region-id',
          KEYSTONE_ADMIN.region,
        ]),
      ),
      run(['fernet_setup', ...owner]),
    ]);
    child = startProcess(
      server,
      ['--host', LOOPBACK, '--port', String(port), '--', '--config-file', config],
      {
        name: 'keystone',
        env,
      },
    );
    // The root lists the versions with 300 Multiple Choices.
    await waitForHttp(`${endpoint}/`, {
      status: 300,
      abort: child.exited,
      name: 'keystone',
      timeoutMs: 60_000,
    });

    const login = async () => {
      const answer = await fetch(`${v3}/auth/tokens`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          auth: {
            identity: {
              methods: ['password'],
              password: {
                user: {
                  name: KEYSTONE_ADMIN.username,
                  domain: { id: KEYSTONE_ADMIN.domainId },
                  password: KEYSTONE_ADMIN.password,
                },
              },
            },
            scope: { project: { name: KEYSTONE_ADMIN.project, domain: { id: KEYSTONE_ADMIN.domainId } } },
          },
        }),
      });
      const body = (await answer.json()) as { token?: { user?: { id?: string }; project?: { id?: string } } };
      const token = answer.headers.get('x-subject-token');
      const userId = body.token?.user?.id;
      const projectId = body.token?.project?.id;
      if (answer.status !== 201 || !token || !userId || !projectId)
        throw new Error(`keystone admin login answered ${answer.status}`);
      return { token, userId, projectId };
    };
    const call = async (method: string, path: string, body?: object) => {
      const { token } = await login();
      const answer = await fetch(`${v3}${path}`, {
        method,
        headers: { 'X-Auth-Token': token, 'Content-Type': 'application/json' },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      const text = await answer.text();
      if (!answer.ok)
        throw new Error(`keystone ${method} ${path} answered ${answer.status}: ${text.slice(0, 300)}`);
      return (text ? JSON.parse(text) : {}) as Record<string, unknown>;
    };
    const process_ = child;
    return {
      endpoint,
      v3,
      admin: KEYSTONE_ADMIN,
      login,
      call,
      process: process_,
      stop,
      [Symbol.asyncDispose]: stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
