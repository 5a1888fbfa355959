// What concourse/s3-resource's own integration suite checks, as tests of ours against MinIO. Its
// requests are Go structs encoded whole, so every field a case leaves alone arrives as "" or
// false; `goRequest` sends them the same way, and the last block checks that such a request
// behaves exactly as one with those fields absent.
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
} from '@aws-sdk/client-s3';
import { tempDir } from '@hangar/testkit';
import { describe, expect, it } from 'vitest';
import { startFaultProxy } from './fault-proxy.js';
import { keysUnder as keysIn, putObjects, run, uniquePrefix, useMinio, useTempDir } from './harness.js';

const s3 = useMinio();
const dir = useTempDir('hangar-s3-reference-');

/** The reference's Source struct with every field at its zero value. */
const ZERO_SOURCE = {
  access_key_id: '',
  secret_access_key: '',
  session_token: '',
  aws_role_arn: '',
  bucket: '',
  regexp: '',
  versioned_file: '',
  private: false,
  region_name: '',
  enable_aws_creds_provider: false,
  cloudfront_url: '',
  endpoint: '',
  disable_ssl: false,
  server_side_encryption: '',
  sse_kms_key_id: '',
  use_v2_signing: false,
  skip_ssl_verification: false,
  ca_bundle: '',
  skip_download: false,
  initial_version: '',
  initial_path: '',
  initial_content_text: '',
  initial_content_binary: '',
  disable_multipart: false,
  use_path_style: false,
  skip_s3_checksums: false,
  checksum_algorithm: '',
};
const ZERO_GET_PARAMS = { unpack: false, download_tags: false, skip_download: '' };
const ZERO_PUT_PARAMS = { from: '', file: '', to: '', acl: '', content_type: '' };

const sourceFor = (bucket: string, fields: Record<string, unknown> = {}) => ({
  ...ZERO_SOURCE,
  access_key_id: s3.minio.credentials.accessKeyId,
  secret_access_key: s3.minio.credentials.secretAccessKey,
  region_name: s3.minio.region,
  endpoint: s3.minio.endpoint,
  use_path_style: true,
  bucket,
  ...fields,
});

/** A request as the Go suite encodes it; the version struct has omitempty fields. */
function goRequest(
  script: 'check' | 'in' | 'out',
  source: Record<string, unknown>,
  { version = {}, params = {} }: { version?: Record<string, string>; params?: Record<string, unknown> } = {},
) {
  if (script === 'check') return run('check', { source, version });
  if (script === 'in')
    return run('in', { source, version, params: { ...ZERO_GET_PARAMS, ...params } }, dir.path);
  return run('out', { source, params: { ...ZERO_PUT_PARAMS, ...params } }, dir.path);
}

/** Object version ids of one key, newest first (as the reference's BucketFileVersions lists them). */
async function versionsOf(key: string): Promise<string[]> {
  const answer = await s3.client.send(
    new ListObjectVersionsCommand({ Bucket: s3.minio.versionedBucket, Prefix: key }),
  );
  return (answer.Versions ?? [])
    .filter((entry) => entry.Key === key)
    .sort((a, b) => (b.LastModified?.getTime() ?? 0) - (a.LastModified?.getTime() ?? 0))
    .map((entry) => entry.VersionId ?? '');
}

/** Writes each body as a new version of `key` in the versioned bucket, oldest first. */
async function putVersions(key: string, bodies: string[]): Promise<void> {
  for (const body of bodies)
    await s3.client.send(
      new PutObjectCommand({ Bucket: s3.minio.versionedBucket, Key: key, Body: Buffer.from(body) }),
    );
}

const keysUnder = (bucket: string, prefix: string) => keysIn(s3.client, bucket, prefix);
const read = (name: string) => readFile(join(dir.path, name), 'utf8');
const localFile = (name: string, body = 'contents') => writeFile(join(dir.path, name), body);
const urlOf = (bucket: string, key: string) => `${s3.minio.endpoint}/${bucket}/${key}`;

