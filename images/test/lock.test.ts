// The committed lock pins every input with a hash, and its Debian closure is complete.
import { describe, expect, it } from 'vitest';
import { parseAptStanzas, parseDependsField } from '../src/apt.js';
import { readLock } from '../src/lock.js';
import { DEB_LAYERS, NODE_INPUT } from '../src/recipe.js';

describe('apt parsing', () => {
  it('splits Depends into alternatives and drops versions and :any', () => {
    expect(parseDependsField('libc6 (>= 2.34), pinentry-curses (>= 1.1.0) | pinentry, perl:any')).toEqual([
      ['libc6'],
      ['pinentry-curses', 'pinentry'],
      ['perl'],
    ]);
    expect(parseDependsField('')).toEqual([]);
  });

  it('reads deb822 stanzas with continuation lines', () => {
    const [record] = parseAptStanzas(
      'Package: dash\nVersion: 0.5.12-2\nArchitecture: amd64\nPre-Depends: libc6 (>= 2.34)\nDepends: debianutils\nDescription: shell\n more text\nSHA256: abc\nSize: 10\nFilename: pool/d/dash.deb\n',
    );
    expect(record).toMatchObject({
      name: 'dash',
      version: '0.5.12-2',
      sha256: 'abc',
      size: 10,
      depends: [['libc6'], ['debianutils']],
    });
  });
});

describe('images/lock.json', () => {
  it('pins every Debian package with name, version, arch and SHA256', async () => {
    const lock = await readLock();
    expect(lock.distribution).toEqual({ id: 'debian', release: 'bookworm', arch: 'amd64' });
    for (const layer of Object.values(lock.layers)) {
      expect(layer.packages.length).toBeGreaterThan(0);
      for (const deb of layer.packages) {
        expect(deb.sha256, deb.name).toMatch(/^[0-9a-f]{64}$/);
        expect(deb.version, deb.name).not.toBe('');
        expect(['amd64', 'all']).toContain(deb.arch);
      }
    }
    expect(lock.layers.base.packages.map((deb) => deb.name)).toEqual(
      expect.arrayContaining(['libc6', 'libstdc++6', 'libgcc-s1', 'ca-certificates', 'dash']),
    );
    expect(lock.layers.git.packages.map((deb) => deb.name)).toEqual(
      expect.arrayContaining(['git', 'openssh-client', 'gpg', 'git-lfs', 'git-crypt', 'proxytunnel']),
    );
  });

  it('pins Node and OpenTofu by hash', async () => {
    const lock = await readLock();
    expect(lock.node).toMatchObject(NODE_INPUT);
    expect(lock.node.integrity).toMatch(/^sha512-[A-Za-z0-9+/]{86}==$/);
    expect(lock.node.strippedSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(lock.tofu.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(lock.tofu.strippedSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('matches the recipe: roots present, excluded packages absent, no package in two layers', async () => {
    const lock = await readLock();
    for (const name of ['base', 'git'] as const) {
      const names = lock.layers[name].packages.map((deb) => deb.name);
      expect(lock.layers[name].roots).toEqual(DEB_LAYERS[name].roots);
      for (const excluded of DEB_LAYERS[name].excluded) expect(names).not.toContain(excluded);
    }
    const base = new Set(lock.layers.base.packages.map((deb) => deb.name));
    for (const deb of lock.layers.git.packages) expect(base.has(deb.name), deb.name).toBe(false);
  });
});
