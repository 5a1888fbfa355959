// SSH private keys: normalised into a 0600 file in the session directory and checked with
// ssh-keygen before use, so a bad key fails with one clear line instead of ssh's "invalid format"
// halfway through a fetch. A private ssh-agent is started only when the key must be forwarded.
import { spawn } from 'node:child_process';
import { chmod, writeFile } from 'node:fs/promises';
import { ConfigError, ProtocolError } from '@hangar/resource-sdk';

interface Finished {
  code: number;
  stdout: string;
  stderr: string;
}

function runTool(command: string, args: string[], env?: Record<string, string>): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...(env ? { env } : {}) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/**
 * Keys pasted into YAML often lose their final newline or gain CRLF line ends or indentation;
 * OpenSSH rejects all three as "invalid format".
 */
export function normalizePrivateKey(key: string): string {
  const lines = key
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.trim());
  return `${lines.join('\n').trim()}\n`;
}

/** Writes `key` to `path` (0600) and verifies it can be loaded with the given passphrase. */
export async function prepareSshKey(
  key: string,
  path: string,
  options: { passphrase?: string | undefined; field: string },
): Promise<void> {
  await writeFile(path, normalizePrivateKey(key), { mode: 0o600 });
  await chmod(path, 0o600);
  // An empty -P proves the key is readable and unencrypted; the real passphrase is never put on
  // a command line, ssh gets it from the askpass helper.
  const probe = await runTool('ssh-keygen', ['-y', '-P', '', '-f', path]);
  if (probe.code === 0) return;
  const encrypted = /passphrase|incorrect|bad decrypt/i.test(probe.stderr);
  if (encrypted && !options.passphrase)
    throw new ConfigError(
      `${options.field} is protected by a passphrase but private_key_passphrase is not set`,
    );
  if (!encrypted)
    throw new ConfigError(
      `${options.field} is not a valid SSH private key (ssh-keygen: ${firstLine(probe.stderr)})`,
    );
}

const firstLine = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .find(Boolean)
    ?.replace(/^Load key "[^"]*":\s*/, '') ?? 'unreadable';

export interface SshAgent {
  readonly socket: string;
  stop(): Promise<void>;
}

/**
 * Starts `ssh-agent -D` bound to `socket` (inside the session's private directory) and adds the
 * key, using the session's askpass helper for a passphrase. Stopped by its own pid.
 */
export async function startSshAgent(
  socket: string,
  keyPath: string,
  env: Record<string, string>,
): Promise<SshAgent> {
  const child = spawn('ssh-agent', ['-D', '-a', socket], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
  };
  // In -D mode the agent prints its SSH_AUTH_SOCK line once the socket is listening.
  await new Promise<void>((resolve, reject) => {
    let seen = '';
    child.stdout.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes('SSH_AUTH_SOCK')) resolve();
    });
    child.once('error', reject);
    child.once('close', (code) =>
      reject(new ProtocolError(`ssh-agent exited (${code}) before it was ready`)),
    );
  });
  const added = await runTool('ssh-add', ['-q', keyPath], { ...env, SSH_AUTH_SOCK: socket });
  if (added.code !== 0) {
    await stop();
    throw new ConfigError(`could not add the private key to the ssh-agent: ${firstLine(added.stderr)}`);
  }
  return { socket, stop };
}
