// A git session: a private directory (0700) holding this process's credentials, and the
// environment that makes git and ssh use them — GIT_SSH_COMMAND, GIT_ASKPASS, a credential-store
// file and GIT_CONFIG_* entries. Nothing touches ~/.netrc, ~/.ssh or the global git config, so
// resources running side by side in one container cannot see or clobber each other's secrets.
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ConfigEntry, BASE_CONFIG, ENFORCED_CONFIG, baseGitEnv, configEnv } from './config-env.js';
import { Git } from './git-process.js';
import { prepareSshKey, startSshAgent, type SshAgent } from './ssh-key.js';

export interface HostCredential {
  /** Host name as it appears in URLs (`github.com`, `git.example.com:8443`). */
  host: string;
  username: string;
  password: string;
}

export interface HttpsTunnel {
  proxyHost: string;
  proxyPort: string | number;
  proxyUser?: string;
  proxyPassword?: string;
}

export interface GitSessionOptions {
  /** OpenSSH or PEM private key for ssh:// and scp-style remotes. */
  privateKey?: string;
  privateKeyPassphrase?: string;
  /** Login user for SSH when the URL names none. */
  privateKeyUser?: string;
  /** Load the key into a private ssh-agent and forward it to the server. */
  forwardAgent?: boolean;
  /** known_hosts lines: when given, SSH host keys are verified against them. */
  knownHosts?: string;
  /** HTTP(S) basic-auth credentials for any host (like a netrc `default` entry). */
  username?: string;
  password?: string;
  /** Per-host HTTP(S) credentials, tried before the default ones. */
  hostCredentials?: readonly HostCredential[];
  /** Tunnel SSH through an HTTP CONNECT proxy (needs `proxytunnel` on PATH). */
  httpsTunnel?: HttpsTunnel;
  skipSslVerification?: boolean;
  /** User config entries (`git_config`), applied after the base settings. */
  config?: readonly ConfigEntry[];
  /** Parent environment (default process.env); GIT_* variables in it are dropped. */
  parentEnv?: Readonly<Record<string, string | undefined>>;
  /** Extra variables for every git process (e.g. GIT_LFS_SKIP_SMUDGE). */
  extraEnv?: Record<string, string>;
  /** Where the private directory is created (default the OS temp dir). */
  tmpDir?: string;
  /** Name of the field holding the key, for error messages (default `source.private_key`). */
  keyField?: string;
  /** Receives git's command lines and stderr (pass a redacting logger). */
  trace?: ((text: string) => void) | undefined;
}

export interface GitSession extends AsyncDisposable {
  /** A git runner with this session's environment. */
  readonly git: Git;
  /** The full environment git runs with. */
  readonly env: Record<string, string>;
  /** The private directory (removed by close()). */
  readonly dir: string;
  /** Stops the ssh-agent, if any, and deletes the private directory. */
  close(): Promise<void>;
}

