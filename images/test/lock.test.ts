// The committed lock pins every input with a hash, and its Debian closure is complete.
import { describe, expect, it } from 'vitest';
import { parseAptStanzas, parseDependsField } from '../src/apt.js';
import { readLock } from '../src/lock.js';
import { ARCHES, DEB_LAYERS, NODE_VERSION, parsePlatforms, type Arch } from '../src/recipe.js';

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
  it('pins every Debian package of both architectures with name, version, arch and SHA256', async () => {
    const lock = await readLock();
    expect(lock.distribution).toEqual({ id: 'debian', release: 'bookworm' });
    expect(Object.keys(lock.platforms).sort()).toEqual(Object.keys(ARCHES).sort());
    for (const [arch, platform] of Object.entries(lock.platforms)) {
      for (const layer of Object.values(platform.layers)) {
        expect(layer.packages.length).toBeGreaterThan(0);
        for (const deb of layer.packages) {
          expect(deb.sha256, deb.name).toMatch(/^[0-9a-f]{64}$/);
          expect(deb.version, deb.name).not.toBe('');
          expect([arch, 'all'], `${arch} ${deb.name}`).toContain(deb.arch);
          expect(deb.filename, deb.name).toMatch(new RegExp(`_(${arch}|all)\\.deb$`));
        }
      }
      expect(platform.layers.base.packages.map((deb) => deb.name)).toEqual(
        expect.arrayContaining(['libc6', 'libstdc++6', 'libgcc-s1', 'ca-certificates', 'dash']),
      );
      expect(platform.layers.git.packages.map((deb) => deb.name)).toEqual(
        expect.arrayContaining(['git', 'openssh-client', 'gpg', 'git-lfs', 'git-crypt', 'proxytunnel']),
      );
    }
  });

  it('resolves the same package set and versions for every architecture', async () => {
    const { amd64, arm64 } = (await readLock()).platforms;
    for (const name of ['base', 'git'] as const) {
      const versions = (packages: { name: string; version: string }[]) =>
        packages.map((deb) => `${deb.name}=${deb.version}`);
      expect(versions(arm64.layers[name].packages)).toEqual(versions(amd64.layers[name].packages));
    }
  });

  it('pins Node and OpenTofu of each architecture by hash', async () => {
    const lock = await readLock();
    const seen = new Set<string>();
    for (const [arch, platform] of Object.entries(lock.platforms)) {
      expect(platform.node).toMatchObject({
        package: ARCHES[arch as Arch].nodePackage,
        version: NODE_VERSION,
      });
      expect(platform.node.integrity).toMatch(/^sha512-[A-Za-z0-9+/]{86}==$/);
      expect(platform.tofu.cachePath).toBe(ARCHES[arch as Arch].tofuPath);
      for (const hash of [platform.node.strippedSha256, platform.tofu.sha256, platform.tofu.strippedSha256]) {
        expect(hash).toMatch(/^[0-9a-f]{64}$/);
        seen.add(hash);
      }
    }
    expect(seen.size, 'no binary is shared between architectures').toBe(6);
  });

  it('matches the recipe: roots present, excluded packages absent, no package in two layers', async () => {
    for (const platform of Object.values((await readLock()).platforms)) {
      for (const name of ['base', 'git'] as const) {
        const names = platform.layers[name].packages.map((deb) => deb.name);
        expect(platform.layers[name].roots).toEqual(DEB_LAYERS[name].roots);
        for (const excluded of DEB_LAYERS[name].excluded) expect(names).not.toContain(excluded);
      }
      const base = new Set(platform.layers.base.packages.map((deb) => deb.name));
      for (const deb of platform.layers.git.packages) expect(base.has(deb.name), deb.name).toBe(false);
    }
  });
});

describe('--platform', () => {
  it('reads linux/<arch> lists in order, once each', () => {
    expect(parsePlatforms('linux/amd64')).toEqual(['amd64']);
    expect(parsePlatforms('linux/arm64, linux/amd64,linux/arm64')).toEqual(['arm64', 'amd64']);
  });

  it('names the bad entry and the known platforms', () => {
    expect(() => parsePlatforms('linux/riscv64')).toThrow(
      "--platform: 'linux/riscv64' is not one of linux/amd64, linux/arm64",
    );
    expect(() => parsePlatforms('windows/amd64')).toThrow(/'windows\/amd64'/);
    expect(() => parsePlatforms('amd64')).toThrow(/'amd64'/);
  });
});
