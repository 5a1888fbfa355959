import { execFileSync } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git } from '@hangar/testkit';
import { workspace } from './harness.js';

describe('commit signature verification', () => {
  it('accepts a commit signed by a configured key (also as a tag version) and refuses others', async () => {
    const ws = await workspace();
    const gnupg = join(ws.root, 'signer-gnupg');
    await mkdir(gnupg, { mode: 0o700 });
    const gpg = (...args: string[]) =>
      execFileSync('gpg', ['--batch', '--quiet', ...args], { env: { ...process.env, GNUPGHOME: gnupg } });
    try {
      gpg(
        '--passphrase',
        '',
        '--quick-gen-key',
        'Signer <signer@hangar.invalid>',
        'ed25519',
        'sign',
        'never',
      );
      const publicKey = gpg('--armor', '--export', 'signer@hangar.invalid').toString();
      const { remote, work } = await ws.repo();
      const unsigned = await work.commit('unsigned');
      await work.writeFiles({ 'signed.txt': 'x' });
      await work.run('add', 'signed.txt');
      await git(['-c', 'user.signingkey=signer@hangar.invalid', 'commit', '-q', '-S', '-m', 'signed'], {
        cwd: work.path,
        env: { GNUPGHOME: gnupg },
      });
      const signed = await work.revParse('HEAD');
      await work.annotatedTag('v1', 'release');
      await work.push('origin', 'main', '--tags');
      const source = { uri: remote, branch: 'main', commit_verification_keys: [publicKey] };

      const good = await ws.get(source, { ref: signed });
      expect(good.code, good.stderr).toBe(0);
      const bad = await ws.get(source, { ref: unsigned });
      expect(bad.stderr.trim().split('\n').at(-1)).toBe(
        `error: The commit ${unsigned} is not signed by any of the configured keys`,
      );
      const invalid = await ws.get({ ...source, commit_verification_keys: ['not a key'] }, { ref: signed });
      expect(invalid.stderr).toMatch(
        /^error: source\.commit_verification_keys\[0\] is not a valid GPG public key/m,
      );
      const viaTag = await ws.get({ ...source, tag_filter: 'v*' }, { ref: 'v1' });
      expect(viaTag.code, viaTag.stderr).toBe(0);
      expect(await git(['rev-parse', 'HEAD'], { cwd: viaTag.dir })).toBe(signed);
      gpg('--passphrase', '', '--quick-gen-key', 'Other <other@hangar.invalid>', 'ed25519', 'sign', 'never');
      const otherKey = gpg('--armor', '--export', 'other@hangar.invalid').toString();
      const unknown = await ws.get({ ...source, commit_verification_keys: [otherKey] }, { ref: signed });
      expect(unknown.stderr.trim().split('\n').at(-1)).toBe(
        `error: The commit ${signed} is not signed by any of the configured keys (gpg: Can't check signature: No public key)`,
      );
      expect(await ws.homeEntries()).toEqual([]);
    } finally {
      execFileSync('gpgconf', ['--kill', 'gpg-agent'], { env: { ...process.env, GNUPGHOME: gnupg } });
    }
  });
});

describe('git-crypt', () => {
  it('unlocks encrypted files with git_crypt_key, keeping the key out of HOME', async () => {
    const ws = await workspace();
    const { remote, work } = await ws.repo();
    await work.commit('init');
    execFileSync('git-crypt', ['init'], { cwd: work.path });
    await work.writeFiles({
      '.gitattributes': 'secret.txt filter=git-crypt diff=git-crypt\n',
      'secret.txt': 'top secret\n',
    });
    const head = await work.commit('add secret');
    const keyFile = join(ws.root, 'crypt.key');
    execFileSync('git-crypt', ['export-key', keyFile], { cwd: work.path });
    await work.push('origin', 'main');
    const key = (await readFile(keyFile)).toString('base64');

    const locked = await ws.get({ uri: remote }, { ref: head });
    expect((await readFile(join(locked.dir, 'secret.txt'))).subarray(0, 9).toString('latin1')).toBe(
      '\0GITCRYPT',
    );
    const unlocked = await ws.get({ uri: remote, git_crypt_key: key }, { ref: head });
    expect(unlocked.code, unlocked.stderr).toBe(0);
    expect(await readFile(join(unlocked.dir, 'secret.txt'), 'utf8')).toBe('top secret\n');
    expect(await ws.homeEntries()).toEqual([]);
  });
});
