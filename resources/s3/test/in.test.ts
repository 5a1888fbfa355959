import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { PutObjectTaggingCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { connection, putObjects, run, uniquePrefix, useMinio, useTempDir } from './harness.js';

const s3 = useMinio();
const dest = useTempDir('hangar-s3-in-');

const fixture = (name: string) => readFile(new URL(`./fixtures/unpack/${name}`, import.meta.url));
const read = (name: string) => readFile(join(dest.path, name), 'utf8');
const get = (
  source: Record<string, unknown>,
  version: Record<string, string>,
  params?: Record<string, unknown>,
) =>
  run(
    'in',
    { source: { ...connection(s3.minio), ...source }, version, ...(params ? { params } : {}) },
    dest.path,
  );

describe('get, regexp mode', () => {
  it('writes the object, url, s3_uri and version, and answers with filename and url metadata', async () => {
    const p = uniquePrefix('get');
    await putObjects(s3.client, s3.minio.unversionedBucket, { [`${p}/app-1.2.3.tgz`]: 'payload' });
    const version = { path: `${p}/app-1.2.3.tgz` };
    const result = await get({ regexp: `${p}/app-(.*).tgz` }, version);
    expect(result.code).toBe(0);
    const url = `${s3.minio.endpoint}/unversioned/${p}/app-1.2.3.tgz`;
    expect(result.json).toEqual({
      version,
      metadata: [
        { name: 'filename', value: 'app-1.2.3.tgz' },
        { name: 'url', value: url },
      ],
    });
    expect(await read('app-1.2.3.tgz')).toBe('payload');
    expect(await read('url')).toBe(url);
    expect(await read('s3_uri')).toBe(`s3://unversioned/${p}/app-1.2.3.tgz`);
    expect(await read('version')).toBe('1.2.3');
    expect((await readdir(dest.path)).sort()).toEqual(['app-1.2.3.tgz', 's3_uri', 'url', 'version']);
  });

  it.each([
    ['source.skip_download: true', { skip_download: true }, undefined],
    ['params.skip_download: true', {}, true],
    ['params.skip_download: "true"', {}, 'true'],
  ])('%s skips the object and still writes url, s3_uri and version', async (_title, source, skip) => {
    const p = uniquePrefix('skip');
    await putObjects(s3.client, s3.minio.unversionedBucket, { [`${p}/app-1.tgz`]: 'x' });
    const result = await get(
      { regexp: `${p}/app-(.*).tgz`, ...source },
      { path: `${p}/app-1.tgz` },
      skip === undefined ? undefined : { skip_download: skip },
    );
    expect(result.code, result.stderr).toBe(0);
    expect((await readdir(dest.path)).sort()).toEqual(['s3_uri', 'url', 'version']);
  });

  it('fails in one line, naming the field, on a skip_download Go cannot read as a boolean', async () => {
    const result = await get(
      { regexp: 'app-(.*).tgz', endpoint: 'http://127.0.0.1:1' },
      { path: 'app-1.tgz' },
      { skip_download: 'foo' },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: invalid 'params.skip_download': must be one of "0", "1", .*\n$/);
  });

  it('creates a destination directory that does not exist yet', async () => {
    const p = uniquePrefix('mkdir');
    await putObjects(s3.client, s3.minio.unversionedBucket, { [`${p}/app-1.tgz`]: 'x' });
    const into = join(dest.path, 'not', 'there');
    const result = await run(
      'in',
      {
        source: { ...connection(s3.minio), regexp: `${p}/app-(.*).tgz` },
        version: { path: `${p}/app-1.tgz` },
      },
      into,
    );
    expect(result.code, result.stderr).toBe(0);
    expect((await readdir(into)).sort()).toEqual(['app-1.tgz', 's3_uri', 'url', 'version']);
  });

  it('writes a presigned URL for a private bucket and leaves url out of the metadata', async () => {
    const p = uniquePrefix('private');
    await putObjects(s3.client, s3.minio.unversionedBucket, { [`${p}/app-1.tgz`]: 'secret payload' });
    const result = await get({ regexp: `${p}/app-(.*).tgz`, private: true }, { path: `${p}/app-1.tgz` });
    expect(result.json).toMatchObject({ metadata: [{ name: 'filename', value: 'app-1.tgz' }] });
    const url = await read('url');
    expect(url).toMatch(/X-Amz-Expires=86400/);
    expect(await (await fetch(url)).text()).toBe('secret payload');
  });

  it('writes tags.json with download_tags', async () => {
    const p = uniquePrefix('tags');
    const key = `${p}/app-1.tgz`;
    await putObjects(s3.client, s3.minio.unversionedBucket, { [key]: 'x' });
    await s3.client.send(
      new PutObjectTaggingCommand({
        Bucket: s3.minio.unversionedBucket,
        Key: key,
        Tagging: { TagSet: [{ Key: 'team', Value: 'core' }] },
      }),
    );
    const result = await get({ regexp: `${p}/app-(.*).tgz` }, { path: key }, { download_tags: true });
    expect(result.code).toBe(0);
    expect(JSON.parse(await read('tags.json'))).toEqual({ team: 'core' });
  });

  it('writes the initial content for initial_path without touching the store', async () => {
    const source = {
      regexp: 'nowhere/app-(.*).tgz',
      initial_path: 'nowhere/app-0.0.0.tgz',
      initial_content_binary: Buffer.from([0, 1, 2]).toString('base64'),
      endpoint: 'http://127.0.0.1:1',
    };
    const result = await get(source, { path: 'nowhere/app-0.0.0.tgz' }, { unpack: true });
    expect(result.json).toEqual({
      version: { path: 'nowhere/app-0.0.0.tgz' },
      metadata: [{ name: 'filename', value: 'app-0.0.0.tgz' }],
    });
    expect([...(await readFile(join(dest.path, 'app-0.0.0.tgz')))]).toEqual([0, 1, 2]);
    expect(await read('version')).toBe('0.0.0');
    expect((await readdir(dest.path)).sort()).toEqual(['app-0.0.0.tgz', 'version']);
  });

  it("decodes initial_content_binary as Go's standard base64: line breaks are skipped, padding is needed", async () => {
    const source = { regexp: 'nowhere/app-(.*).tgz', initial_path: 'nowhere/app-0.0.0.tgz' };
    for (const [encoded, bytes] of [
      ['AAEC', [0, 1, 2]],
      ['AA\r\nEC\n', [0, 1, 2]],
      ['AAE=', [0, 1]],
      ['AA==', [0]],
    ] as const) {
      const result = await get({ ...source, initial_content_binary: encoded }, { path: source.initial_path });
      expect(result.code, encoded).toBe(0);
      expect([...(await readFile(join(dest.path, 'app-0.0.0.tgz')))], encoded).toEqual(bytes);
    }
  });

  it('fails in one line when initial_content_binary is not padded standard base64, for initial_path and initial_version; check does not read it', async () => {
    const byPath = { regexp: 'nowhere/app-(.*).tgz', initial_path: 'nowhere/app-0.0.0.tgz' };
    const byVersion = { versioned_file: 'nowhere/state', initial_version: 'seed' };
    for (const notBase64 of ['not base64 data 🙈', 'AA EC', ' AAEC', 'AAE', 'AA', 'AA=', 'AAEC=', 'AA-_']) {
      for (const [source, version] of [
        [byPath, { path: byPath.initial_path }],
        [byVersion, { version_id: byVersion.initial_version }],
      ] as const) {
        const result = await get({ ...source, initial_content_binary: notBase64 }, version);
        expect(result.code, notBase64).toBe(1);
        expect(result.stderr).toBe(
          "error: invalid 'source.initial_content_binary': expected standard base64 with its '=' padding\n",
        );
      }
    }
    const checked = await run('check', {
      source: { ...connection(s3.minio), ...byPath, initial_content_binary: 'AA EC' },
    });
    expect(checked.json).toEqual([{ path: byPath.initial_path }]);
  });

  it('fails with one line for a version that is gone, or one that does not match the regexp', async () => {
    const p = uniquePrefix('gone');
    const missing = await get({ regexp: `${p}/app-(.*).tgz` }, { path: `${p}/app-9.tgz` });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(new RegExp(`^error: cannot get s3://unversioned/${p}/app-9.tgz: .*404`));
    const mismatch = await get({ regexp: `${p}/app-(.*).tgz` }, { path: `${p}/lib-9.tgz` });
    expect(mismatch.stderr).toMatch(/version path '.*lib-9.tgz' does not match 'source.regexp'/);
    const noPath = await get({ regexp: `${p}/app-(.*).tgz` }, { version_id: 'x' });
    expect(noPath.stderr).toMatch(/no 'path'/);
  });
});

describe('get, versioned_file mode', () => {
  it('fetches the requested object version and writes the version id', async () => {
    const key = `${uniquePrefix('vf')}/state.json`;
    const first = (await putObjects(s3.client, s3.minio.versionedBucket, { [key]: 'one' }))[key]!;
    await putObjects(s3.client, s3.minio.versionedBucket, { [key]: 'two' });
    const result = await run(
      'in',
      {
        source: { ...connection(s3.minio, s3.minio.versionedBucket), versioned_file: key },
        version: { version_id: first },
      },
      dest.path,
    );
    expect(result.code).toBe(0);
    expect(await read('state.json')).toBe('one');
    expect(await read('version')).toBe(first);
    expect(await read('url')).toBe(`${s3.minio.endpoint}/versioned/${key}?versionId=${first}`);
  });

  it.each([
    ['text', { initial_content_text: 'the hard questions are hard 🙈' }],
    ['binary', { initial_content_binary: Buffer.from('the hard questions are hard 🙈').toString('base64') }],
  ])(
    'writes the %s initial content for initial_version, not unpacked, with no url or s3_uri',
    async (_kind, content) => {
      const result = await run(
        'in',
        {
          source: {
            ...connection(s3.minio, s3.minio.versionedBucket),
            versioned_file: 'a/b.txt',
            initial_version: 'seed',
            ...content,
          },
          version: { version_id: 'seed' },
          params: { unpack: true },
        },
        dest.path,
      );
      expect(result.json).toEqual({
        version: { version_id: 'seed' },
        metadata: [{ name: 'filename', value: 'b.txt' }],
      });
      expect(await read('b.txt')).toBe('the hard questions are hard 🙈');
      expect(await read('version')).toBe('seed');
      expect((await readdir(dest.path)).sort()).toEqual(['b.txt', 'version']);
    },
  );
});

describe('get with unpack', () => {
  it.each(['app.tgz', 'app.tar', 'app.tar.bz2', 'app.zip'])(
    'unpacks %s and removes the archive',
    async (name) => {
      const p = uniquePrefix('unpack');
      const key = `${p}/${name.replace('app', 'app-1.0')}`;
      await putObjects(s3.client, s3.minio.unversionedBucket, { [key]: await fixture(name) });
      const result = await get({ regexp: `${p}/app-([0-9.]+)\\..*` }, { path: key }, { unpack: true });
      expect(result.code, result.stderr).toBe(0);
      expect(await read('hello.txt')).toBe('hello from the archive\n');
      expect(await read('sub/nested.txt')).toBe('nested\n');
      expect((await stat(join(dest.path, 'sub/nested.txt'))).mode & 0o777).toBe(0o755);
      expect(await readdir(dest.path)).not.toContain(key.split('/').pop());
    },
  );

  it.each([
    ['bz2', () => fixture('notes.txt.bz2')],
    ['gz', () => Promise.resolve(gzipSync('just text\n'))],
  ])('decompresses a %s-compressed plain file in place and removes it', async (suffix, compressed) => {
    const p = uniquePrefix('plain');
    const key = `${p}/notes-1.txt.${suffix}`;
    await putObjects(s3.client, s3.minio.unversionedBucket, { [key]: await compressed() });
    const result = await get({ regexp: `${p}/notes-(\\d+).txt.${suffix}` }, { path: key }, { unpack: true });
    expect(result.code, result.stderr).toBe(0);
    expect(await read('notes-1.txt')).toBe('just text\n');
    expect((await readdir(dest.path)).sort()).toEqual(['notes-1.txt', 's3_uri', 'url', 'version']);
  });

  it('refuses a zip entry that escapes the destination and says it is not an archive otherwise', async () => {
    const p = uniquePrefix('evil');
    await putObjects(s3.client, s3.minio.unversionedBucket, {
      [`${p}/evil-1.zip`]: await fixture('evil.zip'),
      [`${p}/evil-2.zip`]: 'plain text',
    });
    const evil = await get({ regexp: `${p}/evil-(\\d+).zip` }, { path: `${p}/evil-1.zip` }, { unpack: true });
    expect(evil.code).toBe(1);
    expect(evil.stderr).toMatch(/^error: cannot unpack 'evil-1.zip' as zip: invalid relative path/m);
    await expect(stat(join(dest.path, '..', 'escaped.txt'))).rejects.toThrow();
    const plain = await get(
      { regexp: `${p}/evil-(\\d+).zip` },
      { path: `${p}/evil-2.zip` },
      { unpack: true },
    );
    expect(plain.stderr).toMatch(
      /cannot unpack 'evil-2.zip' \(params.unpack\): it is not a zip, tar, gzip or bzip2 archive/,
    );
  });
});
