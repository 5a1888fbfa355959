// The slack resource's configuration: what pipelines may write under source and params.
import * as z from 'zod/mini';
import { goOptional, jqNumber, jqString } from '@hangar/resource-sdk';

// Read as the bash reference reads with `jq -r`: `null` is unset, `"true"` is true, a number is
// its text where a string is expected, `"2"` is 2. A flag is on only when it is `true`/`"true"`:
// the reference compares the text with "true", so `"yes"`, `1` or `"on"` are off.
const isUnset = (value: unknown): boolean => value === undefined || value === null || value === '';
const flag = z.pipe(
  z.transform((value) => (isUnset(value) ? undefined : value === true || value === 'true')),
  z.optional(z.boolean()),
);
export type Flag = z.output<typeof flag>;
export const isOn = (value: Flag): boolean => value === true;

const text = jqString();
const objectList = z.array(z.record(z.string(), z.unknown()));
/** A JSON array of objects, inline or as its JSON text (the reference inserts the text as it is). */
const objects = goOptional(
  z.pipe(
    z.transform((value) => {
      if (typeof value !== 'string') return value;
      try {
        return JSON.parse(value) as unknown;
      } catch {
        return value;
      }
    }),
    z.optional(objectList),
  ),
);
/** Bounds that no real value reaches, so absurd input is refused up front. */
const url = goOptional(z.url().check(z.maxLength(2048)));
const count = (min: number, max: number) => jqNumber(z.int().check(z.minimum(min), z.maximum(max)));

export const ALERT_TYPES = [
  'auto',
  'default',
  'success',
  'failed',
  'errored',
  'aborted',
  'started',
  'fixed',
  'broke',
] as const;
export type AlertType = (typeof ALERT_TYPES)[number];

export const sourceSchema = z.strictObject({
  /** Incoming-webhook URL (Slack or Mattermost). A secret. */
  url,
  /** Bot token (`xoxb-…`): post with chat.postMessage instead of a webhook. A secret. */
  token: goOptional(z.string().check(z.minLength(1), z.maxLength(512))),
  /** Web API base URL, for Slack-compatible servers and tests. */
  api_url: url,
  /** Default channel in token mode. */
  channel: jqString(z.string().check(z.maxLength(200))),
  insecure: flag,
  proxy: url,
  proxy_https_tunnel: flag,
  ca_certs: goOptional(z.array(z.strictObject({ domain: text, cert: z.string() }))),
  disable: flag,
  /** Attempts after the first for rate limits, 5xx and network errors (default 3). */
  retries: count(0, 10),
  /** Seconds per HTTP request (default 30). */
  timeout: count(1, 600),
});
export type Source = z.output<typeof sourceSchema>;

export const getParamsSchema = z.strictObject({});

export const putParamsSchema = z.strictObject({
  text: text,
  text_file: text,
  attachments: z.optional(objects),
  attachments_file: text,
  channel: text,
  channel_file: text,
  username: text,
  icon_url: text,
  icon_emoji: text,
  link_names: flag,
  env_file: text,
  silent: flag,
  redact_hook_url: flag,
  always_notify: flag,
  metadata: flag,
  payload_in_metadata: flag,
  debug: flag,
  // Beyond the bash resource:
  blocks: z.optional(objects),
  blocks_file: text,
  alert_type: goOptional(z.enum(ALERT_TYPES)),
  thread_ts: text,
  thread_file: text,
  reply_broadcast: flag,
  update: flag,
});
export type PutParams = z.output<typeof putParamsSchema>;