it.each(['check', 'in', 'out'] as const)(
  'reference suite: %s refuses regexp together with versioned_file',
  async (script) => {
    const result = await goRequest(
      script,
      sourceFor(s3.minio.versionedBucket, { regexp: 'some-regex', versioned_file: 'some-file' }),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^error: 'source.regexp' and 'source.versioned_file' cannot both be set: please specify either regexp or versioned_file/,
    );
  },
);

describe('reference suite: check', () => {
  it('first check, regexp: nothing when no key matches, else only the latest', async () => {
    const p = uniquePrefix('ref-check-first');
    const source = sourceFor(s3.minio.unversionedBucket, { regexp: `${p}/file-does-match-(.*)` });
    await putObjects(s3.client, s3.minio.unversionedBucket, { [`${p}/file-does-not-match-1`]: '' });
    expect((await goRequest('check', source)).json).toEqual([]);
    await putObjects(s3.client, s3.minio.unversionedBucket, {
      [`${p}/file-does-match-2`]: '',
      [`${p}/file-does-match-1`]: '',
    });
    expect((await goRequest('check', source)).json).toEqual([{ path: `${p}/file-does-match-2` }]);
  });

  it('first check, versioned_file: fails on an unversioned bucket, nothing for a missing key, else the newest', async () => {
    const p = uniquePrefix('ref-check-vf');
    await putObjects(s3.client, s3.minio.unversionedBucket, { [`${p}/versioned-file`]: '' });
    const unversioned = await goRequest(
      'check',
      sourceFor(s3.minio.unversionedBucket, { versioned_file: `${p}/versioned-file` }),
    );
    expect(unversioned.code).toBe(1);
    expect(unversioned.stderr).toMatch(/bucket is not versioned/);

    const source = sourceFor(s3.minio.versionedBucket, { versioned_file: `${p}/versioned-file` });
    await putVersions(`${p}/file-does-not-match`, ['']);
    expect((await goRequest('check', source)).json).toEqual([]);
    await putVersions(`${p}/versioned-file`, ['1', '2']);
    const [newest] = await versionsOf(`${p}/versioned-file`);
    expect((await goRequest('check', source)).json).toEqual([{ version_id: newest }]);
  });

  it('from a version, regexp: nothing when no key matches, every version from it on, or the latest when it no longer matches', async () => {
    const p = uniquePrefix('ref-check-from');
    await putObjects(s3.client, s3.minio.unversionedBucket, { [`${p}/file-does-not-match-1`]: '' });
    const matching = sourceFor(s3.minio.unversionedBucket, { regexp: `${p}/file-does-match-(.*)` });
    expect((await goRequest('check', matching, { version: { path: 'file-does-not-match-1' } })).json).toEqual(
      [],
    );

    await putObjects(s3.client, s3.minio.unversionedBucket, {
      [`${p}/file-does-match-2`]: '',
      [`${p}/file-does-match-1`]: '',
      [`${p}/file-does-match-3`]: '',
    });
    expect(
      (await goRequest('check', matching, { version: { path: `${p}/file-does-match-2` } })).json,
    ).toEqual([{ path: `${p}/file-does-match-2` }, { path: `${p}/file-does-match-3` }]);

    await putObjects(s3.client, s3.minio.unversionedBucket, {
      [`${p}/file-1.2.0-rc.2`]: '',
      [`${p}/file-1.2.0-rc.1`]: '',
      [`${p}/file-1.1.0-rc.1`]: '',
      [`${p}/file-1.1.0-rc.2`]: '',
    });
    const narrowed = sourceFor(s3.minio.unversionedBucket, { regexp: `${p}/file-(1\\.[2].*)` });
    expect((await goRequest('check', narrowed, { version: { path: `${p}/file-1.1.0-rc.1` } })).json).toEqual([
      { path: `${p}/file-1.2.0-rc.2` },
    ]);
  });

  it('from a version, versioned_file: nothing for a missing key, that version and newer, or the newest when it was deleted', async () => {
    const p = uniquePrefix('ref-check-vf-from');
    await putVersions(`${p}/file-does-not-match`, ['']);
    const [elsewhere] = await versionsOf(`${p}/file-does-not-match`);
    const source = sourceFor(s3.minio.versionedBucket, { versioned_file: `${p}/versioned-file` });
    expect((await goRequest('check', source, { version: { version_id: elsewhere! } })).json).toEqual([]);

    await putVersions(`${p}/versioned-file`, ['1', '2', '3']);
    const [newest, middle] = await versionsOf(`${p}/versioned-file`);
    expect((await goRequest('check', source, { version: { version_id: middle! } })).json).toEqual([
      { version_id: middle },
      { version_id: newest },
    ]);

    await s3.client.send(
      new DeleteObjectCommand({
        Bucket: s3.minio.versionedBucket,
        Key: `${p}/versioned-file`,
        VersionId: newest,
      }),
    );
    expect((await goRequest('check', source, { version: { version_id: newest! } })).json).toEqual([
      { version_id: middle },
    ]);
  });
});

