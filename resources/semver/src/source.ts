// Schemas of `source`, get params and put params. One flat `source` object for every driver (as
// the reference reads it), so a typo gets a "did you mean" from the SDK; which fields a driver
// needs, and which it does not use, is checked per driver in drivers/index.ts. The reference
// decodes everything with Go's encoding/json: `""`, `false`, `0` and `null` mean "not set".
import * as z from 'zod/mini';
import { goOptional } from '@hangar/resource-sdk';
import { CHECKSUM_ALGORITHMS } from '@hangar/s3-client';

export const DRIVERS = ['git', 'git-tag', 's3', 'gcs', 'swift'] as const;
export type DriverName = (typeof DRIVERS)[number];

const unsetString = goOptional(z.string());
const flag = goOptional(z.boolean());
/** Fields the reference does not have: their zero values mean something (`tag_prefix: ""`). */
const ours = z.optional;

const openstackScope = z.strictObject({
  project_id: unsetString,
  project_name: unsetString,
  domain_id: unsetString,
  domain_name: unsetString,
  system: flag,
  trust_id: unsetString,
});

const openstackFields = z.strictObject({
  container: unsetString,
  item_name: unsetString,
  region: unsetString,
  identity_endpoint: unsetString,
  username: unsetString,
  user_id: unsetString,
  password: unsetString,
  domain_id: unsetString,
  domain_name: unsetString,
  tenant_id: unsetString,
  tenant_name: unsetString,
  allow_reauth: flag,
  token_id: unsetString,
  passcode: unsetString,
  scope: goOptional(openstackScope),
  application_credential_id: unsetString,
  application_credential_name: unsetString,
  application_credential_secret: unsetString,
});

export const sourceSchema = z.strictObject({
  driver: goOptional(z.enum(DRIVERS)),
  initial_version: unsetString,

  // git and git-tag
  uri: unsetString,
  branch: unsetString,
  file: unsetString,
  private_key: unsetString,
  private_key_passphrase: ours(z.string()),
  username: unsetString,
  password: unsetString,
  git_user: unsetString,
  commit_message: unsetString,
  tag_prefix: ours(z.string()),
  known_hosts: ours(z.string()),

  // s3 (the shared client fields) and gcs
  // The s3 client fields (@hangar/s3-client), read here as the reference's Go reads them.
  access_key_id: unsetString,
  secret_access_key: unsetString,
  session_token: unsetString,
  region_name: unsetString,
  endpoint: unsetString,
  disable_ssl: flag,
  skip_ssl_verification: flag,
  ca_bundle: ours(z.string()),
  use_path_style: ours(z.boolean()),
  skip_s3_checksums: flag,
  checksum_algorithm: goOptional(z.enum(CHECKSUM_ALGORITHMS)),
  max_attempts: ours(z.int().check(z.minimum(1), z.maximum(50))),
  bucket: unsetString,
  key: unsetString,
  assume_role_arn: unsetString,
  server_side_encryption: unsetString,
  json_key: unsetString,
  token: unsetString,
  gcs_endpoint: unsetString,

  // swift
  openstack: goOptional(openstackFields),
});

export type Source = z.output<typeof sourceSchema>;

const bumpFields = {
  // A plain string: the reference ignores values it does not know, and so do we (with a warning).
  bump: unsetString,
  pre: unsetString,
  pre_without_version: flag,
  build: unsetString,
  build_without_version: flag,
};

export const getParamsSchema = z.strictObject(bumpFields);
export type GetParams = z.output<typeof getParamsSchema>;

export const putParamsSchema = z.strictObject({
  ...bumpFields,
  file: unsetString,
  get_latest: flag,
});
export type PutParams = z.output<typeof putParamsSchema>;

/** Secrets the SDK's name pattern would miss. */
export const SECRET_KEYS = ['json_key', 'private_key_passphrase', 'passcode', 'token_id'] as const;
