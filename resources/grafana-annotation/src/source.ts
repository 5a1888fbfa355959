// The grafana-annotation resource's configuration: what pipelines may write under source and params.
import * as z from 'zod/mini';

/** A boolean that may also arrive as the string "true"/"false". */
const flag = z.optional(z.union([z.boolean(), z.enum(['true', 'false'])]));
export type Flag = z.output<typeof flag>;
export const isOn = (value: Flag, fallback = false): boolean =>
  value === undefined ? fallback : value === true || value === 'true';

// Bounds that no real value reaches, so absurd input is refused up front.
const tags = z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(256))));
const uid = z.string().check(z.minLength(1), z.maxLength(40));
const env = z.optional(z.record(z.string(), z.string()));

export const sourceSchema = z.strictObject({
  /** Grafana's base URL; `/api/annotations` is appended. */
  url: z.url().check(z.maxLength(2048)),
  /** Service account token, sent as a bearer token (preferred over username/password). */
  api_token: z.optional(z.string().check(z.minLength(1), z.maxLength(4096))),
  username: z.optional(z.string().check(z.minLength(1), z.maxLength(256))),
  password: z.optional(z.string().check(z.maxLength(4096))),
  tags,
  env,
  dashboard_uid: z.optional(uid),
  panel_id: z.optional(z.int().check(z.minimum(0))),
  insecure: flag,
  /** PEM certificate(s) trusted on top of the system bundle. */
  ca_cert: z.optional(z.string()),
  /** Seconds per request (default 10). */
  timeout: z.optional(z.int().check(z.minimum(1), z.maximum(300))),
  /** Attempts after the first for 429, 5xx and network errors (default 2). */
  retries: z.optional(z.int().check(z.minimum(0), z.maximum(10))),
  fail_on_error: flag,
  strict: flag,
});
export type Source = z.output<typeof sourceSchema>;

export const getParamsSchema = z.strictObject({});

export const putParamsSchema = z.strictObject({
  tags,
  env,
  template: z.optional(z.string()),
  /** Directory (or `id` file) from an earlier put of this resource: update that annotation. */
  path: z.optional(z.string().check(z.minLength(1))),
  dashboard_uid: z.optional(uid),
  panel_id: z.optional(z.int().check(z.minimum(0))),
  /** On update, replace the annotation's tags with the configured ones instead of adding to them. */
  replace_tags: flag,
  strict: flag,
  fail_on_error: flag,
});
export type PutParams = z.output<typeof putParamsSchema>;
