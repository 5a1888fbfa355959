// The configuration users write: `source`, get `params` and put `params`, field for field as in
// concourse/git-resource (plus `known_hosts`, `push_retries` and `apply_check_filters`), read as
// its bash scripts read them with `jq -r`: `"2"` is 2, `"true"` is true, `null` is unset.
// Unknown keys: the reference rejects unknown top-level `source` keys in check and unknown
// `params` keys in in and out; every other unknown key it ignores, and so do we, with a warning.
import * as z from 'zod/mini';
import { ConfigError, jqBoolean, jqNumber, jqString, parseConfig, type Logger } from '@hangar/resource-sdk';

const text = jqString();
const flag = jqBoolean();
/** A list the reference reads with `(.x // [])[]`: `null` is an empty list. */
const texts = jqString(z.array(z.string()));

/** The fields of each object schema; `strict` decides what its nested objects do with unknown keys. */
function sourceShape(strict: boolean) {
  const object = strict ? z.strictObject : z.looseObject;
  // One shape for both kinds, as the reference reads them: an entry with host, username and
  // password is a host's HTTP credential; an entry with url holds the key for that submodule.
  const submoduleCredential = object({
    host: text,
    username: text,
    password: text,
    url: text,
    private_key: text,
    private_key_passphrase: text,
  });
  return {
    uri: z.string(),
    branch: text,
    private_key: text,
    private_key_user: text,
    private_key_passphrase: text,
    forward_agent: flag,
    known_hosts: text,
    username: text,
    password: text,
    paths: texts,
    ignore_paths: texts,
    sparse_paths: texts,
    skip_ssl_verification: flag,
    tag_filter: text,
    tag_regex: text,
    tag_behaviour: jqString(z.enum(['match_tagged', 'match_tag_ancestors'])),
    fetch_tags: flag,
    submodule_credentials: jqString(z.array(submoduleCredential)),
    git_config: jqString(z.array(object({ name: z.string(), value: z.string() }))),
    disable_ci_skip: flag,
    commit_verification_keys: texts,
    commit_verification_key_ids: texts,
    gpg_keyserver: text,
    git_crypt_key: text,
    https_tunnel: jqString(
      object({ proxy_host: text, proxy_port: text, proxy_user: text, proxy_password: text }),
    ),
    commit_filter: jqString(
      object({ include: texts, include_all_match: flag, exclude: texts, exclude_all_match: flag }),
    ),
    version_depth: jqNumber(z.int().check(z.minimum(1))),
    search_remote_refs: flag,
    debug: flag,
  };
}

/** What every script accepts: unknown keys pass (check rejects top-level ones itself). */
export const sourceSchema = z.looseObject(sourceShape(false));
/** Check, as the reference: unknown top-level keys are errors, nested ones are not. */
const checkSource = z.strictObject(sourceShape(false));
/** Every unknown key, nested ones too: the source of the warnings. */
const strictSource = z.strictObject(sourceShape(true));

export const getParamsSchema = z.strictObject({
  depth: jqNumber(z.int()),
  fetch: texts,
  fetch_tags: flag,
  submodules: jqString(z.union([z.enum(['all', 'none']), z.array(z.string())])),
  submodule_recursive: flag,
  submodule_remote: flag,
  disable_git_lfs: flag,
  clean_tags: flag,
  short_ref_format: text,
  timestamp_format: text,
  describe_ref_options: text,
  all_branches: flag,
  debug: flag,
});

export const putParamsSchema = z.strictObject({
  repository: z.string(),
  branch: text,
  refs_prefix: text,
  tag: text,
  tag_prefix: text,
  annotate: text,
  only_tag: flag,
  force: flag,
  rebase: flag,
  rebase_strategy: text,
  rebase_strategy_option: jqString(z.union([z.string(), z.array(z.string())])),
  merge: flag,
  /** `unmerged` returns the original commit; any other value means `merged`, as in the reference. */
  returning: text,
  notes: text,
  push_options: texts,
  push_retries: jqNumber(z.int().check(z.minimum(0), z.maximum(50))),
  apply_check_filters: flag,
  debug: flag,
});

export type Source = z.output<typeof sourceSchema>;
export type GetParams = z.output<typeof getParamsSchema>;
export type PutParams = z.output<typeof putParamsSchema>;

/**
 * Unknown keys in `source`: in check, a top-level one fails as in the reference; any other is
 * named in a warning with the nearest known key, and ignored.
 */
export function reportUnknownSourceKeys(source: Source, script: 'check' | 'in' | 'out', log: Logger): void {
  if (script === 'check') parseConfig(checkSource, source, 'source');
  try {
    parseConfig(strictSource, source, 'source');
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    log.warn(`${error.message}: ignored, as the reference ignores it`);
  }
}

/** Keys whose values are secrets beyond the SDK's default pattern. */
export const SECRET_KEYS = [
  'private_key',
  'password',
  'git_crypt_key',
  'private_key_passphrase',
  'proxy_password',
];
