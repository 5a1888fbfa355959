import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git, startHkpKeyserver, type GitRepo } from '@hangar/testkit';
import { workspace, type Workspace } from './harness.js';

/** A GPG home holding the signing key `Signer`; disposing it stops its agent. */
async function signer(ws: Workspace) {
  const home = join(ws.root, 'signer-gnupg');
  await mkdir(home, { mode: 0o700 });
  const env = { ...process.env, GNUPGHOME: home };
  const gpg = (...args: string[]) => execFileSync('gpg', ['--batch', '--quiet', ...args], { env }).toString();
  const generate = (user: string) => {
    gpg(
      '--passphrase',
      '',
      '--quick-gen-key',
      `${user} <${user}@hangar.invalid>`,
      'ed25519',
      'sign',
      'never',
    );
    return gpg('--armor', '--export', `${user}@hangar.invalid`);
  };
  return {
    publicKey: generate('signer'),
    /** Another key, for commits signed by someone the source does not trust. */
    otherKey: () => generate('other'),
    /** Commits `file` signed by the signer; returns the commit. */
    async commitSigned(work: GitRepo, file: string): Promise<string> {
      await work.writeFiles({ [file]: 'x' });
      await work.run('add', file);
      await git(['-c', 'user.signingkey=signer@hangar.invalid', 'commit', '-q', '-S', '-m', 'signed'], {
        cwd: work.path,
        env: { GNUPGHOME: home },
      });
      return work.revParse('HEAD');
    },
    [Symbol.dispose]: () => execFileSync('gpgconf', ['--kill', 'gpg-agent'], { env }),
  };
}

describe('commit signature verification', () => {
  it('accepts a commit signed by a configured key (also as a tag version) and refuses others', async () => {
    const ws = await workspace();
    using signing = await signer(ws);
    const { remote, work } = await ws.repo();
    const unsigned = await work.commit('unsigned');
    const signed = await signing.commitSigned(work, 'signed.txt');
    await work.annotatedTag('v1', 'release');
    await work.push('origin', 'main', '--tags');
    const source = { uri: remote, branch: 'main', commit_verification_keys: [signing.publicKey] };

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
    const unknown = await ws.get(
      { ...source, commit_verification_keys: [signing.otherKey()] },
      { ref: signed },
    );
    expect(unknown.stderr.trim().split('\n').at(-1)).toBe(
      `error: The commit ${signed} is not signed by any of the configured keys (gpg: Can't check signature: No public key)`,
    );
    expect(await ws.homeEntries()).toEqual([]);
  });

  it('fetches commit_verification_key_ids from gpg_keyserver, and names an id gpg cannot fetch', async () => {
    const ws = await workspace();
    using signing = await signer(ws);
    await using keyserver = await startHkpKeyserver();
    const [fingerprint = ''] = await keyserver.addKey(signing.publicKey);
    const { remote, work } = await ws.repo();
    const signed = await signing.commitSigned(work, 'some-file');
    await work.push('origin', 'main');
    const withIds = (ids: string[]) => ({
      uri: remote,
      gpg_keyserver: keyserver.url,
      commit_verification_key_ids: ids,
    });

    const good = await ws.get(withIds([fingerprint]), { ref: signed });
    expect(good.code, good.stderr).toBe(0);
    expect(existsSync(join(good.dir, 'some-file'))).toBe(true);
    expect(await git(['rev-parse', 'HEAD'], { cwd: good.dir })).toBe(signed);
    expect(keyserver.lookups).toEqual([`0x${fingerprint}`]);

    const bogus = await ws.get(withIds(['abcd']), { ref: signed });
    expect(bogus.code).toBe(1);
    expect(bogus.stderr.trim().split('\n').at(-1)).toBe(
      `error: could not fetch source.commit_verification_key_ids from ${keyserver.url}: gpg: "abcd" not a key ID: skipping`,
    );
    const unknownId = '24C51CCE1AB7B2EFEF72B9A48EAB0B8DEE26E5FD';
    const unknown = await ws.get(withIds([unknownId]), { ref: signed });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim().split('\n').at(-1)).toBe(
      `error: could not fetch source.commit_verification_key_ids from ${keyserver.url}: gpg: keyserver receive failed: No data`,
    );
    expect(keyserver.lookups.at(-1)).toBe(`0x${unknownId}`);
    expect(await ws.homeEntries()).toEqual([]);
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
