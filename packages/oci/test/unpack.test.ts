import { lstat, mkdir, readFile, readlink, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  LayerTree,
  OciLayout,
  Rootfs,
  unpackImage,
  writeImage,
  writeRootfsArchive,
  sha256Digest,
  type Layer,
} from '../src/index.js';
import { craftTar, type CraftedEntry } from './crafted-tar.js';
import { readTar } from './tar-headers.js';
import { tempDir } from './temp.js';

async function applyLayers(root: string, ...layers: CraftedEntry[][]): Promise<Rootfs> {
  const rootfs = await Rootfs.create(root);
  for (const layer of layers) await rootfs.applyLayer(Readable.from([await craftTar(layer)]));
  await rootfs.finish();
  return rootfs;
}

/** A sandbox holding the rootfs and a sibling "outside" directory an attacker would aim for. */
async function sandbox() {
  const dir = await tempDir();
  const outside = join(dir, 'outside');
  await mkdir(outside);
  await writeFile(join(outside, 'victim'), 'untouched');
  return { root: join(dir, 'rootfs'), outside };
}

describe('safe unpack refuses escapes', () => {
  it('refuses ../ paths', async () => {
    const { root, outside } = await sandbox();
    await expect(applyLayers(root, [{ name: '../outside/victim', content: 'pwned' }])).rejects.toThrow(
      /refusing layer entry '\.\.\/outside\/victim'.*escapes/,
    );
    expect(await readFile(join(outside, 'victim'), 'utf8')).toBe('untouched');
  });

  it('refuses absolute paths', async () => {
    const { root, outside } = await sandbox();
    await expect(applyLayers(root, [{ name: join(outside, 'victim'), content: 'pwned' }])).rejects.toThrow(
      /absolute path/,
    );
    expect(await readFile(join(outside, 'victim'), 'utf8')).toBe('untouched');
  });

  it('stores an absolute symlink but refuses to write through it', async () => {
    const { root, outside } = await sandbox();
    const layer: CraftedEntry[] = [
      { name: 'escape', type: 'symlink', linkname: outside },
      { name: 'escape/victim', content: 'pwned' },
    ];
    await expect(applyLayers(root, layer)).rejects.toThrow(
      /written through symlink 'escape', which leads outside the rootfs/,
    );
    expect(await readlink(join(root, 'escape'))).toBe(outside);
    expect(await readFile(join(outside, 'victim'), 'utf8')).toBe('untouched');
  });

  it('refuses to write through a relative symlink that climbs out, even one planted by a lower layer', async () => {
    const { root, outside } = await sandbox();
    await expect(
      applyLayers(
        root,
        [{ name: 'up', type: 'symlink', linkname: '../outside' }],
        [{ name: 'up/victim', content: 'pwned' }],
      ),
    ).rejects.toThrow(/written through symlink 'up'/);
    expect(await readFile(join(outside, 'victim'), 'utf8')).toBe('untouched');
  });

  it('replaces a symlink at the entry path instead of writing through it', async () => {
    const { root, outside } = await sandbox();
    await applyLayers(
      root,
      [{ name: 'victim', type: 'symlink', linkname: join(outside, 'victim') }],
      [{ name: 'victim', content: 'mine' }],
    );
    expect((await lstat(join(root, 'victim'))).isFile()).toBe(true);
    expect(await readFile(join(root, 'victim'), 'utf8')).toBe('mine');
    expect(await readFile(join(outside, 'victim'), 'utf8')).toBe('untouched');
  });

  it('refuses hardlinks that point outside, by .. or absolute path or through a symlink', async () => {
    const { root, outside } = await sandbox();
    await expect(
      applyLayers(root, [{ name: 'h', type: 'link', linkname: '../outside/victim' }]),
    ).rejects.toThrow(/escapes/);
    await expect(
      applyLayers(root, [{ name: 'h', type: 'link', linkname: join(outside, 'victim') }]),
    ).rejects.toThrow(/absolute/);
    await expect(
      applyLayers(root, [
        { name: 'out', type: 'symlink', linkname: outside },
        { name: 'h', type: 'link', linkname: 'out/victim' },
      ]),
    ).rejects.toThrow(/written through symlink 'out'/);
    expect((await stat(join(outside, 'victim'))).nlink).toBe(1);
  });

  it('follows a symlinked directory that stays inside the root (usrmerge style)', async () => {
    const { root } = await sandbox();
    await applyLayers(
      root,
      [
        { name: 'usr/lib/', type: 'directory' },
        { name: 'lib', type: 'symlink', linkname: 'usr/lib' },
      ],
      [{ name: 'lib/libc.so', content: 'elf' }],
    );
    expect(await readFile(join(root, 'usr/lib/libc.so'), 'utf8')).toBe('elf');
    expect((await lstat(join(root, 'lib'))).isSymbolicLink()).toBe(true);
  });
});

