// Schemas of `source`, get params and put params. One flat `source` object for every driver (as
// the reference reads it), so a typo gets a "did you mean" from the SDK; which fields a driver
// needs, and which it does not use, is checked per driver in drivers/index.ts.
import * as z from 'zod/mini';
import { s3ConnectionFields } from '@hangar/s3-client';

export const DRIVERS = ['git', 'git-tag', 's3', 'gcs', 'swift'] as const;
export type DriverName = (typeof DRIVERS)[number];

/** Upstream fixtures send `""` or `false` for "not set". */
const unsetString = z.optional(z.string());
const flag = z.optional(z.boolean());

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
  scope: z.optional(openstackScope),
  application_credential_id: unsetString,
  application_credential_name: unsetString,
  application_credential_secret: unsetString,
});

export const sourceSchema = z.strictObject({
  driver: z.optional(z.union([z.enum(DRIVERS), z.literal('')])),
  initial_version: unsetString,

  // git and git-tag
  uri: unsetString,
  branch: unsetString,
  file: unsetString,
  private_key: unsetString,
  private_key_passphrase: unsetString,
  username: unsetString,
  password: unsetString,
  git_user: unsetString,
  commit_message: unsetString,
  tag_prefix: unsetString,
  known_hosts: unsetString,

  // s3 (the shared client fields) and gcs
  ...s3ConnectionFields,
  bucket: unsetString,
  key: unsetString,
  assume_role_arn: unsetString,
  server_side_encryption: unsetString,
  json_key: unsetString,
  token: unsetString,

  // swift
  openstack: z.optional(openstackFields),
});

export type Source = z.output<typeof sourceSchema>;

const bumpFields = {
  // A plain string: applyBump names the allowed values (zod's union message would not).
  bump: z.optional(z.string()),
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
