import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FixedGzipHeader, gzipBytes, gzipHeader, LayerTree, sha256Digest } from '../src/index.js';
import { writeLayerBlob } from '../src/index.js';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from './temp.js';

describe('gzip with a fixed header', () => {
  it('node:zlib writes no name, mtime 0 and OS 3; our gzip is byte-identical run to run', () => {
    const data = Buffer.from('hello layer '.repeat(1000));
    expect(gzipHeader(gzipSync(data))).toEqual({ flags: 0, mtime: 0, xfl: 0, os: 3 });
    expect(gzipBytes(data).equals(gzipBytes(data))).toBe(true);
    expect(gunzipSync(gzipBytes(data)).equals(data)).toBe(true);
  });

  it('rewrites a foreign header (mtime set, macOS OS byte) to mtime 0 and OS 3, even split across chunks', async () => {
    const foreign = gzipSync(Buffer.from('x'));
    foreign.writeUInt32LE(1_700_000_000, 4);
    foreign[9] = 19;
    const chunks = [foreign.subarray(0, 3), foreign.subarray(3, 6), foreign.subarray(6)];
    const fixed = await buffer(Readable.from(chunks).pipe(new FixedGzipHeader()));
    expect(gzipHeader(fixed)).toEqual({ flags: 0, mtime: 0, xfl: 0, os: 3 });
    expect(gunzipSync(fixed).toString()).toBe('x');
  });

  it('refuses gzip members that carry a file name', async () => {
    const named = gzipSync(Buffer.from('x'));
    named[3] = 0x08;
    await expect(buffer(Readable.from([named]).pipe(new FixedGzipHeader()))).rejects.toThrow(
      /optional fields/,
    );
  });
});

describe('layer blobs', () => {
  it('reports diff_id = sha256(tar) and digest = sha256(gzip), the same on every run', async () => {
    const dir = await tempDir();
    const tree = () => new LayerTree().file('etc/motd', 'hi\n').symlink('etc/alias', 'motd');
    const first = await writeLayerBlob(tree(), join(dir, 'one'));
    const second = await writeLayerBlob(tree(), join(dir, 'two'));
    expect(second).toEqual(first);
    const blob = await readFile(join(dir, 'one'));
    expect(first.digest).toBe(sha256Digest(blob));
    expect(first.size).toBe(blob.length);
    expect(first.diffId).toBe(sha256Digest(gunzipSync(blob)));
    expect(first.mediaType).toBe('application/vnd.oci.image.layer.v1.tar+gzip');
    expect(gzipHeader(blob)).toMatchObject({ mtime: 0, os: 3, flags: 0 });

    const plain = await writeLayerBlob(tree(), join(dir, 'plain'), { compression: 'none' });
    expect(plain.digest).toBe(first.diffId);
    expect(plain.mediaType).toBe('application/vnd.oci.image.layer.v1.tar');
  });
});
