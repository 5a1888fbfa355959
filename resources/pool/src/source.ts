// The configuration users write: `source`, get `params` and put `params`, field for field as in
// concourse/pool-resource, plus `timeout`, `max_hold`, `known_hosts` and a few put params listed in
// the README's Differences section. Fields are read the way the reference reads them: `check`, `in`
// and the credential set-up of `out` are bash + `jq -r` (so `"2"` is 2 and `"true"` is true), the
// put params and `retry_delay` are decoded by Go (so `""`, `false` and `0` mean "not set").
import * as z from 'zod/mini';
import { goOptional, jqBoolean, jqNumber, jqString } from '@hangar/resource-sdk';

/** Remote, branch and pool end up in git's argv: bounded, so a pasted blob fails fast. */
const shortText = jqString(z.string().check(z.maxLength(4096)));
const text = jqString();
/** Go duration string or integer nanoseconds, as the reference's mapstructure decoding accepts. */
const duration = goOptional(z.union([z.string(), z.number().check(z.minimum(0))]));
/** A directory param (relative to the put's sources), decoded by Go: `""` means "not set". */
const directory = goOptional(z.string());

export const sourceSchema = z.strictObject({
  // Required, but checked by validateSource so that all missing ones are named at once.
  uri: shortText,
  branch: shortText,
  pool: shortText,
  private_key: text,
  private_key_user: text,
  private_key_passphrase: text,
  forward_agent: jqBoolean(),
  known_hosts: text,
  username: text,
  password: text,
  skip_ssl_verification: jqBoolean(),
  https_tunnel: z.optional(
    z.strictObject({
      proxy_host: text,
      proxy_port: jqString(),
      proxy_user: text,
      proxy_password: text,
    }),
  ),
  // `jq -r` prints a number or boolean value as its text: `http.postBuffer: 524288000` works.
  git_config: z.optional(
    z.array(z.strictObject({ name: z.string(), value: z.union([z.string(), z.number(), z.boolean()]) })),
  ),
  retry_delay: duration,
  timeout: duration,
  max_hold: duration,
});

export const getParamsSchema = z.strictObject({
  depth: jqNumber(z.int().check(z.minimum(0))),
  allow_unclaimed: jqBoolean(),
});

export const putParamsSchema = z.strictObject({
  acquire: goOptional(z.union([z.boolean(), z.int().check(z.minimum(1), z.maximum(100))])),
  claim: directory,
  release: directory,
  release_with_metadata: goOptional(z.boolean()),
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
