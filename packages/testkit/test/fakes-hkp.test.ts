import { describe, expect, test } from 'vitest';
import { requireBinary, runCommand, startHkpKeyserver, tempDir } from '../src/index.js';

describe('HKP keyserver', () => {
  test("serves an added key to gpg --recv-keys by fingerprint or long id, and 'No data' otherwise", async () => {
    await using signer = await tempDir('hangar-hkp-signer-');
    await using receiver = await tempDir('hangar-hkp-receiver-');
    const gpg = (home: string, ...args: string[]) =>
      runCommand(requireBinary('gpg'), ['--batch', ...args], {
        env: { ...process.env, GNUPGHOME: home },
        allowFailure: true,
      });
    await using keyserver = await startHkpKeyserver();
    try {
      await gpg(
        signer.path,
        '--passphrase',
        '',
        '--quick-gen-key',
        'K <k@hangar.invalid>',
        'ed25519',
        'sign',
      );
      const armored = (await gpg(signer.path, '--armor', '--export', 'k@hangar.invalid')).stdout;
      const [fingerprint = ''] = await keyserver.addKey(armored);
      expect(fingerprint).toMatch(/^[0-9A-F]{40}$/);

      const unknown = await gpg(receiver.path, '--keyserver', keyserver.url, '--recv-keys', '0'.repeat(40));
      expect(unknown.code).not.toBe(0);
      expect(unknown.stderr).toContain('keyserver receive failed: No data');
      const received = await gpg(
        receiver.path,
        '--keyserver',
        keyserver.url,
        '--recv-keys',
        fingerprint.slice(-16),
      );
      expect(received.code, received.stderr).toBe(0);
      expect((await gpg(receiver.path, '--list-keys', '--with-colons', fingerprint)).stdout).toContain(
        `fpr:::::::::${fingerprint}:`,
      );
      expect(keyserver.lookups).toEqual([`0x${'0'.repeat(40)}`, `0x${fingerprint.slice(-16)}`]);
    } finally {
      for (const home of [signer.path, receiver.path])
        await runCommand(requireBinary('gpgconf'), ['--kill', 'all'], {
          env: { ...process.env, GNUPGHOME: home },
        });
    }
  });
});
