// The `source` fields every S3-backed resource shares, spelled as the Concourse resources spell them.
import * as z from 'zod/mini';
import { ConfigError, goOptional, type Logger } from '@hangar/resource-sdk';
import { CHECKSUM_ALGORITHMS, type CredentialSource, type S3ClientOptions } from './client.js';

/**
 * S3's rules (3–63 lowercase characters) loosened for S3-compatible stores and legacy buckets.
 * Checked here because the SDK's own bucket-name checks take quadratic time on a huge string.
 */
export const BUCKET_NAME = /^[A-Za-z0-9._-]{1,255}$/;

/**
 * Spread into a resource's `z.strictObject({...})`. The Go resources decode these into a struct,
 * so `""`, `false`, `0` and `null` mean "not set" (goOptional).
 */
export const s3ConnectionFields = {
  bucket: z.string().check(
    z.refine((name) => BUCKET_NAME.test(name), {
      error: 'a bucket name is 1 to 255 letters, digits, dots, hyphens or underscores',
    }),
  ),
  access_key_id: goOptional(z.string()),
  secret_access_key: goOptional(z.string()),
  session_token: goOptional(z.string()),
  region_name: goOptional(z.string()),
  endpoint: goOptional(z.string()),
  disable_ssl: goOptional(z.boolean()),
  skip_ssl_verification: goOptional(z.boolean()),
  ca_bundle: goOptional(z.string()),
  use_path_style: goOptional(z.boolean()),
  skip_s3_checksums: goOptional(z.boolean()),
  checksum_algorithm: goOptional(z.enum(CHECKSUM_ALGORITHMS)),
  max_attempts: goOptional(z.int().check(z.minimum(1), z.maximum(50))),
};

/** The parsed values of {@link s3ConnectionFields}. */
export interface S3ConnectionSource {
  bucket: string;
  access_key_id?: string | undefined;
  secret_access_key?: string | undefined;
  session_token?: string | undefined;
  region_name?: string | undefined;
  endpoint?: string | undefined;
  disable_ssl?: boolean | undefined;
  skip_ssl_verification?: boolean | undefined;
  ca_bundle?: string | undefined;
  use_path_style?: boolean | undefined;
  skip_s3_checksums?: boolean | undefined;
  checksum_algorithm?: (typeof CHECKSUM_ALGORITHMS)[number] | undefined;
  max_attempts?: number | undefined;
}

/**
 * Static keys when both are given; otherwise `fallback` (anonymous for the s3 resource, the SDK's
 * default chain for semver). One key without the other is a configuration error.
 */
export function credentialsFrom(
  source: Pick<S3ConnectionSource, 'access_key_id' | 'secret_access_key' | 'session_token'>,
  fallback: CredentialSource,
): CredentialSource {
  const { access_key_id: id, secret_access_key: secret, session_token: token } = source;
  if (id && secret) return { kind: 'static', accessKeyId: id, secretAccessKey: secret, sessionToken: token };
  if (id) throw new ConfigError("'source.access_key_id' is set but 'source.secret_access_key' is missing");
  if (secret)
    throw new ConfigError("'source.secret_access_key' is set but 'source.access_key_id' is missing");
  if (token)
    throw new ConfigError(
      "'source.session_token' needs 'source.access_key_id' and 'source.secret_access_key'",
    );
  return fallback;
}

/** Cross-field checks of the shared fields, before any request is made. */
export function validateConnectionSource(source: S3ConnectionSource): void {
  if (source.skip_ssl_verification && source.ca_bundle)
    throw new ConfigError(
      "'source.skip_ssl_verification' and 'source.ca_bundle' cannot be used together: trust a CA or skip verification",
    );
  if (source.skip_s3_checksums && source.checksum_algorithm)
    throw new ConfigError(
      "'source.checksum_algorithm' cannot be used with 'source.skip_s3_checksums': choose one",
    );
}

/** Maps the shared snake_case fields onto {@link S3ClientOptions}. */
export function clientOptionsFrom(
  source: S3ConnectionSource,
  extra: { credentials: CredentialSource; assumeRoleArn?: string | undefined; log?: Logger | undefined },
): S3ClientOptions {
  validateConnectionSource(source);
  return {
    region: source.region_name,
    endpoint: source.endpoint,
    disableSsl: source.disable_ssl,
    pathStyle: source.use_path_style,
    skipSslVerification: source.skip_ssl_verification,
    caBundle: source.ca_bundle,
    skipChecksums: source.skip_s3_checksums,
    checksumAlgorithm: source.checksum_algorithm,
    maxAttempts: source.max_attempts,
    ...extra,
  };
}
