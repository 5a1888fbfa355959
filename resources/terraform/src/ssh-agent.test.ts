import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runCommand } from '@hangar/testkit';
import { startSshAgent } from './ssh-agent.js';

const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin' };

it('refuses a key ssh-add cannot load in one line that does not quote it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'hangar-ssh-agent-'));
  try {
    // Larger than a pipe buffer: ssh-add may exit before reading it all (EPIPE must not crash us).
    const key = `-----BEGIN OPENSSH PRIVATE KEY-----\n${'A'.repeat(256 * 1024)}\n`;
    const error = await startSshAgent(key, dir, env).catch((caught: unknown) => caught);
    expect(String(error)).toBe(
      "ConfigError: invalid 'private_key': ssh-add could not load it (is it an unencrypted private key?)",
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

it('holds a valid key for git over ssh', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'hangar-ssh-agent-'));
  try {
    await runCommand('ssh-keygen', [
      '-q',
      '-t',
      'ed25519',
      '-N',
      '',
      '-C',
      'agent-test',
      '-f',
      join(dir, 'id'),
    ]);
    const { readFile } = await import('node:fs/promises');
    const agent = await startSshAgent(await readFile(join(dir, 'id'), 'utf8'), dir, env);
    try {
      const listed = await runCommand('ssh-add', ['-l'], { env: { ...env, ...agent.env } });
      expect(listed.stdout).toContain('agent-test');
      expect(agent.env['GIT_SSH_COMMAND']).toContain('StrictHostKeyChecking=accept-new');
    } finally {
      await agent.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
