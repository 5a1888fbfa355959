// sshd as a child process on 127.0.0.1 with its own config, host key and one authorized client key.
// Serves git over SSH: the remote runs git-upload-pack/git-receive-pack on the absolute repo path.
import { mkdir, readFile, writeFile, chmod } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { requireBinary } from './bin.js';
import { LOOPBACK, freePort, retryOnPortClash, waitUntil } from './ports.js';
import { type ManagedProcess, runCommand, startProcess } from './process.js';
import { type TempDir, tempDir } from './temp.js';
import { connect } from 'node:net';

export interface SshServer extends AsyncDisposable {
  readonly host: typeof LOOPBACK;
  readonly port: number;
  /** The login user: the current user (root on CI, allowed with keys only). */
  readonly user: string;
  /** Client private key (OpenSSH format, no passphrase) authorized for `user`. */
  readonly privateKeyPath: string;
  readonly privateKey: string;
  /** known_hosts containing this server's host key for [127.0.0.1]:port. */
  readonly knownHostsPath: string;
  /** Value for GIT_SSH_COMMAND: strict host key checking against knownHostsPath, our key only. */
  readonly sshCommand: string;
  /** `{ GIT_SSH_COMMAND }`, ready to pass as env to git or GitRepo. */
  readonly env: Record<string, string>;
  /** ssh://user@127.0.0.1:port/<absolute path> */
  url(absolutePath: string): string;
  readonly process: ManagedProcess;
  stop(): Promise<void>;
}

const quote = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`;

/** sshd on a free 127.0.0.1 port accepting one generated client key for the current user. */
export function startSshServer(): Promise<SshServer> {
  return retryOnPortClash(startOnce);
}

async function startOnce(): Promise<SshServer> {
  const sshd = requireBinary('sshd');
  const sshKeygen = requireBinary('ssh-keygen');
  const ssh = requireBinary('ssh');
  const dir = await tempDir('hangar-sshd-');
  try {
    return await launch(dir, sshd, sshKeygen, ssh);
  } catch (error) {
    await dir.remove();
    throw error;
  }
}

async function launch(dir: TempDir, sshd: string, sshKeygen: string, ssh: string): Promise<SshServer> {
  const user = userInfo().username;
  const hostKey = join(dir.path, 'ssh_host_ed25519_key');
  const clientKey = join(dir.path, 'client_ed25519_key');
  await runCommand(sshKeygen, ['-q', '-t', 'ed25519', '-N', '', '-C', 'hangar-testkit-host', '-f', hostKey]);
  await runCommand(sshKeygen, [
    '-q',
    '-t',
    'ed25519',
    '-N',
    '',
    '-C',
    'hangar-testkit-client',
    '-f',
    clientKey,
  ]);
  await writeFile(join(dir.path, 'authorized_keys'), await readFile(`${clientKey}.pub`));
  await chmod(join(dir.path, 'authorized_keys'), 0o600);

  const port = await freePort();
  const config = join(dir.path, 'sshd_config');
  await writeFile(
    config,
    [
      `ListenAddress ${LOOPBACK}:${port}`,
      `HostKey ${hostKey}`,
      `PidFile ${join(dir.path, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir.path, 'authorized_keys')}`,
      `AllowUsers ${user}`,
      'PermitRootLogin prohibit-password',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      // The temp dir is world-readable under /tmp; StrictModes would reject its keys.
      'StrictModes no',
      'AcceptEnv GIT_PROTOCOL',
      'X11Forwarding no',
      'AllowTcpForwarding no',
      'PrintMotd no',
      'LogLevel ERROR',
      '',
    ].join('\n'),
  );
  await writeFile(
    join(dir.path, 'known_hosts'),
    `[${LOOPBACK}]:${port} ${(await readFile(`${hostKey}.pub`, 'utf8')).trim()}\n`,
  );
  await ensurePrivilegeSeparationDir();

  const child = startProcess(sshd, ['-D', '-e', '-f', config], { name: 'sshd' });
  const stop = async () => {
    await child.stop();
    await dir.remove();
  };
  try {
    await waitUntil(() => readsSshBanner(port), { abort: child.exited, name: 'sshd' });
  } catch (error) {
    await stop();
    throw error;
  }

  const knownHostsPath = join(dir.path, 'known_hosts');
  const sshCommand = [
    ssh,
    '-F /dev/null',
    `-i ${quote(clientKey)}`,
    '-o IdentitiesOnly=yes',
    '-o BatchMode=yes',
    '-o StrictHostKeyChecking=yes',
    `-o UserKnownHostsFile=${quote(knownHostsPath)}`,
    '-o LogLevel=ERROR',
  ].join(' ');
  return {
    host: LOOPBACK,
    port,
    user,
    privateKeyPath: clientKey,
    privateKey: await readFile(clientKey, 'utf8'),
    knownHostsPath,
    sshCommand,
    env: { GIT_SSH_COMMAND: sshCommand },
    url: (absolutePath) => `ssh://${user}@${LOOPBACK}:${port}${absolutePath}`,
    process: child,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

// Debian's sshd is built to chroot its pre-auth child into /run/sshd and refuses to start without
// it ("Missing privilege separation directory"). Normally systemd creates it; containers may not.
async function ensurePrivilegeSeparationDir(): Promise<void> {
  if (existsSync('/run/sshd')) return;
  try {
    await mkdir('/run/sshd', { mode: 0o755 });
  } catch (error) {
    throw new Error(`sshd needs /run/sshd (${(error as Error).message}): run scripts/bootstrap`, {
      cause: error,
    });
  }
}

/** True once the server on `port` greets with an SSH-2.0 banner (listening and accepting, not just bound). */
function readsSshBanner(port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: LOOPBACK, port });
    socket.setTimeout(2_000, () => {
      socket.destroy();
      reject(new Error('no SSH banner within 2 s'));
    });
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString('latin1').startsWith('SSH-2.0-'));
    });
    socket.once('error', (error) => {
      socket.destroy();
      reject(error);
    });
  });
}
