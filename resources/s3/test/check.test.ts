import { describe, expect, it } from 'vitest';
import { connection, putManyObjects, putObjects, run, uniquePrefix, useMinio } from './harness.js';

const s3 = useMinio();

const check = (source: Record<string, unknown>, version?: Record<string, string>) =>
  run('check', { source: { ...connection(s3.minio), ...source }, ...(version ? { version } : {}) });

describe('check, regexp mode', () => {
  it('reports only the latest version on the first check, ordered as versions, not as text', async () => {
    const p = uniquePrefix('first');
    await putObjects(s3.client, s3.minio.unversionedBucket, {
      [`${p}/app-1.9.0.tgz`]: 'a',
      [`${p}/app-1.10.0.tgz`]: 'b',
      [`${p}/app-1.2.0.tgz`]: 'c',
      [`${p}/other-9.9.9.tgz`]: 'd',
    });
    const result = await check({ regexp: `${p}/app-(.*)\\.tgz` });
    expect(result.stderr).toBe('');
    expect(result.json).toEqual([{ path: `${p}/app-1.10.0.tgz` }]);
  });

  it('returns every version from the previous one on, oldest first', async () => {
    const p = uniquePrefix('since');
    await putObjects(s3.client, s3.minio.unversionedBucket, {
      [`${p}/app-1.0.0-rc.1.tgz`]: '',
      [`${p}/app-1.0.0.tgz`]: '',
      [`${p}/app-1.0.0+hotfix.tgz`]: '',
      [`${p}/app-0.9.tgz`]: '',
      [`${p}/app-2.0.tgz`]: '',
    });
    const result = await check({ regexp: `^${p}/app-(.*).tgz$` }, { path: `${p}/app-1.0.0-rc.1.tgz` });
    expect(result.json).toEqual([
      { path: `${p}/app-1.0.0-rc.1.tgz` },
      { path: `${p}/app-1.0.0.tgz` },
      { path: `${p}/app-1.0.0+hotfix.tgz` },
      { path: `${p}/app-2.0.tgz` },
    ]);
  });

  it('falls back to the latest when the previous path no longer matches the regexp', async () => {
    const p = uniquePrefix('moved');
    await putObjects(s3.client, s3.minio.unversionedBucket, {
      [`${p}/app-1.tgz`]: '',
      [`${p}/app-2.tgz`]: '',
    });
    const result = await check({ regexp: `${p}/app-(.*).tgz` }, { path: `old/app-1.zip` });
    expect(result.json).toEqual([{ path: `${p}/app-2.tgz` }]);
  });

  it('uses the group named version when there are several groups', async () => {
    const p = uniquePrefix('named');
    await putObjects(s3.client, s3.minio.unversionedBucket, {
      [`${p}/z-1.0.tgz`]: '',
      [`${p}/a-2.0.tgz`]: '',
    });
    const result = await check({ regexp: `${p}/(?P<name>[a-z])-(?P<version>.*).tgz` });
    expect(result.json).toEqual([{ path: `${p}/a-2.0.tgz` }]);
  });

  it('walks pattern directories one level at a time', async () => {
    const p = uniquePrefix('dirs');
    await putObjects(s3.client, s3.minio.unversionedBucket, {
      [`${p}/v1/app-1.0.tgz`]: '',
      [`${p}/v2/app-2.0.tgz`]: '',
      [`${p}/v2/deeper/app-3.0.tgz`]: '',
      [`${p}/x9/app-9.0.tgz`]: '',
    });
    const result = await check({ regexp: `${p}/v\\d+/app-(.*).tgz` }, { path: `${p}/v1/app-1.0.tgz` });
    expect(result.json).toEqual([{ path: `${p}/v1/app-1.0.tgz` }, { path: `${p}/v2/app-2.0.tgz` }]);
  });

  it('skips a capture that is not a version with a warning naming the key, instead of crashing', async () => {
    const p = uniquePrefix('junk');
    await putObjects(s3.client, s3.minio.unversionedBucket, {
      [`${p}/app-1.0.tgz`]: '',
      [`${p}/app-latest..tgz`]: '',
      [`${p}/app-.tgz`]: '',
    });
    const result = await check({ regexp: `${p}/app-(.*).tgz` });
    expect(result.code).toBe(0);
    expect(result.json).toEqual([{ path: `${p}/app-1.0.tgz` }]);
    expect(result.stderr).toContain(
      `warning: skipping '${p}/app-latest..tgz': its capture (group 1) "latest." is not a version`,
    );
    expect(result.stderr).toContain(`warning: skipping '${p}/app-.tgz'`);
  });

  it('prints [] and explains a regexp that matches nothing', async () => {
    const p = uniquePrefix('none');
    await putObjects(s3.client, s3.minio.unversionedBucket, { [`${p}/app-1.0.zip`]: '' });
    const result = await check({ regexp: `${p}/app-(.*).tgz` });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('[]\n');
    expect(result.stderr).toContain(`no object matches 'source.regexp'`);
    expect(result.stderr).toContain(`s3://unversioned/${p}/app-`);
    expect(result.stderr).toContain(`'${p}/app-1.0.zip'`);
  });

  it('reports initial_path before anything exists; once objects appear, a first check gives only the latest and a check from initial_path lists it first', async () => {
    const p = uniquePrefix('initial');
    const source = { regexp: `${p}/app-(.*).tgz`, initial_path: `${p}/app-0.0.0.tgz` };
    expect((await check(source)).json).toEqual([{ path: `${p}/app-0.0.0.tgz` }]);
    await putObjects(s3.client, s3.minio.unversionedBucket, { [`${p}/app-1.0.0.tgz`]: '' });
    expect((await check(source)).json).toEqual([{ path: `${p}/app-1.0.0.tgz` }]);
    expect((await check(source, { path: `${p}/app-0.0.0.tgz` })).json).toEqual([
      { path: `${p}/app-0.0.0.tgz` },
      { path: `${p}/app-1.0.0.tgz` },
    ]);
  });

  it('lists an initial_path that also exists as an object once (the reference lists it twice)', async () => {
    const p = uniquePrefix('initial-stored');
    const source = { regexp: `${p}/app-(.*).tgz`, initial_path: `${p}/app-0.0.0.tgz` };
    await putObjects(s3.client, s3.minio.unversionedBucket, {
      [`${p}/app-0.0.0.tgz`]: '',
      [`${p}/app-1.0.0.tgz`]: '',
    });
    expect((await check(source, { path: `${p}/app-0.0.0.tgz` })).json).toEqual([
      { path: `${p}/app-0.0.0.tgz` },
      { path: `${p}/app-1.0.0.tgz` },
    ]);
  });

  it('orders by upload time with order_by: last_modified, capture or not', async () => {
    const p = uniquePrefix('mtime');
    // MinIO's LastModified has millisecond precision; uploads in sequence get increasing times.
    await putObjects(s3.client, s3.minio.unversionedBucket, { [`${p}/build-zeta.tgz`]: '' });
    await putObjects(s3.client, s3.minio.unversionedBucket, { [`${p}/build-alpha.tgz`]: '' });
    await putObjects(s3.client, s3.minio.unversionedBucket, { [`${p}/build-mid.tgz`]: '' });
    const source = { regexp: `${p}/build-[a-z]+.tgz`, order_by: 'last_modified' };
    expect((await check(source)).json).toEqual([{ path: `${p}/build-mid.tgz` }]);
    expect((await check(source, { path: `${p}/build-alpha.tgz` })).json).toEqual([
      { path: `${p}/build-alpha.tgz` },
      { path: `${p}/build-mid.tgz` },
    ]);
  });

  it('lists page after page (more than 1,000 keys)', async () => {
    const p = uniquePrefix('many');
    const keys = Array.from({ length: 1005 }, (_, n) => `${p}/r-${n}.txt`);
    await putManyObjects(s3.client, s3.minio.unversionedBucket, keys);
    const result = await check({ regexp: `${p}/r-(\\d+).txt` }, { path: `${p}/r-1002.txt` });
    expect(result.json).toEqual([
      { path: `${p}/r-1002.txt` },
      { path: `${p}/r-1003.txt` },
      { path: `${p}/r-1004.txt` },
    ]);
  });
});