describe('reference suite: in', () => {
  it('regexp: fetches the requested key with url, version and metadata; the initial path gives the initial content', async () => {
    const p = uniquePrefix('ref-in');
    await putObjects(s3.client, s3.minio.unversionedBucket, {
      [`${p}/some-file-0`]: 'some-file-0',
      [`${p}/some-file-1`]: 'some-file-1',
      [`${p}/some-file-2`]: 'some-file-2',
    });
    const source = sourceFor(s3.minio.unversionedBucket, { regexp: `${p}/some-file-(.*)` });
    const result = await goRequest('in', source, { version: { path: `${p}/some-file-1` } });
    const url = urlOf(s3.minio.unversionedBucket, `${p}/some-file-1`);
    expect(result.json).toEqual({
      version: { path: `${p}/some-file-1` },
      metadata: [
        { name: 'filename', value: 'some-file-1' },
        { name: 'url', value: url },
      ],
    });
    expect(await read('some-file-1')).toBe('some-file-1');
    expect(await read('version')).toBe('1');
    expect(await read('url')).toBe(url);

    await dir.reset();
    const initial = await goRequest(
      'in',
      { ...source, initial_path: `${p}/some-file-0.0.0`, initial_content_text: 'initial content' },
      { version: { path: `${p}/some-file-0.0.0` } },
    );
    expect(initial.json).toEqual({
      version: { path: `${p}/some-file-0.0.0` },
      metadata: [{ name: 'filename', value: 'some-file-0.0.0' }],
    });
    expect(await read('some-file-0.0.0')).toBe('initial content');
    expect(await read('version')).toBe('0.0.0');
    expect(await readdir(dir.path)).not.toContain('url');
  });

  it('versioned_file: fetches the requested object version; the initial version gives the initial content', async () => {
    const key = `${uniquePrefix('ref-in-vf')}/some-file`;
    await putVersions(key, ['some-file-0', 'some-file-1', 'some-file-2']);
    const [, middle] = await versionsOf(key);
    const source = sourceFor(s3.minio.versionedBucket, { versioned_file: key });
    const result = await goRequest('in', source, { version: { version_id: middle! } });
    const url = `${urlOf(s3.minio.versionedBucket, key)}?versionId=${middle}`;
    expect(result.json).toEqual({
      version: { version_id: middle },
      metadata: [
        { name: 'filename', value: 'some-file' },
        { name: 'url', value: url },
      ],
    });
    expect(await read('some-file')).toBe('some-file-1');
    expect(await read('version')).toBe(middle);
    expect(await read('url')).toBe(url);

    await dir.reset();
    const initial = await goRequest(
      'in',
      { ...source, initial_version: '0.0.0', initial_content_text: 'initial content' },
      { version: { version_id: '0.0.0' } },
    );
    expect(initial.json).toEqual({
      version: { version_id: '0.0.0' },
      metadata: [{ name: 'filename', value: 'some-file' }],
    });
    expect(await read('some-file')).toBe('initial content');
    expect(await read('version')).toBe('0.0.0');
    expect(await readdir(dir.path)).not.toContain('url');
  });

  it('download_tags writes tags.json, with the request sent twice on stdin as that suite does', async () => {
    const p = uniquePrefix('ref-tags');
    const key = `${p}/some-file-1`;
    await putObjects(s3.client, s3.minio.unversionedBucket, { [key]: 'some-file-1' });
    await s3.client.send(
      new PutObjectTaggingCommand({
        Bucket: s3.minio.unversionedBucket,
        Key: key,
        Tagging: {
          TagSet: [
            { Key: 'tag1', Value: 'value1' },
            { Key: 'tag2', Value: 'value2' },
          ],
        },
      }),
    );
    const request = JSON.stringify({
      source: sourceFor(s3.minio.unversionedBucket, { regexp: `${p}/some-file-(.*)` }),
      version: { path: key },
      params: { ...ZERO_GET_PARAMS, download_tags: true },
    });
    const result = await run('in', `${request}\n${request}\n`, dir.path);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(await read('tags.json'))).toEqual({ tag1: 'value1', tag2: 'value2' });
  });

  it.each([
    ['a versioned bucket', () => s3.minio.versionedBucket],
    ['an unversioned bucket', () => s3.minio.unversionedBucket],
  ])(
    'in without a version on versioned_file, in %s, gets the current object and answers with its path',
    async (_name, bucket) => {
      const key = `${uniquePrefix('ref-in-noversion')}/state`;
      for (const body of ['old', 'new'])
        await s3.client.send(new PutObjectCommand({ Bucket: bucket(), Key: key, Body: body }));
      const result = await run('in', { source: sourceFor(bucket(), { versioned_file: key }) }, dir.path);
      expect(result.json).toEqual({
        version: { path: key },
        metadata: [
          { name: 'filename', value: 'state' },
          { name: 'url', value: urlOf(bucket(), key) },
        ],
      });
      expect(await read('state')).toBe('new');
      expect(await read('version')).toBe('');
      expect(result.stderr).toContain('warning: no version_id requested: getting the current object');
    },
  );
});

