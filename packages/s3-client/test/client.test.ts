import {
  GetObjectCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { ConfigError } from '@hangar/resource-sdk';
import { type MinioServer, startMinio } from '@hangar/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type S3Connection,
  clientOptionsFrom,
  createS3Client,
  credentialsFrom,
  isGcsEndpoint,
  resolveEndpoint,
  s3ErrorMessage,
} from '../src/index.js';

let minio: MinioServer;
let admin: S3Client;
const opened: S3Connection[] = [];

async function connect(options: Parameters<typeof createS3Client>[0]): Promise<S3Connection> {
  const connection = await createS3Client({ maxAttempts: 1, ...options });
  opened.push(connection);
  return connection;
}

beforeAll(async () => {
  minio = await startMinio();
  admin = minio.client();
  await admin.send(
    new PutObjectCommand({ Bucket: minio.unversionedBucket, Key: 'public/hello.txt', Body: 'hi' }),
  );
  await admin.send(
    new PutObjectCommand({ Bucket: minio.unversionedBucket, Key: 'private/secret.txt', Body: 's' }),
  );
  await admin.send(
    new PutBucketPolicyCommand({
      Bucket: minio.unversionedBucket,
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: ['*'] },
            Action: ['s3:GetObject'],
            Resource: [`arn:aws:s3:::${minio.unversionedBucket}/public/*`],
          },
        ],
      }),
    }),
  );
});
afterAll(async () => {
  for (const connection of opened) connection.destroy();
  admin?.destroy();
  await minio?.stop();
});

const read = async (client: S3Client, key: string) =>
  (await client
    .send(new GetObjectCommand({ Bucket: minio.unversionedBucket, Key: key }))
    .then((r) => r.Body?.transformToString())) ?? '';

describe('createS3Client', () => {
  it('signs with static keys and path-style addressing', async () => {
    const s3 = await connect({
      endpoint: minio.endpoint,
      pathStyle: true,
      credentials: { kind: 'static', ...minio.credentials },
    });
    expect(await read(s3.client, 'private/secret.txt')).toBe('s');
  });

  it('sends unsigned requests for anonymous access: public objects read, private ones refused', async () => {
    const s3 = await connect({
      endpoint: minio.endpoint,
      pathStyle: true,
      credentials: { kind: 'anonymous' },
    });
    expect(s3.anonymous).toBe(true);
    expect(await read(s3.client, 'public/hello.txt')).toBe('hi');
    const refused = await read(s3.client, 'private/secret.txt').catch((error: unknown) => error);
    expect(s3ErrorMessage(refused)).toMatch(/AccessDenied \(HTTP 403\)/);
  });

  it('assumes a role through the store’s STS endpoint and uses the temporary keys', async () => {
    const s3 = await connect({
      endpoint: minio.endpoint,
      pathStyle: true,
      credentials: { kind: 'static', ...minio.credentials },
      assumeRoleArn: 'arn:aws:iam::123456789012:role/hangar-test',
    });
    expect(await read(s3.client, 'private/secret.txt')).toBe('s');
  });

  it('names the role when STS refuses it', async () => {
    const failure = await createS3Client({
      endpoint: minio.endpoint,
      pathStyle: true,
      maxAttempts: 1,
      credentials: { kind: 'static', accessKeyId: 'nobody', secretAccessKey: 'wrong-secret' },
      assumeRoleArn: 'arn:aws:iam::123456789012:role/hangar-test',
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ConfigError);
    expect(String(failure)).toMatch(/cannot assume role 'arn:aws:iam::123456789012:role\/hangar-test'/);
  });

  it('builds plain and presigned object URLs that the store serves', async () => {
    const s3 = await connect({
      endpoint: minio.endpoint,
      pathStyle: true,
      credentials: { kind: 'static', ...minio.credentials },
    });
    expect(s3.objectUrl('b', 'dir/a file.txt', 'v1')).toBe(
      `${minio.endpoint}/b/dir/a%20file.txt?versionId=v1`,
    );
    const signed = await s3.presignGetUrl(minio.unversionedBucket, 'private/secret.txt');
    expect(signed).toMatch(/X-Amz-Expires=86400/);
    expect(await (await fetch(signed)).text()).toBe('s');
    expect((await fetch(s3.objectUrl(minio.unversionedBucket, 'private/secret.txt'))).status).toBe(403);
  });

  it('uses virtual-host URLs on AWS unless path style is asked for, even without an endpoint', async () => {
    const aws = await connect({ region: 'eu-west-1', credentials: { kind: 'anonymous' } });
    expect(aws.objectUrl('my-bucket', 'k.tgz')).toBe('https://my-bucket.s3.eu-west-1.amazonaws.com/k.tgz');
    const pathStyle = await connect({
      region: 'eu-west-1',
      pathStyle: true,
      credentials: { kind: 'anonymous' },
    });
    expect(pathStyle.objectUrl('my-bucket', 'k.tgz')).toBe(
      'https://s3.eu-west-1.amazonaws.com/my-bucket/k.tgz',
    );
    expect(pathStyle.region).toBe('eu-west-1');
    expect((await connect({ credentials: { kind: 'anonymous' } })).region).toBe('us-east-1');
  });

  it('describes a refused connection in one line', async () => {
    const s3 = await connect({
      endpoint: 'http://127.0.0.1:1',
      pathStyle: true,
      credentials: { kind: 'anonymous' },
    });
    const failure = await read(s3.client, 'x').catch((error: unknown) => error);
    expect(s3ErrorMessage(failure)).toMatch(/ECONNREFUSED/);
  });
});

describe('endpoint and credential options', () => {
  it('adds a scheme to a bare endpoint', () => {
    expect(resolveEndpoint('minio.local:9000')).toBe('https://minio.local:9000');
    expect(resolveEndpoint('minio.local:9000', true)).toBe('http://minio.local:9000');
    expect(resolveEndpoint('http://x/')).toBe('http://x');
    expect(() => resolveEndpoint('ftp://x')).toThrow(/source.endpoint/);
    expect(isGcsEndpoint('https://storage.googleapis.com')).toBe(true);
    expect(isGcsEndpoint(undefined)).toBe(false);
  });

  it('uses static keys only when both are given and names the missing one', () => {
    expect(credentialsFrom({ access_key_id: 'a', secret_access_key: 'b' }, { kind: 'anonymous' })).toEqual({
      kind: 'static',
      accessKeyId: 'a',
      secretAccessKey: 'b',
      sessionToken: undefined,
    });
    expect(credentialsFrom({}, { kind: 'default-chain' })).toEqual({ kind: 'default-chain' });
    expect(() => credentialsFrom({ access_key_id: 'a' }, { kind: 'anonymous' })).toThrow(/secret_access_key/);
    expect(() => credentialsFrom({ secret_access_key: 'a' }, { kind: 'anonymous' })).toThrow(/access_key_id/);
    expect(() => credentialsFrom({ session_token: 't' }, { kind: 'anonymous' })).toThrow(/session_token/);
  });

  it('rejects contradictory TLS and checksum options', () => {
    const credentials = { kind: 'anonymous' } as const;
    expect(() =>
      clientOptionsFrom({ bucket: 'b', skip_ssl_verification: true, ca_bundle: 'x' }, { credentials }),
    ).toThrow(/skip_ssl_verification.*ca_bundle/);
    expect(() =>
      clientOptionsFrom(
        { bucket: 'b', skip_s3_checksums: true, checksum_algorithm: 'SHA256' },
        { credentials },
      ),
    ).toThrow(/checksum_algorithm.*skip_s3_checksums/);
  });
});
