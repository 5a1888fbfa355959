// The `source` fields every S3-backed resource shares, spelled as the Concourse resources spell them.
import * as z from 'zod/mini';
import { ConfigError, type Logger } from '@hangar/resource-sdk';
import { CHECKSUM_ALGORITHMS, type CredentialSource, type S3ClientOptions } from './client.js';

const nonEmpty = () => z.string().check(z.minLength(1));

/** Spread into a resource's `z.strictObject({...})`. */
export const s3ConnectionFields = {
  bucket: nonEmpty(),
  access_key_id: z.optional(z.string()),
  secret_access_key: z.optional(z.string()),
  session_token: z.optional(z.string()),
  region_name: z.optional(z.string()),
  endpoint: z.optional(z.string()),
  disable_ssl: z.optional(z.boolean()),
  skip_ssl_verification: z.optional(z.boolean()),
  ca_bundle: z.optional(z.string()),
  use_path_style: z.optional(z.boolean()),
  skip_s3_checksums: z.optional(z.boolean()),
  checksum_algorithm: z.optional(z.enum(CHECKSUM_ALGORITHMS)),
  max_attempts: z.optional(z.int().check(z.minimum(1), z.maximum(50))),
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
