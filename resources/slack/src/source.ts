// The slack resource's configuration: what pipelines may write under source and params.
import * as z from 'zod/mini';

/** A boolean that may also arrive as the string "true"/"false", as the bash resource accepted. */
const flag = z.optional(z.union([z.boolean(), z.enum(['true', 'false'])]));
export type Flag = z.output<typeof flag>;
export const isOn = (value: Flag): boolean => value === true || value === 'true';

const objects = z.array(z.record(z.string(), z.unknown()));
/** Bounds that no real value reaches, so absurd input is refused up front. */
const url = z.url().check(z.maxLength(2048));

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
  url: z.optional(url),
  /** Bot token (`xoxb-…`): post with chat.postMessage instead of a webhook. A secret. */
  token: z.optional(z.string().check(z.minLength(1), z.maxLength(512))),
  /** Web API base URL, for Slack-compatible servers and tests. */
  api_url: z.optional(url),
  /** Default channel in token mode. */
  channel: z.optional(z.string().check(z.maxLength(200))),
  insecure: flag,
  proxy: z.optional(url),
  proxy_https_tunnel: flag,
  ca_certs: z.optional(z.array(z.strictObject({ domain: z.string(), cert: z.string() }))),
  disable: flag,
  /** Attempts after the first for rate limits, 5xx and network errors (default 3). */
  retries: z.optional(z.int().check(z.minimum(0), z.maximum(10))),
  /** Seconds per HTTP request (default 30). */
  timeout: z.optional(z.int().check(z.minimum(1), z.maximum(600))),
});
export type Source = z.output<typeof sourceSchema>;

export const getParamsSchema = z.strictObject({});

export const putParamsSchema = z.strictObject({
  text: z.optional(z.string()),
  text_file: z.optional(z.string()),
  attachments: z.optional(objects),
  attachments_file: z.optional(z.string()),
  channel: z.optional(z.string()),
  channel_file: z.optional(z.string()),
  username: z.optional(z.string()),
  icon_url: z.optional(z.string()),
  icon_emoji: z.optional(z.string()),
  link_names: flag,
  env_file: z.optional(z.string()),
  silent: flag,
  redact_hook_url: flag,
  always_notify: flag,
  metadata: flag,
  payload_in_metadata: flag,
  debug: flag,
  // Beyond the bash resource:
  blocks: z.optional(objects),
  blocks_file: z.optional(z.string()),
  alert_type: z.optional(z.enum(ALERT_TYPES)),
  thread_ts: z.optional(z.string()),
  thread_file: z.optional(z.string()),
  reply_broadcast: flag,
  update: flag,
});
export type PutParams = z.output<typeof putParamsSchema>;
