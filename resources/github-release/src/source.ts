// The github-release resource's configuration: what pipelines may write under source and params.
import * as z from 'zod/mini';
import { goOptional, jqBoolean } from '@hangar/resource-sdk';

// Read as the Go reference decodes its structs: `""`, `0`, `false` and `null` are unset. Booleans
// also take "true"/"false" (YAML-templated pipelines send them); `null` and `""` are unset, and
// `false` stays false (`release` defaults to true).
const flag = jqBoolean();
export type Flag = z.output<typeof flag>;
/** `undefined` gives `fallback`. */
export const isOn = (value: Flag, fallback = false): boolean => value ?? fallback;

const url = goOptional(z.url().check(z.maxLength(2048)));
const name = z.string().check(z.minLength(1), z.maxLength(200));
const optionalName = goOptional(name);
const path = z.string().check(z.minLength(1), z.maxLength(4096));
const optionalPath = goOptional(path);
const globs = goOptional(z.array(z.string().check(z.minLength(1), z.maxLength(1024))));
const text = (max: number) => goOptional(z.string().check(z.minLength(1), z.maxLength(max)));

export const sourceSchema = z.strictObject({
  /** Repository owner (user or organisation). */
  owner: optionalName,
  /** Deprecated alias of `owner`; wins when both are set, as in the reference. */
  user: optionalName,
  repository: name,
  /** Token with `contents` access. A secret. */
  access_token: text(1024),
  /** GitHub App authentication (instead of `access_token`): the app's id or client id, */
  app_id: goOptional(
    z.union([z.int().check(z.positive()), z.string().check(z.minLength(1), z.maxLength(64))]),
  ),
  /** the installation of the app on the repository's owner, */
  installation_id: goOptional(
    z.union([z.int().check(z.positive()), z.string().check(z.regex(/^\d{1,20}$/))]),
  ),
  /** and the app's PEM private key. A secret. */
  private_key: text(16384),
  /** REST base URL for GitHub Enterprise Server (`https://ghe.example/api/v3/`). */
  github_api_url: url,
  /** Accepted for compatibility; this resource uses only the REST API. */
  github_v4_api_url: url,
  /** Uploads host (default: uploads.github.com, or the API URL on GitHub Enterprise). */
  github_uploads_url: url,
  insecure: flag,
  release: flag,
  pre_release: flag,
  drafts: flag,
  /** Regular expression a tag must match; its last capture group is the version. */
  tag_filter: text(1024),
  semver_constraint: text(256),
  order_by: goOptional(z.enum(['version', 'time'])),
  asset_dir: flag,
  /** Tags that have no release are versions too (`{tag}` only); get writes tag, version, commit_sha. */
  include_tags_without_release: flag,
});
export type Source = z.output<typeof sourceSchema>;

export const getParamsSchema = z.strictObject({
  /** Globs matched against asset names (default: every asset). */
  globs,
  include_source_tarball: flag,
  include_source_zip: flag,
  /** Write the release's facts and metadata only: no assets, no source archives. */
  skip_download: flag,
});
export type GetParams = z.output<typeof getParamsSchema>;

export const putParamsSchema = z.strictObject({
  /** File holding the release name. */
  name: path,
  /** File holding the tag. */
  tag: path,
  tag_prefix: goOptional(z.string().check(z.maxLength(100))),
  /** File holding the commit (SHA, branch or tag) to tag when the tag does not exist yet. */
  commitish: optionalPath,
  /** File holding the release notes. */
  body: optionalPath,
  /** Globs of files (relative to the build's directory) to upload as assets. */
  globs,
  generate_release_notes: flag,
  /** `same-name` (default) replaces only assets being uploaded; `all` deletes every asset first. */
  replace_assets: goOptional(z.enum(['same-name', 'all'])),
  /**
   * Create as a draft, upload the assets, then publish. Default: when the repository has
   * immutable releases on. `false` publishes first (the reference's order).
   */
  publish_after_upload: flag,
  /** Whether GitHub marks the release as the repository's latest; `legacy` decides by date and version. */
  make_latest: z.optional(z.union([z.boolean(), z.enum(['true', 'false', 'legacy'])])),
});
export type PutParams = z.output<typeof putParamsSchema>;
