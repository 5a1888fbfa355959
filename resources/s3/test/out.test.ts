import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetObjectCommand, GetObjectTaggingCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { tempDir } from '@hangar/testkit';
import { describe, expect, it } from 'vitest';
import { connection, keysUnder as keysIn, run, uniquePrefix, useMinio, useTempDir } from './harness.js';

const s3 = useMinio();
const work = useTempDir('hangar-s3-out-');

async function files(tree: Record<string, string | Buffer>) {
  for (const [path, body] of Object.entries(tree)) {
    await mkdir(join(work.path, path, '..'), { recursive: true });
    await writeFile(join(work.path, path), body);
  }
}
const put = (
  source: Record<string, unknown>,
  params: Record<string, unknown>,
  bucket = s3.minio.unversionedBucket,
) => run('out', { source: { ...connection(s3.minio, bucket), ...source }, params }, work.path);
const keysUnder = (prefix: string, bucket = s3.minio.unversionedBucket) => keysIn(s3.client, bucket, prefix);
const body = async (key: string, bucket = s3.minio.unversionedBucket, versionId?: string) =>
  (
    await s3.client.send(
      new GetObjectCommand({ Bucket: bucket, Key: key, ...(versionId ? { VersionId: versionId } : {}) }),
    )
  ).Body?.transformToString();

