// The github-release resource's configuration: what pipelines may write under source and params.
import * as z from 'zod/mini';

/** A boolean that may also arrive as the string "true"/"false", as YAML-templated pipelines send. */
const flag = z.optional(z.union([z.boolean(), z.enum(['true', 'false'])]));
export type Flag = z.output<typeof flag>;
/** `undefined` gives `fallback`. */
export const isOn = (value: Flag, fallback = false): boolean =>
  value === undefined ? fallback : value === true || value === 'true';

const url = z.url().check(z.maxLength(2048));
const name = z.string().check(z.minLength(1), z.maxLength(200));
const path = z.string().check(z.minLength(1), z.maxLength(4096));
const globs = z.array(z.string().check(z.minLength(1), z.maxLength(1024)));

export const sourceSchema = z.strictObject({
  /** Repository owner (user or organisation). */
  owner: z.optional(name),
  /** Deprecated alias of `owner`; wins when both are set, as in the reference. */
  user: z.optional(name),
  repository: name,
  /** Token with `contents` access. A secret. */
  access_token: z.optional(z.string().check(z.minLength(1), z.maxLength(1024))),
  /** GitHub App authentication (instead of `access_token`): the app's id or client id, */
  app_id: z.optional(
    z.union([z.int().check(z.positive()), z.string().check(z.minLength(1), z.maxLength(64))]),
  ),
  /** the installation of the app on the repository's owner, */
  installation_id: z.optional(
    z.union([z.int().check(z.positive()), z.string().check(z.regex(/^\d{1,20}$/))]),
  ),
  /** and the app's PEM private key. A secret. */
  private_key: z.optional(z.string().check(z.minLength(1), z.maxLength(16384))),
  /** REST base URL for GitHub Enterprise Server (`https://ghe.example/api/v3/`). */
  github_api_url: z.optional(url),
  /** Accepted for compatibility; this resource uses only the REST API. */
  github_v4_api_url: z.optional(url),
  /** Uploads host (default: uploads.github.com, or the API URL on GitHub Enterprise). */
  github_uploads_url: z.optional(url),
  insecure: flag,
  release: flag,
  pre_release: flag,
  drafts: flag,
  /** Regular expression a tag must match; its last capture group is the version. */
  tag_filter: z.optional(z.string().check(z.minLength(1), z.maxLength(1024))),
  semver_constraint: z.optional(z.string().check(z.minLength(1), z.maxLength(256))),
  order_by: z.optional(z.enum(['version', 'time'])),
  asset_dir: flag,
  /** Tags that have no release are versions too (`{tag}` only); get writes tag, version, commit_sha. */
  include_tags_without_release: flag,
});
export type Source = z.output<typeof sourceSchema>;

export const getParamsSchema = z.strictObject({
  /** Globs matched against asset names (default: every asset). */
  globs: z.optional(globs),
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
  tag_prefix: z.optional(z.string().check(z.maxLength(100))),
  /** File holding the commit (SHA, branch or tag) to tag when the tag does not exist yet. */
  commitish: z.optional(path),
  /** File holding the release notes. */
  body: z.optional(path),
  /** Globs of files (relative to the build's directory) to upload as assets. */
  globs: z.optional(globs),
  generate_release_notes: flag,
  /** `same-name` (default) replaces only assets being uploaded; `all` deletes every asset first. */
  replace_assets: z.optional(z.enum(['same-name', 'all'])),
  /**
   * Create as a draft, upload the assets, then publish. Default: when the repository has
   * immutable releases on. `false` publishes first (the reference's order).
   */
  publish_after_upload: flag,
  /** Whether GitHub marks the release as the repository's latest; `legacy` decides by date and version. */
  make_latest: z.optional(z.union([z.boolean(), z.enum(['true', 'false', 'legacy'])])),
});
export type PutParams = z.output<typeof putParamsSchema>;
