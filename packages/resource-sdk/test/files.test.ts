import { lstat, mkdir, readFile, readdir, readlink, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { pack, type Header } from 'tar-stream';
import { describe, expect, test } from 'vitest';
import { ConfigError, extractTar, resolveInside, writeFileAtomic } from '../src/index.js';
import { tempDir } from './temp.js';

type Entry = Partial<Header> & { name: string; body?: string };

async function tarball(entries: Entry[], gzip = false): Promise<Readable> {
  const archive = pack();
  for (const { body, ...header } of entries) archive.entry(header, body ?? '');
  archive.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of archive) chunks.push(chunk as Buffer);
  const bytes = Buffer.concat(chunks);
  return Readable.from([gzip ? gzipSync(bytes) : bytes]);
}

describe('writeFileAtomic', () => {
  test('creates parents, replaces content whole and leaves no temporary file', async () => {
    const dir = await tempDir();
    const target = join(dir, 'a', 'b', 'version');
    await writeFileAtomic(target, 'one');
    await writeFileAtomic(target, 'two');
    expect(await readFile(target, 'utf8')).toBe('two');
    expect(await readdir(join(dir, 'a', 'b'))).toEqual(['version']);
  });
});

describe('resolveInside', () => {
  test('keeps relative paths inside and refuses escapes', () => {
    expect(resolveInside('/dest', 'a/../b')).toBe('/dest/b');
    expect(() => resolveInside('/dest', '../etc/passwd')).toThrow(ConfigError);
    expect(() => resolveInside('/dest', '/etc/passwd')).toThrow(/absolute path/);
  });
});

describe('extractTar', () => {
  test('unpacks files, directories, modes and in-tree links from a gzip stream', async () => {
    const dest = await tempDir();
    const written = await extractTar(
      await tarball(
        [
          { name: 'pkg/bin/', type: 'directory' },
          { name: 'pkg/bin/tool', mode: 0o755, body: '#!/bin/sh\n' },
          { name: 'pkg/README', body: 'hi' },
          { name: 'pkg/docs', type: 'symlink', linkname: 'README' },
        ],
        true,
      ),
      dest,
      { stripComponents: 1 },
    );
    expect(written.sort()).toEqual(['README', 'bin/tool', 'docs']);
    expect(await readFile(join(dest, 'README'), 'utf8')).toBe('hi');
    expect((await lstat(join(dest, 'bin/tool'))).mode & 0o777).toBe(0o755);
    expect(await readlink(join(dest, 'docs'))).toBe('README');
  });

  test.each<[string, Entry[], RegExp]>([
    ['a .. path', [{ name: '../evil', body: 'x' }], /escapes/],
    ['an absolute path', [{ name: '/tmp/evil', body: 'x' }], /absolute path/],
    [
      'a symlink pointing outside',
      [{ name: 'link', type: 'symlink', linkname: '../../etc' }],
      /points outside/,
    ],
    ['an absolute symlink', [{ name: 'link', type: 'symlink', linkname: '/etc/passwd' }], /points outside/],
    ['a hard link to outside', [{ name: 'hard', type: 'link', linkname: '../outside' }], /points outside/],
    [
      'a write through an in-tree symlink to a directory outside',
      [
        { name: 'dir', type: 'symlink', linkname: '.' },
        { name: 'dir/../../evil', body: 'x' },
      ],
      /escapes/,
    ],
  ])('refuses %s', async (_name, entries, message) => {
    const dest = join(await tempDir(), 'dest');
    await expect(extractTar(await tarball(entries), dest)).rejects.toThrow(message);
  });

  test('refuses to write through a symlink planted earlier in the destination', async () => {
    const root = await tempDir();
    const dest = join(root, 'dest');
    await mkdir(join(root, 'outside'));
    await mkdir(dest);
    await symlink(join(root, 'outside'), join(dest, 'sub'));
    await expect(extractTar(await tarball([{ name: 'sub/file', body: 'x' }]), dest)).rejects.toThrow(
      /leads outside/,
    );
    expect(await readdir(join(root, 'outside'))).toEqual([]);
  });
});
