// One S3 client setup for every S3-backed resource: endpoint, region, credentials (static,
// assumed role, default chain or anonymous), TLS trust, addressing style, checksums, retries.
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { rootCertificates } from 'node:tls';
import { GetObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { ConfigError, type Logger } from '@hangar/resource-sdk';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { answerChecks } from './answers.js';
import { s3ErrorMessage } from './errors.js';

/** Checksum algorithms S3 accepts on upload (same list as the AWS SDKs). */
export const CHECKSUM_ALGORITHMS = ['CRC32', 'CRC32C', 'SHA1', 'SHA256', 'CRC64NVME'] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

export const DEFAULT_REGION = 'us-east-1';

/** Attempts per request (first try included), as the Go resources configure their SDK. */
export const DEFAULT_MAX_ATTEMPTS = 12;

/** Where request signing credentials come from. */
export type CredentialSource =
  | { kind: 'anonymous' }
  | { kind: 'static'; accessKeyId: string; secretAccessKey: string; sessionToken?: string | undefined }
  /** The SDK's default chain: environment, shared config, web identity, container and instance metadata. */
  | { kind: 'default-chain' };

export interface S3ClientOptions {
  /** Default `us-east-1`. */
  region?: string | undefined;
  /** S3-compatible endpoint; a missing scheme becomes `https://`, or `http://` with `disableSsl`. */
  endpoint?: string | undefined;
  disableSsl?: boolean | undefined;
  /** `https://host/bucket/key` instead of `https://bucket.host/key`; honoured with or without an endpoint. */
  pathStyle?: boolean | undefined;
  credentials: CredentialSource;
  /** Role assumed through STS with `credentials`; the temporary keys last for the whole run. */
  assumeRoleArn?: string | undefined;
  /** STS session name for `assumeRoleArn`. */
  roleSessionName?: string | undefined;
  skipSslVerification?: boolean | undefined;
  /** PEM certificates trusted in addition to the system roots. */
  caBundle?: string | undefined;
  /** Compute and validate checksums only when an operation requires them (for stores that lack them). */
  skipChecksums?: boolean | undefined;
  /** Default checksum algorithm for uploads. */
  checksumAlgorithm?: ChecksumAlgorithm | undefined;
  /** Attempts per request including the first; default 12. */
  maxAttempts?: number | undefined;
  /** Where notes about the set-up go (e.g. the assumed role); never receives secrets. */
  log?: Logger | undefined;
  /** Signs each request instead of the SDK's SigV4 signer (e.g. a SigV2 signer for an old store). */
  signer?: S3ClientConfig['signer'] | undefined;
}

export interface S3Connection {
  readonly client: S3Client;
  readonly region: string;
  /** The endpoint with its scheme, or undefined for AWS. */
  readonly endpoint: string | undefined;
  readonly pathStyle: boolean;
  /** Whether requests are unsigned (then a presigned URL is just the plain URL). */
  readonly anonymous: boolean;
  readonly checksumAlgorithm: ChecksumAlgorithm | undefined;
  /** The object's plain URL, with `?versionId=` when given. */
  objectUrl(bucket: string, key: string, versionId?: string): string;
  /** A GET URL signed for `expiresInSeconds` (default 24 h). */
  presignGetUrl(
    bucket: string,
    key: string,
    options?: { versionId?: string | undefined; expiresInSeconds?: number },
  ): Promise<string>;
  destroy(): void;
}

/** Adds the scheme to a bare `host[:port]` endpoint and checks it parses as a URL. */
export function resolveEndpoint(endpoint: string, disableSsl = false): string {
  const trimmed = endpoint.trim().replace(/\/+$/, '');
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)
    ? trimmed
    : `${disableSsl ? 'http' : 'https'}://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new ConfigError(`invalid 'source.endpoint': '${endpoint}' is not a host or URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ConfigError(`invalid 'source.endpoint': scheme must be http or https, got '${url.protocol}'`);
  return withScheme;
}

/** Google Cloud Storage's S3 interoperability endpoint does not support multipart uploads. */
export const isGcsEndpoint = (endpoint: string | undefined): boolean =>
  endpoint !== undefined && /(^|\.)storage\.googleapis\.com$/i.test(new URL(endpoint).hostname);

/** Encodes each `/`-separated part of a key for use in a URL path. */
export const encodeKey = (key: string): string => key.split('/').map(encodeURIComponent).join('/');

function plainObjectUrl(
  bucket: string,
  key: string,
  region: string,
  endpoint: string | undefined,
  pathStyle: boolean,
): string {
  const base = new URL(endpoint ?? `https://s3.${region}.amazonaws.com`);
  const path = base.pathname.replace(/\/+$/, '');
  if (pathStyle)
    return `${base.protocol}//${base.host}${path}/${encodeURIComponent(bucket)}/${encodeKey(key)}`;
  return `${base.protocol}//${bucket}.${base.host}${path}/${encodeKey(key)}`;
}