describe('reference suite: out', () => {
  const head = (bucket: string, key: string) =>
    s3.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));

  it('refuses file together with from', async () => {
    const fileAndFrom = await goRequest('out', sourceFor(s3.minio.unversionedBucket), {
      params: { file: 'glob-*', from: 'file-to-upload-local', to: '/' },
    });
    expect(fileAndFrom.code).toBe(1);
    expect(fileAndFrom.stderr).toMatch(
      /'params.file' and 'params.from' cannot both be set: the request contains both file and from/,
    );
  });

  it('from (an absolute path) with an empty to uploads to the file name, with or without a content type', async () => {
    const p = uniquePrefix('ref-ct');
    const source = sourceFor(s3.minio.unversionedBucket);
    await localFile(`${p}-typed`, 'text only');
    await localFile(`${p}-untyped`, 'text only');
    const typed = await goRequest('out', source, {
      params: {
        from: join(dir.path, `${p}-typed`),
        content_type: 'application/customtype',
        acl: 'public-read',
      },
    });
    expect(typed.json).toMatchObject({ version: { path: `${p}-typed` } });
    expect((await head(s3.minio.unversionedBucket, `${p}-typed`)).ContentType).toBe('application/customtype');

    const untyped = await goRequest('out', source, {
      params: { from: join(dir.path, `${p}-untyped`), acl: 'public-read' },
    });
    expect(untyped.code, untyped.stderr).toBe(0);
    // No Content-Type sent: the store's own default, whatever it is (S3 says binary/octet-stream).
    await s3.client.send(
      new PutObjectCommand({ Bucket: s3.minio.unversionedBucket, Key: `${p}-plain`, Body: 'x' }),
    );
    expect((await head(s3.minio.unversionedBucket, `${p}-untyped`)).ContentType).toBe(
      (await head(s3.minio.unversionedBucket, `${p}-plain`)).ContentType,
    );
  });

  it('a file glob with a to directory uploads there and answers with the path, filename and url', async () => {
    const p = uniquePrefix('ref-glob');
    await localFile('glob-file-to-upload');
    const result = await goRequest('out', sourceFor(s3.minio.unversionedBucket), {
      params: { file: 'glob-*', to: `${p}/`, acl: 'public-read' },
    });
    expect(result.json).toEqual({
      version: { path: `${p}/glob-file-to-upload` },
      metadata: [
        { name: 'filename', value: 'glob-file-to-upload' },
        { name: 'url', value: urlOf(s3.minio.unversionedBucket, `${p}/glob-file-to-upload`) },
      ],
    });
    expect(await keysUnder(s3.minio.unversionedBucket, `${p}/`)).toEqual([`${p}/glob-file-to-upload`]);
  });

  it('asks for the acl it is given, canned or not, private when it is unset or "" (MinIO keeps no object ACLs to read back), and none with acl: none', async () => {
    const p = uniquePrefix('ref-acl');
    await localFile('glob-file-to-upload');
    const proxy = await startFaultProxy(s3.minio.port);
    try {
      const source = sourceFor(s3.minio.unversionedBucket, { endpoint: proxy.endpoint });
      let stderr = '';
      /** The x-amz-acl headers of the requests one put sent through the proxy. */
      const aclsSentBy = async (to: string, acl?: string) => {
        const before = proxy.sent().length;
        const params = { file: 'glob-*', to: `${p}/${to}/`, ...(acl === undefined ? {} : { acl }) };
        const result = await run('out', { source, params }, dir.path);
        expect(result.code, result.stderr).toBe(0);
        stderr = result.stderr;
        const sent = proxy.sent().slice(before);
        expect(sent).toMatch(/^PUT \//m);
        return [...sent.matchAll(/\r\nx-amz-acl: ([^\r]*)\r\n/gi)].map((match) => match[1]);
      };
      expect(await aclsSentBy('shared', 'public-read')).toEqual(['public-read']);
      expect(stderr).not.toMatch(/canned/);
      expect(await aclsSentBy('unset')).toEqual(['private']);
      expect(await aclsSentBy('empty', '')).toEqual(['private']);
      expect(await aclsSentBy('none', 'none')).toEqual([]);
      expect(await aclsSentBy('not-canned', 'team-only')).toEqual(['team-only']);
      expect(stderr).toMatch(/^warning: 'params.acl' "team-only" is not a canned ACL: sending it as given/m);
    } finally {
      await proxy.stop();
    }
  });

  it('a regexp without a capture group puts the file under its directory', async () => {
    const p = uniquePrefix('ref-nogroup');
    await localFile('file-to-upload');
    const result = await goRequest(
      'out',
      sourceFor(s3.minio.unversionedBucket, { regexp: `${p}/some-file-pattern` }),
      {
        params: { file: 'file-to-upload' },
      },
    );
    expect(result.json).toEqual({
      version: { path: `${p}/file-to-upload` },
      metadata: [
        { name: 'filename', value: 'file-to-upload' },
        { name: 'url', value: urlOf(s3.minio.unversionedBucket, `${p}/file-to-upload`) },
      ],
    });
    expect(await keysUnder(s3.minio.unversionedBucket, `${p}/`)).toEqual([`${p}/file-to-upload`]);
  });

  it('versioned_file: fails on an unversioned bucket (before uploading: ours), else answers the new version id', async () => {
    const key = `${uniquePrefix('ref-out-vf')}/file-to-upload`;
    await localFile('file-to-upload-local');
    const params = { from: 'file-to-upload-local', to: 'something-wrong/' };
    const unversioned = await goRequest(
      'out',
      sourceFor(s3.minio.unversionedBucket, { versioned_file: key }),
      {
        params,
      },
    );
    expect(unversioned.code).toBe(1);
    expect(unversioned.stderr).toMatch(/object versioning not enabled/);
    expect(await keysUnder(s3.minio.unversionedBucket, key)).toEqual([]);

    const result = await goRequest('out', sourceFor(s3.minio.versionedBucket, { versioned_file: key }), {
      params,
    });
    const [newest] = await versionsOf(key);
    expect(result.json).toEqual({
      version: { version_id: newest },
      metadata: [
        { name: 'filename', value: 'file-to-upload' },
        { name: 'url', value: `${urlOf(s3.minio.versionedBucket, key)}?versionId=${newest}` },
      ],
    });
    expect(await keysUnder(s3.minio.versionedBucket, key)).toEqual([key]);
  });

  it('from and a to directory on a versioned bucket: the path version, and a url with the version id', async () => {
    const p = uniquePrefix('ref-out-path');
    await localFile('file-to-upload');
    const result = await goRequest('out', sourceFor(s3.minio.versionedBucket), {
      params: { from: 'file-to-upload', to: `${p}/` },
    });
    const [newest] = await versionsOf(`${p}/file-to-upload`);
    expect(result.json).toEqual({
      version: { path: `${p}/file-to-upload` },
      metadata: [
        { name: 'filename', value: 'file-to-upload' },
        {
          name: 'url',
          value: `${urlOf(s3.minio.versionedBucket, `${p}/file-to-upload`)}?versionId=${newest}`,
        },
      ],
    });
  });
});