describe('check, versioned_file mode', () => {
  it('reports S3 object versions, oldest first, from the previous one on', async () => {
    const key = `${uniquePrefix('vf')}/state.json`;
    const ids: string[] = [];
    for (const body of ['1', '2', '3']) {
      const versions = await putObjects(s3.client, s3.minio.versionedBucket, {
        [key]: body,
        [`${key}.sha`]: body,
      });
      ids.push(versions[key]!);
    }
    const source = { ...connection(s3.minio, s3.minio.versionedBucket), versioned_file: key };
    expect((await run('check', { source })).json).toEqual([{ version_id: ids[2] }]);
    expect((await run('check', { source, version: { version_id: ids[0]! } })).json).toEqual(
      ids.map((id) => ({ version_id: id })),
    );
    expect((await run('check', { source, version: { version_id: 'gone' } })).json).toEqual([
      { version_id: ids[2] },
    ]);
  });

  it('appends initial_version as the oldest and prints [] for a missing key', async () => {
    const key = `${uniquePrefix('vf-initial')}/state.json`;
    const source = { ...connection(s3.minio, s3.minio.versionedBucket), versioned_file: key };
    expect((await run('check', { source })).stdout).toBe('[]\n');
    const initial = { ...source, initial_version: 'seed' };
    expect((await run('check', { source: initial })).json).toEqual([{ version_id: 'seed' }]);
    const { [key]: id } = await putObjects(s3.client, s3.minio.versionedBucket, { [key]: 'x' });
    expect((await run('check', { source: initial, version: { version_id: 'seed' } })).json).toEqual([
      { version_id: 'seed' },
      { version_id: id },
    ]);
  });

  it('fails with a clear message on a bucket without versioning', async () => {
    const result = await check({ versioned_file: 'state.json' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^error: bucket is not versioned: .*'unversioned' .*source.versioned_file/m,
    );
  });
});

describe('check, configuration errors name the field', () => {
  it.each([
    [{ regexp: 'dir/(a/b)-(.*)' }, /source.regexp.*"\/" inside a group/],
    [{ regexp: 'dir/app-([.tgz' }, /invalid 'source.regexp'/],
    [
      { regexp: 'a-(.*)', versioned_file: 'x' },
      /'source.regexp' and 'source.versioned_file' cannot both be set/,
    ],
    [
      { regexp: 'a-(.*)', initial_version: 'x' },
      /'source.initial_version' works with 'source.versioned_file'/,
    ],
    [{ versioned_file: 'x', initial_path: 'a' }, /'source.initial_path' works with 'source.regexp'/],
    [{ regexp: 'a-(.*)', initial_content_text: 'x' }, /initial content needs/],
    [
      { regexp: 'a-(.*)', initial_path: 'a-1', initial_content_text: 'x', initial_content_binary: 'eA==' },
      /cannot both be set/,
    ],
    [{ regexp: 'a-(.*)', skip_ssl_verification: true, ca_bundle: 'pem' }, /skip_ssl_verification.*ca_bundle/],
    [{ regexp: 'a-(.*)', skip_s3_checksums: true, checksum_algorithm: 'CRC32' }, /checksum_algorithm/],
    [{ regexp: 'a-(.*)', checksum_algorithm: 'MD5' }, /invalid 'source.checksum_algorithm'/],
    [{ regexp: 'a-(.*)', bucket: 'no/slash' }, /invalid 'source.bucket': a bucket name is 1 to 255 letters/],
    [
      { regexp: 'a-(.*)', access_key_id: undefined, secret_access_key: 'only-secret' },
      /access_key_id' is missing/,
    ],
  ])('%j', async (fields, message) => {
    const source = { ...connection(s3.minio), ...fields };
    if ('access_key_id' in fields) delete (source as Record<string, unknown>)['access_key_id'];
    const result = await run('check', { source });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(message);
  });
});

describe('check, what the reference accepts is accepted, with a warning where it silently gives nothing', () => {
  it('a regexp without a capture group finds no versions', async () => {
    const p = uniquePrefix('nogroup');
    await putObjects(s3.client, s3.minio.unversionedBucket, { [`${p}/app.tgz`]: 'x' });
    const result = await check({ regexp: `${p}/app.tgz` });
    expect(result.json).toEqual([]);
    expect(result.stderr).toMatch(/^warning: 'source.regexp' .* has no capture group/);
  });

  it('neither regexp nor versioned_file (a put-only resource) has nothing to check', async () => {
    const result = await check({});
    expect(result.json).toEqual([]);
    expect(result.stderr).toMatch(/^warning: neither 'source.regexp' nor 'source.versioned_file' is set/);
  });

  it('an initial_path the regexp does not match is ignored', async () => {
    const p = uniquePrefix('badinitial');
    await putObjects(s3.client, s3.minio.unversionedBucket, { [`${p}/a-1`]: 'x' });
    const result = await check({ regexp: `${p}/a-(.*)`, initial_path: 'b-1' });
    expect(result.json).toEqual([{ path: `${p}/a-1` }]);
    expect(result.stderr).toMatch(/^warning: ignoring 'source.initial_path' 'b-1': it does not match/);
  });

  it('an unknown key is a warning naming the nearest known key', async () => {
    const p = uniquePrefix('typo');
    await putObjects(s3.client, s3.minio.unversionedBucket, { [`${p}/a-1`]: 'x' });
    const result = await check({ regexp: `${p}/a-(.*)`, regxp: 'b' });
    expect(result.json).toEqual([{ path: `${p}/a-1` }]);
    expect(result.stderr).toBe(`warning: ignoring unknown key 'source.regxp' (did you mean 'regexp'?)\n`);
  });
});
