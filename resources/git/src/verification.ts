// Commit signature verification (GPG) and git-crypt unlocking, each with its own keyring or key
// file inside the session's private directory: nothing lands in ~/.gnupg or ~/git-crypt.key.
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, RemoteError } from '@hangar/resource-sdk';
import type { Git } from '@hangar/git';
import type { Source } from './source.js';

function run(
  command: string,
  args: string[],
  options: { env: Record<string, string>; cwd?: string; input?: string },
) {
  return new Promise<{ code: number; stderr: string }>((resolve, reject) => {
    const child = spawn(command, args, {
      env: options.env,
      cwd: options.cwd,
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? 1, stderr }));
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}

const firstLine = (text: string) => text.split('\n').find((line) => line.trim()) ?? '';

export const wantsVerification = (source: Source): boolean =>
  Boolean(source.commit_verification_keys?.length || source.commit_verification_key_ids?.length);

/** Imports the configured keys into a private keyring and verifies HEAD's signature. */
export async function verifyCommitSignature(git: Git, source: Source, privateDir: string): Promise<void> {
  const home = join(privateDir, 'gnupg');
  await mkdir(home, { recursive: true, mode: 0o700 });
  const env = { ...git.env, GNUPGHOME: home };
  for (const [index, key] of (source.commit_verification_keys ?? []).entries()) {
    const imported = await run('gpg', ['--batch', '--quiet', '--import'], { env, input: key });
    if (imported.code !== 0)
      throw new ConfigError(
        `source.commit_verification_keys[${index}] is not a valid GPG public key: ${firstLine(imported.stderr)}`,
      );
  }
  const ids = source.commit_verification_key_ids ?? [];
  if (ids.length) {
    const server = source.gpg_keyserver ?? 'hkp://keyserver.ubuntu.com/';
    const received = await run(
      'gpg',
      ['--batch', '--quiet', '--keyserver', server, '--recv-keys', '--', ...ids],
      { env },
    );
    if (received.code !== 0)
      throw new RemoteError(
        `could not fetch source.commit_verification_key_ids from ${server}: ${firstLine(received.stderr)}`,
      );
  }
  const commit = await git.output(['rev-parse', 'HEAD']);
  const verified = await git.withEnv({ GNUPGHOME: home }).exec(['verify-commit', commit]);
  if (verified.code !== 0) {
    // The reference's words, and gpg's reason for a signature it cannot check.
    const reason = verified.stderr.split('\n').findLast((line) => line.startsWith('gpg: '));
    throw new RemoteError(
      `The commit ${commit} is not signed by any of the configured keys${reason ? ` (${reason})` : ''}`,
    );
  }
}

/** Decodes source.git_crypt_key (base64) into the private directory and unlocks the work tree. */
export async function unlockGitCrypt(git: Git, key: string, privateDir: string): Promise<void> {
  const keyFile = join(privateDir, 'git-crypt.key');
  await writeFile(keyFile, Buffer.from(key.replace(/\s+/g, ''), 'base64'), { mode: 0o600 });
  const unlocked = await run('git-crypt', ['unlock', keyFile], {
    env: git.env,
    ...(git.cwd ? { cwd: git.cwd } : {}),
  });
  if (unlocked.code !== 0)
    throw new ConfigError(
      `git-crypt could not unlock the repository with source.git_crypt_key: ${firstLine(unlocked.stderr)}`,
    );
}