describe('a request with every optional field empty behaves as one without them', () => {
  /** Drops every field whose value is the Go zero value. */
  const withoutZeros = (fields: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== '' && value !== false));

  it('check, in and out give the same answers and write the same files', async () => {
    const p = uniquePrefix('ref-empty');
    await putObjects(s3.client, s3.minio.unversionedBucket, { [`${p}/app-1.0.tgz`]: 'one' });
    await localFile('app-2.0.tgz', 'two');
    const full = sourceFor(s3.minio.unversionedBucket, { regexp: `${p}/app-(.*)\\.tgz` });
    const sparse = withoutZeros(full);
    expect(Object.keys(sparse).sort()).toEqual(
      [
        'access_key_id',
        'bucket',
        'endpoint',
        'regexp',
        'region_name',
        'secret_access_key',
        'use_path_style',
      ].sort(),
    );

    const checks = [await run('check', { source: full }), await run('check', { source: sparse })];
    expect(checks[0]).toEqual(checks[1]);
    expect(checks[0]?.json).toEqual([{ path: `${p}/app-1.0.tgz` }]);

    const gets = [];
    for (const [source, params] of [
      [full, ZERO_GET_PARAMS],
      [sparse, {}],
    ] as const) {
      await using into = await tempDir();
      const result = await run('in', { source, version: { path: `${p}/app-1.0.tgz` }, params }, into.path);
      gets.push({
        result,
        files: (await readdir(into.path)).sort(),
        body: await readFile(join(into.path, 'app-1.0.tgz'), 'utf8'),
      });
    }
    expect(gets[0]).toEqual(gets[1]);
    expect(gets[0]?.files).toEqual(['app-1.0.tgz', 's3_uri', 'url', 'version']);

    const puts = [
      await run('out', { source: full, params: { ...ZERO_PUT_PARAMS, file: 'app-*.tgz' } }, dir.path),
      await run('out', { source: sparse, params: { file: 'app-*.tgz' } }, dir.path),
    ];
    expect(puts[0]).toEqual(puts[1]);
    expect(puts[0]?.json).toMatchObject({ version: { path: `${p}/app-2.0.tgz` } });
    const stored = await s3.client.send(
      new GetObjectCommand({ Bucket: s3.minio.unversionedBucket, Key: `${p}/app-2.0.tgz` }),
    );
    expect(await stored.Body?.transformToString()).toBe('two');
  });
});