describe('put, regexp mode', () => {
  it('uploads the one file the glob matches under the regexp directory, with its attributes', async () => {
    const p = uniquePrefix('put');
    await files({ 'build/app-1.4.0.tgz': 'artefact', 'build/app.sha': 'x' });
    const result = await put(
      { regexp: `${p}/app-(.*).tgz` },
      {
        file: 'build/app-*.tgz',
        acl: 'private',
        content_type: 'application/gzip',
        cache_control: 'max-age=60',
        content_encoding: 'identity',
        metadata: { commit: 'abc123' },
        tags: { team: 'core', stage: 'rc' },
      },
    );
    expect(result.code, result.stderr).toBe(0);
    const key = `${p}/app-1.4.0.tgz`;
    expect(result.json).toEqual({
      version: { path: key },
      metadata: [
        { name: 'filename', value: 'app-1.4.0.tgz' },
        { name: 'url', value: `${s3.minio.endpoint}/unversioned/${key}` },
      ],
    });
    const head = await s3.client.send(
      new HeadObjectCommand({ Bucket: s3.minio.unversionedBucket, Key: key }),
    );
    expect(head).toMatchObject({
      ContentType: 'application/gzip',
      CacheControl: 'max-age=60',
      ContentEncoding: 'identity',
      Metadata: { commit: 'abc123' },
    });
    const tags = await s3.client.send(
      new GetObjectTaggingCommand({ Bucket: s3.minio.unversionedBucket, Key: key }),
    );
    expect(Object.fromEntries((tags.TagSet ?? []).map((t) => [t.Key, t.Value]))).toEqual({
      team: 'core',
      stage: 'rc',
    });
    expect(await body(key)).toBe('artefact');
  });

  it('a put followed by its implicit get and a check agree on the version', async () => {
    const p = uniquePrefix('roundtrip');
    await files({ 'out/app-2.0.0.tgz': 'v2' });
    const source = { ...connection(s3.minio), regexp: `${p}/app-(.*).tgz` };
    const putResult = await run('out', { source, params: { file: 'out/app-*.tgz' } }, work.path);
    const version = (putResult.json as { version: Record<string, string> }).version;
    expect((await run('check', { source })).json).toEqual([version]);
    await using dest = await tempDir();
    expect((await run('in', { source, version }, dest.path)).code).toBe(0);
  });

  it('takes a leading "/" in the regexp literally, as the reference does', async () => {
    // The key starts with "/"; MinIO drops it when it stores the object (S3 keeps it), so get
    // finds the object by either name, and check (listing under "/…") finds nothing here.
    const p = uniquePrefix('slash');
    await files({ 'out/app-3.tgz': 'v3' });
    const source = { ...connection(s3.minio), regexp: `/${p}/app-(.*).tgz` };
    const putResult = await run('out', { source, params: { file: 'out/app-*.tgz' } }, work.path);
    expect(putResult.json).toEqual({
      version: { path: `/${p}/app-3.tgz` },
      metadata: [
        { name: 'filename', value: 'app-3.tgz' },
        { name: 'url', value: `${s3.minio.endpoint}/unversioned//${p}/app-3.tgz` },
      ],
    });
    await using dest = await tempDir();
    const version = { path: `/${p}/app-3.tgz` };
    expect((await run('in', { source, version }, dest.path)).code).toBe(0);
    expect(await readFile(join(dest.path, 'app-3.tgz'), 'utf8')).toBe('v3');
    const checked = await run('check', { source });
    expect(checked.json).toEqual([]);
    expect(checked.stderr).toMatch(/only keys that start with "\/"/);
  });

  it.each([
    [{ file: 'nothing-*.tgz' }, /'params.file' "nothing-\*.tgz" matched nothing/],
    [
      { file: 'many/*' },
      /'params.file' "many\/\*" matched 2 paths \(many\/app-1.tgz, many\/app-2.tgz\); it must match exactly one/,
    ],
    [{}, /missing required field 'params.file'/],
    [{ file: 'many/app-1.tgz', tags: { a: 'x'.repeat(300) } }, /params.tags.a.*256/],
  ])('%j fails before uploading', async (params, message) => {
    const p = uniquePrefix('bad');
    await files({ 'many/app-1.tgz': '1', 'many/app-2.tgz': '2' });
    const result = await put({ regexp: `${p}/app-(.*).tgz` }, params);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(await keysUnder(`${p}/`)).toEqual([]);
  });

  it('uploads where the reference does, warning when check would not report the key', async () => {
    const p = uniquePrefix('mismatch');
    await files({ 'lib-1.0.zip': 'x', 'app-1..2.tgz': 'y' });
    const wrongName = await put({ regexp: `${p}/app-(.*).tgz` }, { file: 'lib-1.0.zip' });
    expect(wrongName.json).toMatchObject({ version: { path: `${p}/lib-1.0.zip` } });
    expect(wrongName.stderr).toMatch(
      /^warning: '.*\/lib-1.0.zip' does not match 'source.regexp' .*: check will never report it$/m,
    );
    const notVersion = await put({ regexp: `${p}/app-(.*).tgz` }, { file: 'app-1..2.tgz' });
    expect(notVersion.json).toMatchObject({ version: { path: `${p}/app-1..2.tgz` } });
    expect(notVersion.stderr).toMatch(/^warning: the version "1..2" captured from .* is not a version/m);
    const patternDir = await put({ regexp: `${p}/v\\d+/app-(.*).tgz` }, { file: 'app-1..2.tgz' });
    expect(patternDir.json).toMatchObject({ version: { path: `${p}/v\\d+/app-1..2.tgz` } });
    expect(patternDir.stderr).toMatch(/^warning: the directory part .* is a pattern/m);
    expect((await keysUnder(`${p}/`)).sort()).toEqual(
      [`${p}/app-1..2.tgz`, `${p}/lib-1.0.zip`, `${p}/v\\d+/app-1..2.tgz`].sort(),
    );
  });

  it.each([
    [{ checksum_algorithm: 'SHA256' }, 'ChecksumSHA256'],
    [{}, 'ChecksumCRC32'],
    [{ skip_s3_checksums: true }, undefined],
  ] as const)(
    'uploads a file larger than one part in parts, byte for byte, with attributes and tags (%j)',
    async (checksums, checksumField) => {
      const p = uniquePrefix('multipart');
      const big = randomBytes(11 * 1024 * 1024);
      await files({ 'big-1.bin': big });
      const result = await put(
        { regexp: `${p}/big-(.*).bin`, part_size_mb: 5, ...checksums },
        {
          file: 'big-1.bin',
          content_type: 'application/x-big',
          metadata: { kind: 'test' },
          tags: { size: 'big' },
        },
      );
      expect(result.code, result.stderr).toBe(0);
      const key = `${p}/big-1.bin`;
      const head = await s3.client.send(
        new HeadObjectCommand({ Bucket: s3.minio.unversionedBucket, Key: key, ChecksumMode: 'ENABLED' }),
      );
      expect(head).toMatchObject({ ContentType: 'application/x-big', Metadata: { kind: 'test' } });
      expect(head.ETag).toMatch(/-3"$/); // three parts
      if (checksumField)
        expect(head[checksumField]).toMatch(/-3$/); // one checksum per part
      else expect(head.ChecksumCRC32 ?? head.ChecksumSHA256 ?? head.ChecksumCRC64NVME).toBeUndefined();
      const tags = await s3.client.send(
        new GetObjectTaggingCommand({ Bucket: s3.minio.unversionedBucket, Key: key }),
      );
      expect(tags.TagSet).toEqual([{ Key: 'size', Value: 'big' }]);
      const stored = await s3.client.send(
        new GetObjectCommand({ Bucket: s3.minio.unversionedBucket, Key: key }),
      );
      expect(Buffer.from(await stored.Body!.transformToByteArray()).equals(big)).toBe(true);
      expect(result.stderr).toMatch(/uploading big-1.bin: \d+% .* MiB\/s, ETA/);
    },
  );

  it('uploads in one request with disable_multipart', async () => {
    const p = uniquePrefix('single');
    await files({ 'big-1.bin': Buffer.alloc(6 * 1024 * 1024, 1) });
    const result = await put(
      { regexp: `${p}/big-(.*).bin`, part_size_mb: 5, disable_multipart: true },
      { file: 'big-1.bin' },
    );
    expect(result.code, result.stderr).toBe(0);
    const head = await s3.client.send(
      new HeadObjectCommand({ Bucket: s3.minio.unversionedBucket, Key: `${p}/big-1.bin` }),
    );
    expect(head.ETag).not.toMatch(/-\d+"$/);
  });

  it('sends server-side encryption and reports the store refusing it in one line', async () => {
    const p = uniquePrefix('sse');
    await files({ 'app-1.tgz': 'x' });
    const result = await put(
      { regexp: `${p}/app-(.*).tgz`, server_side_encryption: 'aws:kms', sse_kms_key_id: 'my-key' },
      { file: 'app-1.tgz' },
    );
    // This MinIO has no KMS configured, so the header's arrival shows as a refusal.
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^error: upload to s3:\/\/unversioned\/.*app-1.tgz failed: .*\(HTTP \d{3}\)/m,
    );
  });

  it('uploads a directory under one version and get restores it', async () => {
    const p = uniquePrefix('bundle');
    await files({
      'dist/pkgs-3.1/a.deb': 'A',
      'dist/pkgs-3.1/nested/b.rpm': 'B',
      'dist/pkgs-3.1/.hidden': 'H',
    });
    const source = { ...connection(s3.minio), regexp: `${p}/pkgs-(.*)` };
    const result = await run(
      'out',
      { source, params: { file: 'dist/pkgs-*', metadata: { build: '7' } } },
      work.path,
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.json).toMatchObject({ version: { path: `${p}/pkgs-3.1` } });
    expect((await keysUnder(`${p}/`)).sort()).toEqual([
      `${p}/pkgs-3.1`,
      `${p}/pkgs-3.1.d/.hidden`,
      `${p}/pkgs-3.1.d/a.deb`,
      `${p}/pkgs-3.1.d/nested/b.rpm`,
    ]);
    expect((await run('check', { source })).json).toEqual([{ path: `${p}/pkgs-3.1` }]);
    await using dest = await tempDir();
    const got = await run('in', { source, version: { path: `${p}/pkgs-3.1` } }, dest.path);
    expect(got.code, got.stderr).toBe(0);
    const { readFile } = await import('node:fs/promises');
    expect(await readFile(join(dest.path, 'pkgs-3.1/nested/b.rpm'), 'utf8')).toBe('B');
    expect(await readFile(join(dest.path, 'pkgs-3.1/.hidden'), 'utf8')).toBe('H');
    expect(await readFile(join(dest.path, 'version'), 'utf8')).toBe('3.1');
  });
});

describe('put with server-side encryption, to a MinIO with a KMS key', () => {
  const kms = useMinio({ kms: true });

  it.each([
    ['AES256 in one part', { server_side_encryption: 'AES256' }, 1024, { ServerSideEncryption: 'AES256' }],
    [
      'AES256 in parts',
      { server_side_encryption: 'AES256' },
      6 * 1024 * 1024,
      { ServerSideEncryption: 'AES256' },
    ],
    [
      'aws:kms with a key id',
      { server_side_encryption: 'aws:kms', sse_kms_key_id: 'hangar-test' },
      1024,
      { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: expect.stringContaining('hangar-test') as string },
    ],
    ['nothing unless asked', {}, 1024, { ServerSideEncryption: undefined }],
  ])('stores %s, and get reads it back', async (_title, encryption, size, stored) => {
    const p = uniquePrefix('sse-kms');
    const payload = randomBytes(size);
    await files({ 'app-1.bin': payload });
    const source = { ...connection(kms.minio), regexp: `${p}/app-(.*).bin`, part_size_mb: 5, ...encryption };
    const result = await run('out', { source, params: { file: 'app-1.bin' } }, work.path);
    expect(result.code, result.stderr).toBe(0);
    const key = `${p}/app-1.bin`;
    const head = await kms.client.send(
      new HeadObjectCommand({ Bucket: kms.minio.unversionedBucket, Key: key }),
    );
    expect({ ServerSideEncryption: head.ServerSideEncryption, SSEKMSKeyId: head.SSEKMSKeyId }).toEqual(
      stored,
    );
    expect(head.ETag?.endsWith('-2"')).toBe(size > 5 * 1024 * 1024); // two parts, or one request
    await using dest = await tempDir();
    const got = await run('in', { source, version: { path: key } }, dest.path);
    expect(got.code, got.stderr).toBe(0);
    expect((await readFile(join(dest.path, 'app-1.bin'))).equals(payload)).toBe(true);
  });
});

describe('put without regexp or versioned_file', () => {
  it('uploads file with an empty to at the bucket root, with no deprecation warning', async () => {
    const name = `${uniquePrefix('root')}.tgz`;
    await files({ [`a/${name}`]: 'root' });
    const result = await put({}, { file: 'a/*.tgz', to: '' });
    expect(result.json).toEqual({
      version: { path: name },
      metadata: [
        { name: 'filename', value: name },
        { name: 'url', value: `${s3.minio.endpoint}/unversioned/${name}` },
      ],
    });
    expect(await body(name)).toBe('root');
    expect(result.stderr).not.toMatch(/warning/);
  });

  it('leaves url out of the metadata with private: true', async () => {
    const p = uniquePrefix('private-put');
    await files({ 'a/file.tgz': 'p' });
    const result = await put({ private: true }, { file: 'a/*.tgz', to: `${p}/` });
    expect(result.json).toEqual({
      version: { path: `${p}/file.tgz` },
      metadata: [{ name: 'filename', value: 'file.tgz' }],
    });
  });
});

describe('put, versioned_file mode', () => {
  it('answers with the new object version id', async () => {
    const key = `${uniquePrefix('vput')}/state.json`;
    await files({ 'state.json': '{"serial":1}' });
    const result = await put({ versioned_file: key }, { file: 'state.json' }, s3.minio.versionedBucket);
    expect(result.code, result.stderr).toBe(0);
    const { version } = result.json as { version: { version_id: string } };
    expect(version.version_id).toMatch(/\S/);
    expect(await body(key, s3.minio.versionedBucket, version.version_id)).toBe('{"serial":1}');
    expect(result.json).toMatchObject({
      metadata: [
        { name: 'filename', value: 'state.json' },
        { name: 'url', value: expect.stringContaining(`?versionId=${version.version_id}`) as string },
      ],
    });
  });

  it('fails before uploading to a bucket without versioning', async () => {
    const key = `${uniquePrefix('vput-unversioned')}/state.json`;
    await files({ 'state.json': 'x' });
    const result = await put({ versioned_file: key }, { file: 'state.json' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/object versioning not enabled on 'unversioned'/);
    expect(await keysUnder(key)).toEqual([]);
  });
});
