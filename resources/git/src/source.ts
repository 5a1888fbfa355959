// The configuration users write: `source`, get `params` and put `params`, field for field as in
// concourse/git-resource (plus `known_hosts`, `push_retries` and `apply_check_filters`). Unknown keys are errors.
import * as z from 'zod/mini';

const text = z.string();
const texts = z.array(z.string());
const flag = z.optional(z.boolean());

const hostCredential = z.strictObject({ host: text, username: text, password: text });
const keyCredential = z.strictObject({
  url: text,
  private_key: text,
  private_key_passphrase: z.optional(text),
});

export const sourceSchema = z.strictObject({
  uri: text,
  branch: z.optional(text),
  private_key: z.optional(text),
  private_key_user: z.optional(text),
  private_key_passphrase: z.optional(text),
  forward_agent: flag,
  known_hosts: z.optional(text),
  username: z.optional(text),
  password: z.optional(text),
  paths: z.optional(texts),
  ignore_paths: z.optional(texts),
  sparse_paths: z.optional(texts),
  skip_ssl_verification: flag,
  tag_filter: z.optional(text),
  tag_regex: z.optional(text),
  tag_behaviour: z.optional(z.enum(['match_tagged', 'match_tag_ancestors'])),
  fetch_tags: flag,
  submodule_credentials: z.optional(z.array(z.union([hostCredential, keyCredential]))),
  git_config: z.optional(z.array(z.strictObject({ name: text, value: text }))),
  disable_ci_skip: flag,
  commit_verification_keys: z.optional(texts),
  commit_verification_key_ids: z.optional(texts),
  gpg_keyserver: z.optional(text),
  git_crypt_key: z.optional(text),
  https_tunnel: z.optional(
    z.strictObject({
      proxy_host: z.optional(text),
      proxy_port: z.optional(z.union([text, z.number()])),
      proxy_user: z.optional(text),
      proxy_password: z.optional(text),
    }),
  ),
  commit_filter: z.optional(
    z.strictObject({
      include: z.optional(texts),
      include_all_match: flag,
      exclude: z.optional(texts),
      exclude_all_match: flag,
    }),
  ),
  version_depth: z.optional(z.int().check(z.minimum(1))),
  search_remote_refs: flag,
  debug: flag,
});

export const getParamsSchema = z.strictObject({
  depth: z.optional(z.int().check(z.minimum(0))),
  fetch: z.optional(texts),
  fetch_tags: flag,
  submodules: z.optional(z.union([z.enum(['all', 'none']), texts])),
  submodule_recursive: flag,
  submodule_remote: flag,
  disable_git_lfs: flag,
  clean_tags: flag,
  short_ref_format: z.optional(text),
  timestamp_format: z.optional(text),
  describe_ref_options: z.optional(text),
  all_branches: flag,
  debug: flag,
});

export const putParamsSchema = z.strictObject({
  repository: text,
  branch: z.optional(text),
  refs_prefix: z.optional(text),
  tag: z.optional(text),
  tag_prefix: z.optional(text),
  annotate: z.optional(text),
  only_tag: flag,
  force: flag,
  rebase: flag,
  rebase_strategy: z.optional(text),
  rebase_strategy_option: z.optional(z.union([text, texts])),
  merge: flag,
  returning: z.optional(z.enum(['merged', 'unmerged'])),
  notes: z.optional(text),
  push_options: z.optional(texts),
  push_retries: z.optional(z.int().check(z.minimum(0), z.maximum(50))),
  apply_check_filters: flag,
  debug: flag,
});

export type Source = z.output<typeof sourceSchema>;
export type GetParams = z.output<typeof getParamsSchema>;
export type PutParams = z.output<typeof putParamsSchema>;

/** Keys whose values are secrets beyond the SDK's default pattern. */
export const SECRET_KEYS = [
  'private_key',
  'password',
  'git_crypt_key',
  'private_key_passphrase',
  'proxy_password',
];
