// Schemas of the s3 resource's `source`, get `params` and put `params`, and the rules that tie
// fields together. Everything here runs before the first request to the store.
import { ConfigError } from '@hangar/resource-sdk';
import { s3ConnectionFields } from '@hangar/s3-client';
import * as z from 'zod/mini';
import { parseRegexp, type KeyRegexp } from './key-regexp.js';

const nonEmpty = () => z.string().check(z.minLength(1));

/** `true`/`false` as YAML booleans or as the strings the Go resource insisted on. */
const flexibleBoolean = () => z.optional(z.union([z.boolean(), z.enum(['true', 'false'])]));

export const SERVER_SIDE_ENCRYPTION = ['AES256', 'aws:kms', 'aws:kms:dsse'] as const;

export const CANNED_ACLS = [
  'private',
  'public-read',
  'public-read-write',
  'authenticated-read',
  'aws-exec-read',
  'bucket-owner-read',
  'bucket-owner-full-control',
] as const;

export const sourceSchema = z.strictObject({
  ...s3ConnectionFields,
  regexp: z.optional(nonEmpty()),
  versioned_file: z.optional(nonEmpty()),
  order_by: z.optional(z.enum(['version', 'last_modified'])),
  aws_role_arn: z.optional(nonEmpty()),
  enable_aws_creds_provider: z.optional(z.boolean()),
  private: z.optional(z.boolean()),
  server_side_encryption: z.optional(z.enum(SERVER_SIDE_ENCRYPTION)),
  sse_kms_key_id: z.optional(nonEmpty()),
  disable_multipart: z.optional(z.boolean()),
  part_size_mb: z.optional(z.int().check(z.minimum(5), z.maximum(5120))),
  skip_download: z.optional(z.boolean()),
  initial_path: z.optional(nonEmpty()),
  initial_version: z.optional(nonEmpty()),
  initial_content_text: z.optional(z.string()),
  initial_content_binary: z.optional(z.string()),
  cloudfront_url: z.optional(z.string()),
  use_v2_signing: z.optional(z.boolean()),
});
export type Source = z.output<typeof sourceSchema>;

export const getParamsSchema = z.strictObject({
  skip_download: flexibleBoolean(),
  unpack: flexibleBoolean(),
  download_tags: flexibleBoolean(),
});
export type GetParams = z.output<typeof getParamsSchema>;

const stringMap = () => z.optional(z.record(z.string().check(z.minLength(1)), z.string()));

export const putParamsSchema = z.strictObject({
  file: z.optional(nonEmpty()),
  acl: z.optional(z.enum(CANNED_ACLS)),
  content_type: z.optional(nonEmpty()),
  cache_control: z.optional(nonEmpty()),
  content_encoding: z.optional(nonEmpty()),
  content_disposition: z.optional(nonEmpty()),
  metadata: stringMap(),
  tags: stringMap(),
  from: z.optional(nonEmpty()),
  to: z.optional(z.string()),
});
export type PutParams = z.output<typeof putParamsSchema>;

export const asBoolean = (value: boolean | 'true' | 'false' | undefined): boolean | undefined =>
  value === undefined ? undefined : value === true || value === 'true';

/** The mode a source selects, with its compiled regexp where there is one. */
export type Mode =
  | { kind: 'regexp'; regexp: KeyRegexp; orderBy: 'version' | 'last_modified' }
  | { kind: 'versioned_file'; key: string };

/** Cross-field rules of the reference resource, plus ours; returns the mode. */
export function resolveMode(source: Source): Mode {
  const fail = (message: string): never => {
    throw new ConfigError(message);
  };
  if (source.regexp && source.versioned_file)
    fail("'source.regexp' and 'source.versioned_file' cannot both be set: choose one way of versioning");
  if (!source.regexp && !source.versioned_file)
    fail("one of 'source.regexp' or 'source.versioned_file' is required");
  if (source.regexp && source.initial_version)
    fail(
      "'source.initial_version' works with 'source.versioned_file'; with 'source.regexp' use 'source.initial_path'",
    );
  if (source.versioned_file && source.initial_path)
    fail(
      "'source.initial_path' works with 'source.regexp'; with 'source.versioned_file' use 'source.initial_version'",
    );
  if (source.versioned_file && source.order_by)
    fail(
      "'source.order_by' works with 'source.regexp' only: versioned files are ordered by S3 object version",
    );
  if (source.initial_content_text !== undefined && source.initial_content_binary !== undefined)
    fail("'source.initial_content_text' and 'source.initial_content_binary' cannot both be set");
  if (
    (source.initial_content_text !== undefined || source.initial_content_binary !== undefined) &&
    !source.initial_path &&
    !source.initial_version
  )
    fail("initial content needs 'source.initial_path' (regexp) or 'source.initial_version' (versioned_file)");
  if (
    source.initial_content_binary !== undefined &&
    !/^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(source.initial_content_binary)
  )
    fail("invalid 'source.initial_content_binary': expected base64");
  if (source.sse_kms_key_id && source.server_side_encryption === 'AES256')
    fail("'source.sse_kms_key_id' needs 'source.server_side_encryption' aws:kms or aws:kms:dsse, not AES256");
  if (source.versioned_file) {
    if (source.versioned_file.startsWith('/'))
      fail(`invalid 'source.versioned_file': S3 keys never start with '/' ('${source.versioned_file}')`);
    return { kind: 'versioned_file', key: source.versioned_file };
  }
  const orderBy = source.order_by ?? 'version';
  const regexp = parseRegexp(source.regexp ?? '', { requireCapture: orderBy === 'version' });
  if (source.initial_path && !regexp.match(source.initial_path))
    fail(`'source.initial_path' '${source.initial_path}' does not match 'source.regexp' ${regexp.source}`);
  return { kind: 'regexp', regexp, orderBy };
}

/** The bytes `in` writes for an initial version (empty by default). */
export function initialContent(source: Source): Buffer {
  if (source.initial_content_binary !== undefined)
    return Buffer.from(source.initial_content_binary, 'base64');
  return Buffer.from(source.initial_content_text ?? '', 'utf8');
}
