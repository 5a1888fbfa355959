// Source fields about reaching the store: TLS trust, credentials, checksums, deprecated fields.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { createServer, type Server } from 'node:tls';
import { join } from 'node:path';
import { HeadObjectCommand, PutBucketPolicyCommand } from '@aws-sdk/client-s3';
import { createS3Client } from '@hangar/s3-client';
import { selfSignedCertificate, tempDir } from '@hangar/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connection, keysUnder, putObjects, run, uniquePrefix, useMinio } from './harness.js';

const s3 = useMinio();
let tlsProxy: Server;
let tlsEndpoint: string;
let caPem: string;

/** TLS in front of MinIO with a certificate made for this run, so trust options have something to trust. */
async function startTlsProxy(): Promise<void> {
  const { key, cert } = await selfSignedCertificate();
  caPem = cert;
  tlsProxy = createServer({ key, cert }, (socket) => {
    const upstream = connect(s3.minio.port, '127.0.0.1');
    socket.pipe(upstream).pipe(socket);
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
  });
  await new Promise<void>((done) => tlsProxy.listen(0, '127.0.0.1', done));
  const address = tlsProxy.address();
  tlsEndpoint = `https://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}

beforeAll(startTlsProxy);
afterAll(async () => {
  await new Promise((done) => (tlsProxy ? tlsProxy.close(done) : done(undefined)));
});

describe('TLS trust', () => {
  it('refuses an untrusted certificate in one line, then trusts it through ca_bundle or skip_ssl_verification', async () => {
    const p = uniquePrefix('tls');
    await putObjects(s3.client, s3.minio.unversionedBucket, { [`${p}/app-1.tgz`]: 'x' });
    const source = { ...connection(s3.minio), endpoint: tlsEndpoint, regexp: `${p}/app-(.*).tgz` };
    const untrusted = await run('check', { source });
    expect(untrusted.code).toBe(1);
    expect(untrusted.stderr).toMatch(/^error: cannot list .*self-signed certificate/);
    expect((await run('check', { source: { ...source, ca_bundle: caPem } })).json).toEqual([
      { path: `${p}/app-1.tgz` },
    ]);
    expect((await run('check', { source: { ...source, skip_ssl_verification: true } })).json).toEqual([
      { path: `${p}/app-1.tgz` },
    ]);
  });

  it('adds https:// to an endpoint without a scheme, and http:// with disable_ssl', async () => {
    const p = uniquePrefix('scheme');
    await putObjects(s3.client, s3.minio.unversionedBucket, { [`${p}/app-1.tgz`]: 'x' });
    const bare = tlsEndpoint.replace('https://', '');
    const https = await run('check', {
      source: {
        ...connection(s3.minio),
        endpoint: bare,
        skip_ssl_verification: true,
        regexp: `${p}/app-(.*).tgz`,
      },
    });
    expect(https.json).toEqual([{ path: `${p}/app-1.tgz` }]);
    const plain = await run('check', {
      source: {
        ...connection(s3.minio),
        endpoint: s3.minio.endpoint.replace('http://', ''),
        disable_ssl: true,
        regexp: `${p}/app-(.*).tgz`,
      },
    });
    expect(plain.json).toEqual([{ path: `${p}/app-1.tgz` }]);
  });
});

describe('credentials', () => {
  it('reads a public bucket anonymously when no keys are given', async () => {
    const bucket = s3.minio.unversionedBucket;
    const p = uniquePrefix('anon');
    await putObjects(s3.client, bucket, { [`public/${p}/app-1.tgz`]: 'open' });
    await s3.client.send(
      new PutBucketPolicyCommand({
        Bucket: bucket,
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { AWS: ['*'] },
              Action: ['s3:GetObject'],
              Resource: [`arn:aws:s3:::${bucket}/public/*`],
            },
            {
              Effect: 'Allow',
              Principal: { AWS: ['*'] },
              Action: ['s3:ListBucket'],
              Resource: [`arn:aws:s3:::${bucket}`],
            },
          ],
        }),
      }),
    );
    const source = {
      bucket,
      endpoint: s3.minio.endpoint,
      use_path_style: true,
      regexp: `public/${p}/app-(.*).tgz`,
    };
    expect((await run('check', { source })).json).toEqual([{ path: `public/${p}/app-1.tgz` }]);
    await using dest = await tempDir();
    const got = await run('in', { source, version: { path: `public/${p}/app-1.tgz` } }, dest.path);
    expect(got.code, got.stderr).toBe(0);
    expect(await readFile(join(dest.path, 'app-1.tgz'), 'utf8')).toBe('open');
  });

  it('assumes aws_role_arn with the given keys (MinIO implements STS)', async () => {
    const p = uniquePrefix('role');
    await putObjects(s3.client, s3.minio.unversionedBucket, { [`${p}/app-1.tgz`]: 'x' });
    const result = await run('check', {
      source: {
        ...connection(s3.minio),
        aws_role_arn: 'arn:aws:iam::123456789012:role/ci',
        regexp: `${p}/app-(.*).tgz`,
      },
    });
    expect(result.json).toEqual([{ path: `${p}/app-1.tgz` }]);
  });

  it("signs with session_token: temporary keys from MinIO's STS work with it and are refused without it", async () => {
    const p = uniquePrefix('token');
    await putObjects(s3.client, s3.minio.unversionedBucket, { [`${p}/app-1.tgz`]: 'x' });
    const sts = await createS3Client({
      endpoint: s3.minio.endpoint,
      credentials: { kind: 'static', ...s3.minio.credentials },
      assumeRoleArn: 'arn:aws:iam::123456789012:role/ci',
    });
    const temporary = await sts.client.config.credentials();
    sts.destroy();
    expect(temporary.sessionToken).toMatch(/\S/);
    const source = {
      ...connection(s3.minio),
      access_key_id: temporary.accessKeyId,
      secret_access_key: temporary.secretAccessKey,
      regexp: `${p}/app-(.*).tgz`,
    };
    const withToken = await run('check', { source: { ...source, session_token: temporary.sessionToken } });
    expect(withToken.json).toEqual([{ path: `${p}/app-1.tgz` }]);
    const withoutToken = await run('check', { source });
    expect(withoutToken.code).toBe(1);
    expect(withoutToken.stderr).toMatch(/^error: .*\(HTTP 403\)/m);
  });

  it('uses the SDK default chain (here the environment) with enable_aws_creds_provider', async () => {
    const p = uniquePrefix('chain');
    await putObjects(s3.client, s3.minio.unversionedBucket, { [`private/${p}/app-1.tgz`]: 'x' });
    const { access_key_id: _id, secret_access_key: _secret, ...keyless } = connection(s3.minio);
    const source = { ...keyless, regexp: `private/${p}/app-(.*).tgz` };
    process.env['AWS_ACCESS_KEY_ID'] = s3.minio.credentials.accessKeyId;
    process.env['AWS_SECRET_ACCESS_KEY'] = s3.minio.credentials.secretAccessKey;
    try {
      expect((await run('check', { source: { ...source, enable_aws_creds_provider: true } })).json).toEqual([
        { path: `private/${p}/app-1.tgz` },
      ]);
      // Without the flag the request is anonymous, whatever the environment holds (reading
      // outside public/ is refused; the anonymous-access test may have opened listing).
      await using dest = await tempDir();
      const anonymous = await run('in', { source, version: { path: `private/${p}/app-1.tgz` } }, dest.path);
      expect(anonymous.code).toBe(1);
      expect(anonymous.stderr).toMatch(
        /^error: cannot get s3:\/\/unversioned\/private\/.*: AccessDenied \(HTTP 403\)/m,
      );
    } finally {
      delete process.env['AWS_ACCESS_KEY_ID'];
      delete process.env['AWS_SECRET_ACCESS_KEY'];
    }
  });
});

describe('checksums', () => {
  const head = (key: string) =>
    s3.client.send(
      new HeadObjectCommand({ Bucket: s3.minio.unversionedBucket, Key: key, ChecksumMode: 'ENABLED' }),
    );

  it('uploads with checksum_algorithm, the SDK default, or none with skip_s3_checksums', async () => {
    await using work = await tempDir();
    await writeFile(join(work.path, 'app-1.tgz'), 'payload');
    const upload = async (extra: Record<string, unknown>) => {
      const p = uniquePrefix('sum');
      const result = await run(
        'out',
        {
          source: { ...connection(s3.minio), regexp: `${p}/app-(.*).tgz`, ...extra },
          params: { file: 'app-1.tgz' },
        },
        work.path,
      );
      expect(result.code, result.stderr).toBe(0);
      return head(`${p}/app-1.tgz`);
    };
    expect((await upload({ checksum_algorithm: 'SHA256' })).ChecksumSHA256).toBeDefined();
    expect((await upload({})).ChecksumCRC32).toBeDefined();
    const skipped = await upload({ skip_s3_checksums: true });
    expect(skipped.ChecksumCRC32 ?? skipped.ChecksumSHA256 ?? skipped.ChecksumCRC64NVME).toBeUndefined();
  });
});

describe('deprecated fields', () => {
  it('warns about cloudfront_url and use_v2_signing and carries on', async () => {
    const p = uniquePrefix('deprecated');
    await putObjects(s3.client, s3.minio.unversionedBucket, { [`${p}/app-1.tgz`]: 'x' });
    const source = {
      ...connection(s3.minio),
      regexp: `${p}/app-(.*).tgz`,
      cloudfront_url: 'https://d1.cloudfront.net',
      use_v2_signing: true,
    };
    await using dest = await tempDir();
    const got = await run('in', { source, version: { path: `${p}/app-1.tgz` } }, dest.path);
    expect(got.code).toBe(0);
    expect(got.stderr).toMatch(/warning: 'source.cloudfront_url' is deprecated/);
    await writeFile(join(dest.path, 'app-2.tgz'), 'y');
    const put = await run('out', { source, params: { file: 'app-2.tgz' } }, dest.path);
    expect(put.code).toBe(0);
    expect(put.stderr).toMatch(/warning: 'source.use_v2_signing' is deprecated/);
  });

  it('still uploads with params.from and params.to: a folder, $1 or ${1} in to, and filename from the key', async () => {
    const p = uniquePrefix('fromto');
    await using work = await tempDir();
    await writeFile(join(work.path, 'app-3.0.tgz'), 'z');
    await writeFile(join(work.path, 'notes.txt'), 'n');
    const source = { ...connection(s3.minio), regexp: `${p}/app-(.*).tgz` };
    const folder = await run('out', { source, params: { from: 'app-(.*)\\.tgz', to: `${p}/` } }, work.path);
    expect(folder.code, folder.stderr).toBe(0);
    expect(folder.json).toMatchObject({ version: { path: `${p}/app-3.0.tgz` } });
    expect(folder.stderr).toMatch(/warning: 'params.from' and 'params.to' are deprecated/);
    const renamed = await run(
      'out',
      { source, params: { from: 'app-(.*)\\.tgz', to: `${p}/app-$1.1.tgz` } },
      work.path,
    );
    expect(renamed.json).toMatchObject({ version: { path: `${p}/app-3.0.1.tgz` } });
    await mkdir(join(work.path, 'a'));
    await writeFile(join(work.path, 'a', 'file-123.tgz'), 'f');
    const braced = await run(
      'out',
      {
        source: connection(s3.minio),
        params: { from: 'a/file-(\\d*).tgz', to: `${p}/folder-\${1}/file.tgz` },
      },
      work.path,
    );
    expect(braced.json).toEqual({
      version: { path: `${p}/folder-123/file.tgz` },
      metadata: [
        { name: 'filename', value: 'file.tgz' },
        { name: 'url', value: `${s3.minio.endpoint}/unversioned/${p}/folder-123/file.tgz` },
      ],
    });
  });

  it('params.from must match exactly one path, counting directories as the reference walks them; a directory is not uploaded', async () => {
    const p = uniquePrefix('from-count');
    await using work = await tempDir();
    await mkdir(join(work.path, 'a'));
    await writeFile(join(work.path, 'a', 'file1.tgz'), '1');
    await writeFile(join(work.path, 'a', 'file2.tgz'), '2');
    const source = connection(s3.minio);
    const put = (params: Record<string, string>) =>
      run('out', { source, params: { to: `${p}/`, ...params } }, work.path);
    const none = await put({ from: 'b/(.*).tgz' });
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(
      /^error: 'params.from' "b\/\(\.\*\)\.tgz" matched 0 paths; it must match exactly one$/m,
    );
    const several = await put({ from: 'a/(.*).tgz' });
    expect(several.code).toBe(1);
    expect(several.stderr).toMatch(
      /matched 2 paths \(a\/file1.tgz, a\/file2.tgz\); it must match exactly one$/m,
    );
    // The directory a and the put's directory itself are candidates too.
    const withDirectory = await put({ from: '/a(/file1.tgz)?$' });
    expect(withDirectory.stderr).toMatch(/matched 2 paths \(a, a\/file1.tgz\); it must match exactly one$/m);
    const anything = await put({ from: '.*' });
    expect(anything.stderr).toMatch(/matched 4 paths \(\., a, a\/file1.tgz, a\/file2.tgz\)/m);
    const directory = await put({ from: '/a$' });
    expect(directory.code).toBe(1);
    expect(directory.stderr).toBe(
      `warning: 'params.from' and 'params.to' are deprecated: use 'params.file' (a glob) and 'source.regexp'\nerror: 'params.from' "/a$" matched the directory a: it must match a file\n`,
    );
    expect(await keysUnder(s3.client, s3.minio.unversionedBucket, `${p}/`)).toEqual([]);
    const one = await put({ from: 'a/(.*)1.tgz' });
    expect(one.json).toMatchObject({ version: { path: `${p}/file1.tgz` } });
  });
});
