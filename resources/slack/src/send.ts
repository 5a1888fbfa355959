// Delivery to Slack through the vendor's clients: incoming webhooks (@slack/webhook) or the Web
// API (@slack/web-api). Rate limits (429, honouring Retry-After), 5xx and network failures are
// retried a bounded number of times; anything else fails at once with Slack's error code.
import { setTimeout as sleep } from 'node:timers/promises';
import { LogLevel, WebClient, type Logger as SlackLogger } from '@slack/web-api';
import { IncomingWebhook, type IncomingWebhookSendArguments } from '@slack/webhook';
import {
  RemoteError,
  UnexpectedAnswer,
  describeUnexpectedAnswer,
  withRetry,
  type Logger,
  type Redactor,
} from '@hangar/resource-sdk';
import { WEBHOOK_ACCEPTED, checkWebApiAnswer } from './answers.js';
import type { MessageContent, Thread } from './message.js';
import type { SlackFetch } from './transport.js';

/** Longest Retry-After we honour; Slack asks for seconds, rarely more than a minute. */
const MAX_RETRY_AFTER_MS = 60_000;

export interface Posted {
  /** The channel id Slack answered with (Web API only). */
  channel?: string;
  ts?: string;
  /** Slack's answer in a word: `ok` for a webhook, the ts for the Web API. */
  summary: string;
}