function tlsAgents(options: S3ClientOptions): { httpAgent: HttpAgent; httpsAgent: HttpsAgent } {
  if (options.skipSslVerification && options.caBundle)
    throw new ConfigError(
      "'source.skip_ssl_verification' and 'source.ca_bundle' cannot be used together: trust a CA or skip verification",
    );
  const common = { keepAlive: true, maxSockets: 64 };
  return {
    httpAgent: new HttpAgent(common),
    httpsAgent: new HttpsAgent({
      ...common,
      rejectUnauthorized: !options.skipSslVerification,
      ...(options.caBundle ? { ca: [...rootCertificates, options.caBundle] } : {}),
    }),
  };
}

/** The STS call that turns base credentials into the role's temporary keys. */
async function assumeRole(
  options: S3ClientOptions,
  base: S3ClientConfig['credentials'],
  region: string,
  requestHandler: NodeHttpHandler,
  endpoint: string | undefined,
): Promise<NonNullable<S3ClientConfig['credentials']>> {
  const { STSClient, AssumeRoleCommand } = await import('@aws-sdk/client-sts');
  const sts = new STSClient({
    region,
    requestHandler,
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    ...(base ? { credentials: base } : {}),
    // An S3-compatible store that speaks STS (MinIO does) answers on its own endpoint.
    ...(endpoint ? { endpoint } : {}),
  });
  try {
    const answer = await sts.send(
      new AssumeRoleCommand({
        RoleArn: options.assumeRoleArn,
        RoleSessionName: options.roleSessionName ?? 'hangar-s3',
      }),
    );
    const keys = answer.Credentials;
    if (!keys?.AccessKeyId || !keys.SecretAccessKey) throw new Error('STS answered without credentials');
    options.log?.debug(`assumed role ${options.assumeRoleArn ?? ''}`);
    return {
      accessKeyId: keys.AccessKeyId,
      secretAccessKey: keys.SecretAccessKey,
      ...(keys.SessionToken ? { sessionToken: keys.SessionToken } : {}),
    };
  } catch (error) {
    throw new ConfigError(
      `cannot assume role '${options.assumeRoleArn ?? ''}' (source.aws_role_arn): ${s3ErrorMessage(error)}`,
      { cause: error },
    );
  } finally {
    sts.destroy();
  }
}

/** Builds the client. Only `assumeRoleArn` makes a network call here. */
export async function createS3Client(options: S3ClientOptions): Promise<S3Connection> {
  // The SDK warns on stderr that its 2027 releases need Node 22; the resource images pin their own
  // Node and the notice is noise in every build log, so switch it off before the first client exists.
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

  const region = options.region?.trim() || DEFAULT_REGION;
  const endpoint = options.endpoint ? resolveEndpoint(options.endpoint, options.disableSsl) : undefined;
  const pathStyle = options.pathStyle ?? false;
  const requestHandler = new NodeHttpHandler({
    ...tlsAgents(options),
    connectionTimeout: 15_000,
    // Idle time on a socket, not a cap on a transfer's length.
    requestTimeout: 120_000,
  });

  const { credentials: source } = options;
  let credentials: S3ClientConfig['credentials'];
  if (source.kind === 'static') {
    credentials = {
      accessKeyId: source.accessKeyId,
      secretAccessKey: source.secretAccessKey,
      ...(source.sessionToken ? { sessionToken: source.sessionToken } : {}),
    };
  }
  if (options.assumeRoleArn)
    credentials = await assumeRole(options, credentials, region, requestHandler, endpoint);
  const anonymous = source.kind === 'anonymous' && !options.assumeRoleArn;
  const checksumMode = options.skipChecksums ? 'WHEN_REQUIRED' : 'WHEN_SUPPORTED';

  const client = new S3Client({
    region,
    forcePathStyle: pathStyle,
    requestHandler,
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    requestChecksumCalculation: checksumMode,
    responseChecksumValidation: checksumMode,
    ...(endpoint ? { endpoint } : {}),
    ...(credentials ? { credentials } : {}),
    ...(options.signer ? { signer: options.signer } : {}),
    // Unsigned requests: public buckets must work without any credentials (and without the SDK
    // probing instance metadata for some).
    ...(anonymous
      ? {
          credentials: { accessKeyId: '', secretAccessKey: '' },
          signer: { sign: (request) => Promise.resolve(request) },
        }
      : {}),
  } satisfies S3ClientConfig);

  client.middlewareStack.use(answerChecks);

  const objectUrl = (bucket: string, key: string, versionId?: string) => {
    const url = plainObjectUrl(bucket, key, region, endpoint, pathStyle);
    return versionId ? `${url}?versionId=${encodeURIComponent(versionId)}` : url;
  };
  return {
    client,
    region,
    endpoint,
    pathStyle,
    anonymous,
    checksumAlgorithm: options.checksumAlgorithm,
    objectUrl,
    async presignGetUrl(bucket, key, { versionId, expiresInSeconds = 86_400 } = {}) {
      if (anonymous) return objectUrl(bucket, key, versionId);
      const { getSignedUrl } = await import('@aws-sdk/s3-request-presigner');
      return getSignedUrl(
        client,
        new GetObjectCommand({ Bucket: bucket, Key: key, ...(versionId ? { VersionId: versionId } : {}) }),
        { expiresIn: expiresInSeconds },
      );
    },
    destroy: () => client.destroy(),
  };
}
