// The grafana-annotation resource's configuration: what pipelines may write under source and params.
import * as z from 'zod/mini';
import { goOptional, jqBoolean, jqString } from '@hangar/resource-sdk';

// Read as the Go reference decodes its structs: `""`, `0`, `false` and `null` are unset. Its
// `path` and `template` are pointers, so only `null` unsets them (`path: ""` is the put's own
// directory). Booleans (ours) also take "true"/"false".
const flag = jqBoolean();
export type Flag = z.output<typeof flag>;
export const isOn = (value: Flag, fallback = false): boolean => value ?? fallback;

// Bounds that no real value reaches, so absurd input is refused up front.
const tags = goOptional(z.array(z.string().check(z.minLength(1), z.maxLength(256))));
const uid = goOptional(z.string().check(z.minLength(1), z.maxLength(40)));
const env = goOptional(z.record(z.string(), z.string()));

export const sourceSchema = z.strictObject({
  /** Grafana's base URL; `/api/annotations` is appended. Required by out (check and in never call Grafana). */
  url: goOptional(z.url().check(z.maxLength(2048))),
  /** Service account token, sent as a bearer token (preferred over username/password). */
  api_token: goOptional(z.string().check(z.minLength(1), z.maxLength(4096))),
  username: goOptional(z.string().check(z.minLength(1), z.maxLength(256))),
  password: goOptional(z.string().check(z.maxLength(4096))),
  tags,
  env,
  dashboard_uid: uid,
  panel_id: goOptional(z.int().check(z.minimum(0))),
  insecure: flag,
  /** PEM certificate(s) trusted on top of the system bundle. */
  ca_cert: goOptional(z.string()),
  /** Seconds per request (default 10). */
  timeout: goOptional(z.int().check(z.minimum(1), z.maximum(300))),
  /** Attempts after the first for 429, 5xx and network errors (default 0, as the reference). */
  retries: goOptional(z.int().check(z.minimum(0), z.maximum(10))),
  fail_on_error: flag,
  strict: flag,
});
export type Source = z.output<typeof sourceSchema>;

export const getParamsSchema = z.strictObject({});

export const putParamsSchema = z.strictObject({
  tags,
  env,
  template: jqString(),
  /** Directory (or `id` file) from an earlier put of this resource: update that annotation. */
  path: jqString(),
  dashboard_uid: uid,
  panel_id: goOptional(z.int().check(z.minimum(0))),
  /** On update, replace the annotation's tags with the configured ones instead of adding to them. */
  replace_tags: flag,
  strict: flag,
  fail_on_error: flag,
});
export type PutParams = z.output<typeof putParamsSchema>;