/** A failure worth another attempt, possibly after the server's Retry-After. */
class TransientError extends RemoteError {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

interface SenderOptions {
  fetch: SlackFetch;
  retries: number;
  timeoutMs: number;
  log: Logger;
  redactor: Redactor;
  signal: AbortSignal;
}

export interface Sender {
  post(
    content: MessageContent,
    channel: string | undefined,
    thread?: Thread & { broadcast: boolean },
  ): Promise<Posted>;
  update(content: MessageContent, channel: string, ts: string): Promise<Posted>;
}

async function withSlackRetry<T>(
  what: string,
  options: SenderOptions,
  task: () => Promise<T>,
  classify: (error: unknown) => Error,
): Promise<T> {
  let waitMs = 0;
  return withRetry(
    async () => {
      if (waitMs > 0) await sleep(waitMs, undefined, { signal: options.signal });
      waitMs = 0;
      try {
        return await task();
      } catch (error) {
        const failure = classify(error);
        if (failure instanceof TransientError && failure.retryAfterMs !== undefined)
          waitMs = Math.min(failure.retryAfterMs, MAX_RETRY_AFTER_MS);
        throw failure;
      }
    },
    {
      retries: options.retries,
      minDelayMs: 100,
      maxDelayMs: 5_000,
      signal: options.signal,
      shouldRetry: (error) => error instanceof TransientError,
      onRetry: (error, attempt) =>
        options.log.warn(`${what}: ${(error as Error).message}; retrying (attempt ${attempt + 1})`),
    },
  );
}

/** "fetch failed: ECONNREFUSED" rather than a bare "fetch failed". */
export function networkDetail(error: Error | undefined): string {
  if (!error) return 'unknown network error';
  const cause = error.cause as { code?: string; message?: string } | undefined;
  return cause ? `${error.message}: ${cause.code ?? cause.message ?? ''}` : error.message;
}

const retryAfterMs = (header: string | null | undefined): number | undefined => {
  const seconds = Number(header);
  return header && Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
};

/**
 * The reference's webhook body: all seven keys, unset ones `null` (Slack and Mattermost take them
 * so), `link_names` false unless on; blocks, which it has no param for, only when given.
 */
export function webhookBody(content: MessageContent, channel: string | undefined): Record<string, unknown> {
  return {
    text: content.text ?? null,
    username: content.username ?? null,
    link_names: content.link_names ?? false,
    icon_url: content.icon_url ?? null,
    icon_emoji: content.icon_emoji ?? null,
    channel: channel ?? null,
    attachments: content.attachments ?? null,
    ...(content.blocks ? { blocks: content.blocks } : {}),
  };
}

export function webhookSender(url: string, options: SenderOptions): Sender {
  // The webhook client hides the response's status and headers; keep them ourselves.
  let lastRetryAfter: string | null = null;
  let lastStatus = 0;
  const observingFetch: SlackFetch = async (target, init) => {
    const response = await options.fetch(target, init);
    lastRetryAfter = response.headers.get('retry-after');
    lastStatus = response.status;
    return response;
  };
  const endpoint = `POST ${new URL(url).origin}/…`;
  const hook = new IncomingWebhook(url, {
    fetch: observingFetch,
    timeout: options.timeoutMs,
    retryConfig: { retries: 0 },
  });
  const classify = (error: unknown): Error => {
    const failure = error as { statusCode?: number; body?: string; original?: Error; message?: string };
    if (failure.original instanceof UnexpectedAnswer) return failure.original;
    if (typeof failure.statusCode === 'number') {
      const detail = `Slack answered ${failure.statusCode} ${(failure.body ?? '').trim() || '(empty body)'}`;
      if (failure.statusCode === 429)
        return new TransientError(detail, retryAfterMs(lastRetryAfter) ?? 1_000);
      if (failure.statusCode >= 500) return new TransientError(detail);
      return new RemoteError(detail);
    }
    return new TransientError(`cannot reach Slack: ${networkDetail(failure.original ?? (error as Error))}`);
  };
  return {
    async post(content, channel) {
      // As the reference posts it: without link_names unless on (Mattermost rejects the key).
      const payload = webhookBody(content, channel);
      if (payload['link_names'] !== true) delete payload['link_names'];
      const { text } = await withSlackRetry(
        'webhook post',
        options,
        () => hook.send(payload as unknown as IncomingWebhookSendArguments),
        classify,
      );
      // Any 2xx is success, as with the reference's curl; other servers may answer differently.
      if (text !== WEBHOOK_ACCEPTED) {
        const answered = `${endpoint} answered ${lastStatus}`;
        const problem = `not '${WEBHOOK_ACCEPTED}'; the message may not have arrived`;
        options.log.warn(describeUnexpectedAnswer(answered, problem, text ?? '', options.redactor));
      }
      return { summary: text === WEBHOOK_ACCEPTED ? 'ok' : `HTTP ${lastStatus}` };
    },
    update() {
      return Promise.reject(new RemoteError('incoming webhooks cannot update messages'));
    },
  };
}

function routeLogs(log: Logger): SlackLogger {
  const line = (parts: unknown[]) =>
    parts.map((part) => (typeof part === 'string' ? part : JSON.stringify(part))).join(' ');
  return {
    debug: (...parts) => log.debug(`slack: ${line(parts)}`),
    info: (...parts) => log.debug(`slack: ${line(parts)}`),
    warn: (...parts) => log.debug(`slack: ${line(parts)}`),
    error: (...parts) => log.warn(`slack: ${line(parts)}`),
    setLevel: () => {},
    getLevel: () => LogLevel.DEBUG,
    setName: () => {},
  };
}

export function webApiSender(token: string, apiUrl: string, options: SenderOptions): Sender {
  // Each answer is checked here, before the client parses it (it would make a garbled body an
  // `ok: false` whose error is the whole body).
  const checkingFetch: SlackFetch = async (target, init) => {
    const response = await options.fetch(target, init);
    if (response.status === 200) {
      const answered = `POST ${new URL(target).pathname} answered 200`;
      checkWebApiAnswer(answered, await response.clone().text(), options.redactor);
    }
    return response;
  };
  const client = new WebClient(token, {
    slackApiUrl: apiUrl,
    fetch: checkingFetch,
    timeout: options.timeoutMs,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    allowAbsoluteUrls: false,
    logger: routeLogs(options.log),
    logLevel: LogLevel.DEBUG,
  });
  const classify = (error: unknown): Error => {
    const failure = error as {
      code?: string;
      data?: { error?: string };
      retryAfter?: number;
      statusCode?: number;
      original?: Error;
      message?: string;
    };
    if (failure.original instanceof UnexpectedAnswer) return failure.original;
    switch (failure.code) {
      case 'slack_webapi_platform_error':
        return new RemoteError(`Slack refused the call: ${failure.data?.error ?? 'unknown_error'}`);
      case 'slack_webapi_rate_limited_error':
        return new TransientError('Slack answered 429 ratelimited', (failure.retryAfter ?? 1) * 1000);
      case 'slack_webapi_http_error':
        return (failure.statusCode ?? 0) >= 500
          ? new TransientError(`Slack answered HTTP ${failure.statusCode}`)
          : new RemoteError(`Slack answered HTTP ${failure.statusCode}`);
      case 'slack_webapi_request_error':
        return new TransientError(
          `cannot reach Slack: ${networkDetail(failure.original ?? (error as Error))}`,
        );
      default:
        return new RemoteError(`Slack call failed: ${failure.message ?? String(error)}`);
    }
  };
  return {
    async post(content, channel, thread) {
      if (!channel) throw new RemoteError('no channel to post to');
      const args = {
        ...content,
        channel,
        ...(thread ? { thread_ts: thread.ts, ...(thread.broadcast ? { reply_broadcast: true } : {}) } : {}),
      };
      const result = await withSlackRetry(
        `chat.postMessage to ${channel}`,
        options,
        () => client.chat.postMessage(args as never),
        classify,
      );
      return { channel: result.channel ?? channel, ts: result.ts ?? '', summary: `ts ${result.ts}` };
    },
    async update(content, channel, ts) {
      const { username: _u, icon_url: _i, icon_emoji: _e, ...editable } = content;
      const result = await withSlackRetry(
        `chat.update of ${ts} in ${channel}`,
        options,
        () => client.chat.update({ ...editable, channel, ts } as never),
        classify,
      );
      return { channel: result.channel ?? channel, ts: result.ts ?? ts, summary: `updated ${ts}` };
    },
  };
}