const shellQuote = (value: string): string => `'${value.replaceAll("'", `'\\''`)}'`;

async function writePrivate(path: string, content: string, mode = 0o600): Promise<void> {
  await writeFile(path, content, { mode });
  await chmod(path, mode);
}

/** Creates the private directory and everything git needs to authenticate. */
export async function openGitSession(options: GitSessionOptions = {}): Promise<GitSession> {
  const parent = options.tmpDir ?? tmpdir();
  await mkdir(parent, { recursive: true });
  const dir = await mkdtemp(join(parent, 'hangar-git-session-'));
  await chmod(dir, 0o700);
  let agent: SshAgent | undefined;
  const close = async () => {
    await agent?.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const env = baseGitEnv(options.parentEnv);
    const config: ConfigEntry[] = [...BASE_CONFIG];

    // HTTP(S): per-host entries through git's credential-store (matched on protocol and host),
    // the default pair through an askpass helper that git calls when nothing else answered.
    const hostLines = (options.hostCredentials ?? []).flatMap(({ host, username, password }) =>
      ['https', 'http'].map(
        (scheme) => `${scheme}://${encodeURIComponent(username)}:${encodeURIComponent(password)}@${host}`,
      ),
    );
    if (hostLines.length) {
      const store = join(dir, 'credentials');
      await writePrivate(store, `${hostLines.join('\n')}\n`);
      config.push(['credential.helper', `store --file=${shellQuote(store)}`]);
    }
    const askpass = join(dir, 'askpass');
    const hasDefault = Boolean(options.username && options.password);
    if (hasDefault) {
      await writePrivate(join(dir, 'username'), options.username ?? '');
      await writePrivate(join(dir, 'password'), options.password ?? '');
    }
    if (options.privateKeyPassphrase)
      await writePrivate(join(dir, 'passphrase'), options.privateKeyPassphrase);
    await writePrivate(askpass, askpassScript(dir), 0o700);
    env['GIT_ASKPASS'] = askpass;

    if (options.skipSslVerification) config.push(['http.sslVerify', 'false']);
    config.push(...(options.config ?? []), ...ENFORCED_CONFIG);

    // SSH: our own command line; -F /dev/null so no ssh_config (ours or another resource's) applies.
    const ssh = ['ssh', '-F', '/dev/null', '-o', 'LogLevel=ERROR'];
    if (options.knownHosts) {
      const knownHosts = join(dir, 'known_hosts');
      await writePrivate(knownHosts, `${options.knownHosts.trim()}\n`);
      ssh.push('-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${shellQuote(knownHosts)}`);
    } else {
      // Like the reference: host keys are not verified unless known_hosts is given.
      ssh.push('-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null');
    }
    if (options.privateKeyUser) ssh.push('-o', `User=${shellQuote(options.privateKeyUser)}`);
    if (options.privateKey) {
      const keyPath = join(dir, 'id_key');
      await prepareSshKey(options.privateKey, keyPath, {
        passphrase: options.privateKeyPassphrase,
        field: options.keyField ?? 'source.private_key',
      });
      ssh.push('-i', shellQuote(keyPath), '-o', 'IdentitiesOnly=yes');
      if (options.privateKeyPassphrase) {
        env['SSH_ASKPASS'] = askpass;
        env['SSH_ASKPASS_REQUIRE'] = 'force';
        ssh.push('-o', 'PreferredAuthentications=publickey');
      } else {
        ssh.push('-o', 'BatchMode=yes');
      }
      if (options.forwardAgent) {
        agent = await startSshAgent(join(dir, 'agent.sock'), keyPath, env);
        env['SSH_AUTH_SOCK'] = agent.socket;
        ssh.push('-o', 'ForwardAgent=yes');
      } else {
        ssh.push('-o', 'IdentityAgent=none');
      }
    } else {
      ssh.push('-o', 'BatchMode=yes', '-o', 'IdentityAgent=none');
    }
    if (options.httpsTunnel)
      ssh.push('-o', shellQuote(`ProxyCommand=${await tunnelCommand(dir, options.httpsTunnel)}`));
    env['GIT_SSH_COMMAND'] = ssh.join(' ');
    env['GIT_SSH_VARIANT'] = 'ssh';

    Object.assign(env, configEnv(config), options.extraEnv);
    const git = new Git({ env, trace: options.trace });
    return { git, env, dir, close, [Symbol.asyncDispose]: close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * git asks "Username for '…': " and "Password for '…': "; ssh asks for a key's passphrase.
 * The answers are files beside the script, so no secret is ever in an argv or an environment.
 */
function askpassScript(dir: string): string {
  const file = (name: string) => shellQuote(join(dir, name));
  return [
    '#!/bin/sh',
    'case "$1" in',
    `  Username*) f=${file('username')} ;;`,
    `  Password*) f=${file('password')} ;;`,
    `  *) f=${file('passphrase')} ;;`,
    'esac',
    // No answer is a failure, not an empty string: git-lfs resubmits empty credentials forever.
    '[ -f "$f" ] || exit 1',
    'exec cat "$f"',
    '',
  ].join('\n');
}

async function tunnelCommand(dir: string, tunnel: HttpsTunnel): Promise<string> {
  const parts = ['proxytunnel', '-q', '-p', `${tunnel.proxyHost}:${tunnel.proxyPort}`, '-d', '%h:%p'];
  if (tunnel.proxyUser) {
    const file = join(dir, 'tunnel_config');
    await writePrivate(
      file,
      `proxy_user = ${tunnel.proxyUser}\nproxy_passwd = ${tunnel.proxyPassword ?? ''}\n`,
    );
    parts.push('-F', file);
  }
  return parts.join(' ');
}
