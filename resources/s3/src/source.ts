// Schemas of the s3 resource's `source`, get `params` and put `params`, and the rules that tie
// fields together. Everything here runs before the first request to the store.
import { ConfigError, goOptional, jqString } from '@hangar/resource-sdk';
import { s3ConnectionFields } from '@hangar/s3-client';
import * as z from 'zod/mini';
import { parseRegexp, type KeyRegexp } from './key-regexp.js';

// The Go reference decodes every field into a struct: `""`, `0`, `false` and `null` are "not set"
// (goOptional), so a request with every optional field empty behaves as if they were absent.

/** S3 keys are at most 1024 bytes. */
const objectKey = () => z.string().check(z.maxLength(1024));

/** `true`/`false` as YAML booleans or as strings (the reference reads booleans only). */
const flexibleBoolean = () => goOptional(z.union([z.boolean(), z.enum(['true', 'false'])]));

/** What Go's strconv.ParseBool reads: get's `skip_download` is a string in the reference. */
const GO_BOOL_TEXT = [
  '1',
  't',
  'T',
  'TRUE',
  'true',
  'True',
  '0',
  'f',
  'F',
  'FALSE',
  'false',
  'False',
] as const;

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
  regexp: goOptional(z.string()),
  versioned_file: goOptional(objectKey()),
  order_by: goOptional(z.enum(['version', 'last_modified'])),
  aws_role_arn: goOptional(z.string()),
  enable_aws_creds_provider: goOptional(z.boolean()),
  private: goOptional(z.boolean()),
  server_side_encryption: goOptional(z.enum(SERVER_SIDE_ENCRYPTION)),
  sse_kms_key_id: goOptional(z.string()),
  disable_multipart: goOptional(z.boolean()),
  part_size_mb: goOptional(z.int().check(z.minimum(5), z.maximum(5120))),
  skip_download: goOptional(z.boolean()),
  initial_path: goOptional(objectKey()),
  initial_version: goOptional(z.string()),
  initial_content_text: goOptional(z.string()),
  initial_content_binary: goOptional(z.string()),
  cloudfront_url: goOptional(z.string()),
  use_v2_signing: goOptional(z.boolean()),
});
export type Source = z.output<typeof sourceSchema>;

export const getParamsSchema = z.strictObject({
  // A string in the reference (read with strconv.ParseBool); YAML booleans are taken as their text.
  skip_download: jqString(goOptional(z.enum(GO_BOOL_TEXT))),
  unpack: flexibleBoolean(),
  download_tags: flexibleBoolean(),
});
export type GetParams = z.output<typeof getParamsSchema>;

const stringMap = () => goOptional(z.record(z.string().check(z.minLength(1)), z.string()));

export const putParamsSchema = z.strictObject({
  file: goOptional(z.string()),
  // Sent as given, as the reference does (the store judges it); `none` (ours) sends no ACL
  // header; unset or "" is `private`, as in the reference.
  acl: goOptional(z.string()),
  content_type: goOptional(z.string()),
  cache_control: goOptional(z.string()),
  content_encoding: goOptional(z.string()),
  content_disposition: goOptional(z.string()),
  metadata: stringMap(),
  tags: stringMap(),
  from: goOptional(z.string()),
  to: goOptional(z.string()),
});
export type PutParams = z.output<typeof putParamsSchema>;

/** A boolean param given as a boolean, `"true"`/`"false"`, or Go's strconv.ParseBool text. */
export const asBoolean = (value: boolean | string | undefined): boolean | undefined =>
  value === undefined ? undefined : value === true || /^(1|t|true)$/i.test(String(value));

/** The mode a source selects, with its compiled regexp where there is one. */
export type Mode =
  | { kind: 'regexp'; regexp: KeyRegexp; orderBy: 'version' | 'last_modified' }
  | { kind: 'versioned_file'; key: string }
  /** Neither: only `put` has a use for it, writing where `file`/`from` and `to` say. */
  | { kind: 'none' };

/** The reference's cross-field rules (plus `order_by`, ours); returns the mode. */
export function resolveMode(source: Source): Mode {
  const fail = (message: string): never => {
    throw new ConfigError(message);
  };
  if (source.regexp && source.versioned_file)
    fail(
      "'source.regexp' and 'source.versioned_file' cannot both be set: please specify either regexp or versioned_file",
    );
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
  if (source.initial_content_text && source.initial_content_binary)
    fail("'source.initial_content_text' and 'source.initial_content_binary' cannot both be set");
  if (
    (source.initial_content_text || source.initial_content_binary) &&
    !source.initial_path &&
    !source.initial_version
  )
    fail("initial content needs 'source.initial_path' (regexp) or 'source.initial_version' (versioned_file)");
  if (source.versioned_file) return { kind: 'versioned_file', key: source.versioned_file };
  if (!source.regexp) return { kind: 'none' };
  return { kind: 'regexp', regexp: parseRegexp(source.regexp), orderBy: source.order_by ?? 'version' };
}

/** The bytes `in` writes for an initial version (empty by default). */
export function initialContent(source: Source): Buffer {
  const binary = source.initial_content_binary;
  if (binary === undefined) return Buffer.from(source.initial_content_text ?? '', 'utf8');
  // As the reference's Go decoder (base64.StdEncoding): line breaks are skipped, padding is
  // required, any other character (a space too) is an error.
  const text = binary.replace(/[\r\n]/g, '');
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text))
    throw new ConfigError(
      "invalid 'source.initial_content_binary': expected standard base64 with its '=' padding",
    );
  return Buffer.from(text, 'base64');
}
