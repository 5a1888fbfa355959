// An ssh-agent holding `private_key`, so tofu can fetch modules from private git repositories.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ConfigError, RemoteError } from '@hangar/resource-sdk';

export interface SshAgent {
  /** SSH_AUTH_SOCK and a GIT_SSH_COMMAND that accepts first-seen host keys. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

function run(command: string, args: string[], env: Record<string, string>, input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('error', (error) => reject(new RemoteError(`could not run ${command}: ${error.message}`)));
    child.once('close', (code) => (code === 0 ? resolve(output) : reject(new Error(output.trim()))));
    // A program that exits without reading (ssh-add refusing a key) must not crash us with EPIPE:
    // its exit status says what went wrong.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? '');
  });
}

export async function startSshAgent(
  privateKey: string,
  tmp: string,
  base: Readonly<Record<string, string | undefined>>,
): Promise<SshAgent> {
  const socket = join(tmp, 'ssh-agent.sock');
  const env: Record<string, string> = { PATH: base['PATH'] ?? '/usr/bin:/bin' };
  const output = await run('ssh-agent', ['-s', '-a', socket], env);
  const pid = /SSH_AGENT_PID=(\d+)/.exec(output)?.[1];
  if (!pid) throw new RemoteError(`ssh-agent did not start: ${output.trim()}`);
  const stop = () => {
    try {
      process.kill(Number(pid), 'SIGTERM');
    } catch {
      // already gone
    }
    return Promise.resolve();
  };
  try {
    const key = privateKey.endsWith('\n') ? privateKey : `${privateKey}\n`;
    await run('ssh-add', ['-q', '-'], { ...env, SSH_AUTH_SOCK: socket }, key);
  } catch {
    await stop();
    // ssh-add's message may quote the key: say only which field is wrong.
    throw new ConfigError(
      `invalid 'private_key': ssh-add could not load it (is it an unencrypted private key?)`,
    );
  }
  const knownHosts = join(tmp, 'known_hosts');
  return {
    env: {
      SSH_AUTH_SOCK: socket,
      GIT_SSH_COMMAND: `ssh -o StrictHostKeyChecking=accept-new -o UserKnownHostsFile=${knownHosts}`,
    },
    stop,
  };
}
