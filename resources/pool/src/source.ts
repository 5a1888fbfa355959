// The configuration users write: `source`, get `params` and put `params`, field for field as in
// concourse/pool-resource, plus `timeout`, `max_hold`, `known_hosts` and a few put params listed in
// the README's Differences section. Unknown keys are errors.
import * as z from 'zod/mini';

const text = z.string();
/** Remote, branch and pool end up in git's argv: bounded, so a pasted blob fails fast. */
const shortText = z.string().check(z.maxLength(4096));
const flag = z.optional(z.boolean());
/** Go duration string or integer nanoseconds, as the reference's mapstructure decoding accepts. */
const duration = z.optional(z.union([text, z.number().check(z.minimum(0))]));
/**
 * A directory param. The reference decodes params into Go zero values, so its tests send `""`
 * (and `false` for booleans) to mean "not set": both are accepted and ignored.
 */
const directory = z.optional(z.union([text, z.literal(false), z.null()]));

export const sourceSchema = z.strictObject({
  uri: shortText,
  branch: shortText,
  pool: shortText,
  private_key: z.optional(text),
  private_key_user: z.optional(text),
  private_key_passphrase: z.optional(text),
  forward_agent: flag,
  known_hosts: z.optional(text),
  username: z.optional(text),
  password: z.optional(text),
  skip_ssl_verification: flag,
  https_tunnel: z.optional(
    z.strictObject({
      proxy_host: z.optional(text),
      proxy_port: z.optional(z.union([text, z.number()])),
      proxy_user: z.optional(text),
      proxy_password: z.optional(text),
    }),
  ),
  git_config: z.optional(z.array(z.strictObject({ name: text, value: text }))),
  retry_delay: duration,
  timeout: duration,
  max_hold: duration,
});

export const getParamsSchema = z.strictObject({
  depth: z.optional(z.union([z.int().check(z.minimum(0)), z.literal('')])),
  allow_unclaimed: flag,
});

export const putParamsSchema = z.strictObject({
  acquire: z.optional(z.union([z.boolean(), z.int().check(z.minimum(1), z.maximum(100)), z.null()])),
  claim: directory,
  release: directory,
  add: directory,
  add_claimed: directory,
  remove: directory,
  update: directory,
  check: directory,
  check_unclaimed: directory,
  timeout: duration,
  retry_delay: duration,
});

export type Source = z.output<typeof sourceSchema>;
export type GetParams = z.output<typeof getParamsSchema>;
export type PutParams = z.output<typeof putParamsSchema>;

/** Keys whose values are secrets beyond the SDK's default pattern. */
export const SECRET_KEYS = ['private_key', 'password', 'private_key_passphrase', 'proxy_password'];
