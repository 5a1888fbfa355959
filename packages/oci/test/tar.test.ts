import { link, mkdir, symlink, writeFile, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { addFromDisk, layerTarBuffer, LayerTree, sha256Digest } from '../src/index.js';
import { readTar } from './tar-headers.js';
import { tempDir } from './temp.js';

function sampleTree(): LayerTree {
  return new LayerTree()
    .file('opt/resource/check', '#!/bin/sh\n', { mode: 0o755 })
    .file('etc/passwd', 'root:x:0:0:root:/root:/bin/sh\n')
    .symlink('bin/sh', 'dash')
    .directory('tmp', { mode: 0o1777 })
    .hardlink('opt/resource/in', 'opt/resource/check');
}

afterEach(() => vi.unstubAllEnvs());

describe('deterministic tar', () => {
  it('gives identical bytes for the same tree, whatever the insertion order', async () => {
    const reversed = new LayerTree();
    for (const entry of sampleTree().entries().reverse()) {
      if (entry.type === 'directory' && entry.implicit) continue;
      if (entry.type === 'file') reversed.file(entry.path, entry.content ?? '', { mode: entry.mode });
      if (entry.type === 'directory') reversed.directory(entry.path, { mode: entry.mode });
      if (entry.type === 'symlink') reversed.symlink(entry.path, entry.linkTarget);
      if (entry.type === 'hardlink') reversed.hardlink(entry.path, entry.linkTarget);
    }
    const first = await layerTarBuffer(sampleTree());
    const second = await layerTarBuffer(sampleTree());
    expect(second.equals(first)).toBe(true);
    expect(sha256Digest(await layerTarBuffer(reversed))).toBe(sha256Digest(first));
  });

  it('writes sorted entries with explicit parents, root owner, empty names, one mtime and normalised modes', async () => {
    const entries = await readTar(await layerTarBuffer(sampleTree()));
    expect(entries.map((entry) => entry.header.name)).toEqual([
      'bin/',
      'bin/sh',
      'etc/',
      'etc/passwd',
      'opt/',
      'opt/resource/',
      'opt/resource/check',
      'opt/resource/in',
      'tmp/',
    ]);
    for (const { header } of entries) {
      expect(header.uid).toBe(0);
      expect(header.gid).toBe(0);
      expect(header.uname).toBe('');
      expect(header.gname).toBe('');
      expect(header.mtime?.getTime()).toBe(0);
      expect(header.pax ?? null).toBeNull();
    }
    const byName = Object.fromEntries(entries.map((entry) => [entry.header.name, entry]));
    expect(byName['bin/']?.header).toMatchObject({ type: 'directory', mode: 0o755 });
    expect(byName['bin/sh']?.header).toMatchObject({ type: 'symlink', linkname: 'dash' });
    expect(byName['etc/passwd']?.header).toMatchObject({ type: 'file', mode: 0o644 });
    expect(byName['tmp/']?.header).toMatchObject({ type: 'directory', mode: 0o1777 });
    expect(byName['opt/resource/check']?.content.toString()).toBe('#!/bin/sh\n');
    // the first path of a hardlink group in sort order carries the content
    expect(byName['opt/resource/in']?.header).toMatchObject({
      type: 'link',
      linkname: 'opt/resource/check',
      size: 0,
    });
  });

  it('moves the content to whichever hardlink sorts first', async () => {
    const tree = new LayerTree()
      .file('usr/lib/git-core/git', 'elf', { mode: 0o755 })
      .hardlink('usr/bin/git', 'usr/lib/git-core/git');
    const entries = await readTar(await layerTarBuffer(tree));
    const files = entries.filter((entry) => entry.header.type !== 'directory');
    expect(
      files.map((entry) => [entry.header.name, entry.header.type, entry.header.linkname ?? null]),
    ).toEqual([
      ['usr/bin/git', 'file', null],
      ['usr/lib/git-core/git', 'link', 'usr/bin/git'],
    ]);
    expect(files[0]?.header.mode).toBe(0o755);
  });

  it('takes the mtime from SOURCE_DATE_EPOCH, and a different epoch changes the bytes', async () => {
    const atZero = await layerTarBuffer(sampleTree());
    vi.stubEnv('SOURCE_DATE_EPOCH', '1700000000');
    const atEpoch = await layerTarBuffer(sampleTree());
    expect(sha256Digest(atEpoch)).not.toBe(sha256Digest(atZero));
    const entries = await readTar(atEpoch);
    expect(new Set(entries.map((entry) => entry.header.mtime?.getTime()))).toEqual(
      new Set([1_700_000_000_000]),
    );
    expect((await layerTarBuffer(sampleTree(), { epoch: 0 })).equals(atZero)).toBe(true);
  });

  it('refuses .. in layer paths, duplicate files and hardlinks to nothing', async () => {
    expect(() => new LayerTree().file('../etc/passwd', 'x')).toThrow(/'\.\.' is not allowed/);
    expect(() => new LayerTree().file('a', 'x').file('a', 'y')).toThrow(/duplicate layer path 'a'/);
    expect(() => new LayerTree().file('a', 'x').file('a/b', 'y')).toThrow(/needs 'a' to be a directory/);
    await expect(layerTarBuffer(new LayerTree().hardlink('a', 'missing'))).rejects.toThrow(
      /must point at a regular file/,
    );
    const replaced = new LayerTree()
      .file('/a', 'x')
      .add({ path: 'a', type: 'file', content: 'y' }, { replace: true });
    expect((await readTar(await layerTarBuffer(replaced)))[0]?.content.toString()).toBe('y');
  });

  it('stores long paths with a PAX path record only', async () => {
    const long = `${'d'.repeat(120)}/${'f'.repeat(120)}`;
    const entries = await readTar(await layerTarBuffer(new LayerTree().file(long, 'x')));
    expect(entries.map((entry) => entry.header.name)).toEqual([`${'d'.repeat(120)}/`, long]);
    expect(entries[1]?.header.pax).toEqual({ path: long });
  });
});

describe('addFromDisk', () => {
  it('adds a directory under a prefix: modes normalised, symlinks kept, hardlinks detected', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'usr/bin'), { recursive: true });
    await writeFile(join(dir, 'usr/bin/tool'), 'bin');
    await chmod(join(dir, 'usr/bin/tool'), 0o700);
    await writeFile(join(dir, 'usr/readme'), 'doc');
    await chmod(join(dir, 'usr/readme'), 0o600);
    await link(join(dir, 'usr/bin/tool'), join(dir, 'usr/bin/alias'));
    await symlink('/usr/bin/tool', join(dir, 'usr/bin/abs'));
    await writeFile(join(dir, 'skip.me'), 'no');
    const tree = new LayerTree();
    await addFromDisk(tree, dir, { prefix: 'opt/pkg', filter: (path) => path !== 'skip.me' });
    const entries = await readTar(await layerTarBuffer(tree));
    const summary = entries.map(({ header }) =>
      `${header.name} ${header.type} ${header.mode?.toString(8)} ${header.linkname ?? ''}`.trim(),
    );
    expect(summary).toEqual([
      'opt/ directory 755',
      'opt/pkg/ directory 755',
      'opt/pkg/usr/ directory 755',
      'opt/pkg/usr/bin/ directory 755',
      'opt/pkg/usr/bin/abs symlink 777 /usr/bin/tool',
      'opt/pkg/usr/bin/alias file 755',
      'opt/pkg/usr/bin/tool link 755 opt/pkg/usr/bin/alias',
      'opt/pkg/usr/readme file 644',
    ]);
    expect(entries.find((entry) => entry.header.name === 'opt/pkg/usr/bin/alias')?.content.toString()).toBe(
      'bin',
    );

    const again = new LayerTree();
    await addFromDisk(again, dir, { prefix: 'opt/pkg', filter: (path) => path !== 'skip.me' });
    expect((await layerTarBuffer(again)).equals(await layerTarBuffer(tree))).toBe(true);
  });

  it('keeps exact modes with modes: preserve and copies hardlinks with hardlinks: copy', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'a'), 'x');
    await chmod(join(dir, 'a'), 0o4750);
    await link(join(dir, 'a'), join(dir, 'b'));
    const tree = new LayerTree();
    await addFromDisk(tree, dir, { modes: 'preserve', hardlinks: 'copy' });
    const entries = await readTar(await layerTarBuffer(tree));
    expect(entries.map(({ header }) => [header.name, header.type, header.mode])).toEqual([
      ['a', 'file', 0o4750],
      ['b', 'file', 0o4750],
    ]);
  });
});

describe('LayerTree.of', () => {
  it('builds a tree from entry descriptions, reading sourcePath files when the tar is written', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'bundle.js'), 'console.log(1)\n');
    const tree = LayerTree.of([
      { path: '/opt/resource/resource.js', type: 'file', sourcePath: join(dir, 'bundle.js') },
      { path: 'opt/resource/check', type: 'symlink', linkTarget: 'resource.js' },
      { path: 'etc/hostname', type: 'file', content: 'hangar\n', mode: 0o600 },
    ]);
    const entries = await readTar(await layerTarBuffer(tree));
    const file = entries.find((entry) => entry.header.name === 'opt/resource/resource.js');
    expect(file?.header.size).toBe(15);
    expect(file?.content.toString()).toBe('console.log(1)\n');
    expect(entries.find((entry) => entry.header.name === 'etc/hostname')?.header.mode).toBe(0o600);
  });
});