describe('whiteouts', () => {
  it('.wh.name deletes a lower entry; .wh..wh..opq empties a directory but keeps its own layer', async () => {
    const { root } = await sandbox();
    const rootfs = await applyLayers(
      root,
      [
        { name: 'etc/', type: 'directory' },
        { name: 'etc/keep', content: 'k' },
        { name: 'etc/gone', content: 'g' },
        { name: 'var/cache/', type: 'directory' },
        { name: 'var/cache/old/deep', content: 'o' },
      ],
      [
        { name: 'etc/.wh.gone', content: '' },
        { name: 'var/cache/!new', content: 'n' },
        { name: 'var/cache/.wh..wh..opq', content: '' },
        { name: 'var/cache/zz', content: 'z' },
      ],
    );
    expect((await readdir(join(root, 'etc'))).sort()).toEqual(['keep']);
    expect((await readdir(join(root, 'var/cache'))).sort()).toEqual(['!new', 'zz']);
    expect([...rootfs.entries.keys()].sort()).toEqual([
      'etc',
      'etc/keep',
      'var/cache',
      'var/cache/!new',
      'var/cache/zz',
    ]);
  });

  it('refuses a whiteout that names ..', async () => {
    const { root } = await sandbox();
    await expect(
      applyLayers(root, [{ name: 'a/', type: 'directory' }], [{ name: 'a/.wh...', content: '' }]),
    ).rejects.toThrow(/malformed whiteout/);
  });
});

describe('images', () => {
  async function image(dir: string) {
    const layout = await OciLayout.create(dir);
    const layers: Layer[] = [
      await layout.addLayer(
        new LayerTree()
          .file('bin/tool', 'v1', { mode: 0o755 })
          .file('etc/old', 'x')
          .directory('home/app', { uid: 1000, gid: 1000 })
          .hardlink('bin/tool-alias', 'bin/tool'),
      ),
      await layout.addLayer(
        new LayerTree().file('etc/.wh.old', '').file('opt/resource/check', '#!/bin/sh\n', { mode: 0o755 }),
      ),
    ];
    await writeImage(layout, { layers, config: { Env: ['A=1'], User: 'app' }, tags: ['latest'] });
    return layout;
  }

  it('unpacks layers in order, verifying digests and diff_ids', async () => {
    const dir = await tempDir();
    const layout = await image(join(dir, 'layout'));
    const { rootfs, config } = await unpackImage(layout, 'latest', join(dir, 'rootfs'));
    expect(config.config?.User).toBe('app');
    expect(await readFile(join(dir, 'rootfs/opt/resource/check'), 'utf8')).toBe('#!/bin/sh\n');
    expect((await stat(join(dir, 'rootfs/bin/tool'))).mode & 0o777).toBe(0o755);
    expect((await stat(join(dir, 'rootfs/bin/tool'))).ino).toBe(
      (await stat(join(dir, 'rootfs/bin/tool-alias'))).ino,
    );
    await expect(stat(join(dir, 'rootfs/etc/old'))).rejects.toThrow();
    expect(rootfs.entries.get('home/app')).toMatchObject({ uid: 1000, gid: 1000 });
  });

  it('refuses a layer whose uncompressed content does not match the config diff_id', async () => {
    const dir = await tempDir();
    const layout = await OciLayout.create(join(dir, 'layout'));
    const real = await layout.addLayer(new LayerTree().file('a', 'x'));
    const other = await layout.addLayer(new LayerTree().file('a', 'y'));
    await writeImage(layout, { layers: [{ ...real, diffId: other.diffId }], tags: ['lying'] });
    await expect(unpackImage(layout, 'lying', join(dir, 'rootfs'))).rejects.toThrow(
      new RegExp(
        `layer 0 \\(${real.descriptor.digest}\\): diff_id ${real.diffId} does not match the config's ${other.diffId}`,
      ),
    );
  });

  it('writes a deterministic rootfs.tgz with ownership kept and Concourse metadata', async () => {
    const dir = await tempDir();
    const layout = await image(join(dir, 'layout'));
    const first = await writeRootfsArchive(layout, 'latest', join(dir, 'one.tgz'));
    const second = await writeRootfsArchive(layout, 'latest', join(dir, 'two.tgz'));
    expect(second.digest).toBe(first.digest);
    expect(first.metadata).toEqual({ env: ['A=1'], user: 'app' });
    const bytes = await readFile(join(dir, 'one.tgz'));
    expect(sha256Digest(bytes)).toBe(first.digest);
    const entries = await readTar(gunzipSync(bytes));
    expect(entries.map(({ header }) => `${header.name} ${header.type} ${header.uid}`)).toEqual([
      'bin/ directory 0',
      'bin/tool file 0',
      'bin/tool-alias link 0',
      'etc/ directory 0',
      'home/ directory 0',
      'home/app/ directory 1000',
      'opt/ directory 0',
      'opt/resource/ directory 0',
      'opt/resource/check file 0',
    ]);
  });
});
