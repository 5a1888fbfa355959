// A local Slack: the Web API methods chat.postMessage and chat.update, and incoming webhooks.
// Every request is checked the way Slack checks it (auth first, then arguments) against the
// argument types that @slack/web-api and @slack/webhook publish, and answered with Slack's real
// response and error shapes. Where Slack silently ignores an unknown argument, the fake rejects
// it: a typo in a resource should fail its tests, not vanish.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { closeServer, isPlainObject, listenLocal, mediaType, sendJson, sendText } from './http-server.js';

type ArgumentKind = 'string' | 'boolean' | 'array' | 'object';

/**
 * The arguments of `ChatPostMessageArguments` (@slack/web-api, types/request/chat.d.ts), with the
 * JSON type each takes. test/fakes-slack.test.ts fails to type-check if the two disagree.
 */
export const POST_MESSAGE_ARGUMENTS = {
  token: 'string',
  channel: 'string',
  text: 'string',
  blocks: 'array',
  attachments: 'array',
  markdown_text: 'string',
  thread_ts: 'string',
  reply_broadcast: 'boolean',
  as_user: 'boolean',
  icon_emoji: 'string',
  icon_url: 'string',
  username: 'string',
  parse: 'string',
  link_names: 'boolean',
  metadata: 'object',
  unfurl_links: 'boolean',
  unfurl_media: 'boolean',
  mrkdwn: 'boolean',
} as const satisfies Record<string, ArgumentKind>;

/** The arguments of `ChatUpdateArguments` (@slack/web-api, types/request/chat.d.ts). */
export const UPDATE_ARGUMENTS = {
  token: 'string',
  channel: 'string',
  ts: 'string',
  text: 'string',
  blocks: 'array',
  attachments: 'array',
  markdown_text: 'string',
  as_user: 'boolean',
  link_names: 'boolean',
  metadata: 'object',
  parse: 'string',
  file_ids: 'array',
  reply_broadcast: 'boolean',
} as const satisfies Record<string, ArgumentKind>;

/**
 * The payload keys of `IncomingWebhookSendArguments` (@slack/webhook, IncomingWebhook.d.ts),
 * less the client's transport options (fetch, timeout, retryConfig).
 */
export const WEBHOOK_ARGUMENTS = {
  username: 'string',
  icon_emoji: 'string',
  icon_url: 'string',
  channel: 'string',
  text: 'string',
  link_names: 'boolean',
  attachments: 'array',
  blocks: 'array',
  unfurl_links: 'boolean',
  unfurl_media: 'boolean',
  metadata: 'object',
} as const satisfies Record<string, ArgumentKind>;

const CONTENT_KEYS = ['text', 'blocks', 'attachments', 'markdown_text'] as const;

export interface SlackMessage {
  channel: string;
  ts: string;
  text?: string;
  blocks?: unknown[];
  attachments?: unknown[];
  thread_ts?: string;
  username?: string;
  icon_emoji?: string;
  icon_url?: string;
  /** How it arrived. */
  via: 'api' | 'webhook';
  /** Set when chat.update changed it. */
  edited?: boolean;
}

/** One request as the fake saw it, with what it answered. */
export interface SlackRequest {
  kind: 'api' | 'webhook';
  /** `chat.postMessage`, or the webhook's path. */
  method: string;
  headers: IncomingMessage['headers'];
  /** The arguments after decoding (form values JSON-decoded where Slack does it). */
  args: Record<string, unknown>;
  rawBody: string;
  status: number;
  response: unknown;
}

/** A failure served instead of the next request's normal answer. */
export type SlackFailure =
  { status: 429; retryAfter: number } | { status: 500 | 502 | 503 } | { error: string };

export interface FakeSlackOptions {
  /** Bot tokens that authenticate (default: `xoxb-0000-fake`). */
  tokens?: readonly string[];
  /** Channel names (without `#`) that exist, with their ids (default: general, develop, ops). */
  channels?: Readonly<Record<string, string>>;
}

type WebhookState = 'active' | 'revoked' | 'disabled';

class SlackApiError extends Error {
  constructor(
    readonly code: string,
    readonly detail?: string,
  ) {
    super(code);
  }
}

export class FakeSlack {
  readonly requests: SlackRequest[] = [];
  readonly messages: SlackMessage[] = [];
  private readonly failures: SlackFailure[] = [];
  private readonly webhooks = new Map<string, { channel: string; state: WebhookState }>();
  private readonly tokens: Set<string>;
  private readonly channels: Map<string, string>;
  private tsCounter = 0;

  private constructor(
    private readonly server: Server,
    /** Base URL, e.g. `http://127.0.0.1:41234` (no trailing slash). */
    readonly url: string,
    options: FakeSlackOptions,
  ) {
    this.tokens = new Set(options.tokens ?? ['xoxb-0000-fake']);
    this.channels = new Map(
      Object.entries(options.channels ?? { general: 'C0GENERAL', develop: 'C0DEVELOP', ops: 'C0OPS' }),
    );
  }

  static async start(options: FakeSlackOptions = {}): Promise<FakeSlack> {
    const started: { fake?: FakeSlack } = {};
    const { server, url } = await listenLocal((request, body, response) =>
      started.fake?.handle(request, body, response),
    );
    started.fake = new FakeSlack(server, url, options);
    return started.fake;
  }

  /** What to give `WebClient` as `slackApiUrl`. */
  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  /**
   * Registers an incoming webhook bound to `channel` and returns its URL. A `revoked` one answers
   * 403 invalid_token, a `disabled` one 404 no_service, like Slack's. `secret` is the last path
   * segment (Slack's is 24 characters); give a canary to prove it never leaks.
   */
  createWebhook(channel = 'general', options: { state?: WebhookState; secret?: string } = {}): string {
    const secret = options.secret ?? `${String(this.webhooks.size + 1).padStart(4, '0')}${'x'.repeat(20)}`;
    const path = `/services/T00000000/B0000000${this.webhooks.size}/${secret}`;
    this.webhooks.set(path, {
      channel: this.channelId(channel) ?? channel,
      state: options.state ?? 'active',
    });
    return `${this.url}${path}`;
  }

  /** The id of a channel given as `name`, `#name` or its id; undefined if it does not exist. */
  channelId(channel: string): string | undefined {
    const name = channel.replace(/^#/, '');
    if (this.channels.has(name)) return this.channels.get(name);
    return [...this.channels.values()].includes(channel) ? channel : undefined;
  }

  /** Serves these failures, one per request, before answering normally again. */
  failNext(...failures: SlackFailure[]): void {
    this.failures.push(...failures);
  }

  /** Requests that reached a handler (API and webhooks), in order. */
  apiCalls(method: string): SlackRequest[] {
    return this.requests.filter((request) => request.kind === 'api' && request.method === method);
  }

  webhookCalls(): SlackRequest[] {
    return this.requests.filter((request) => request.kind === 'webhook');
  }

  close(): Promise<void> {
    return closeServer(this.server);
  }

  private nextTs(): string {
    this.tsCounter += 1;
    return `${Math.floor(Date.now() / 1000)}.${String(this.tsCounter).padStart(6, '0')}`;
  }

  private handle(request: IncomingMessage, body: string, response: ServerResponse): void {
    const path = new URL(request.url ?? '/', this.url).pathname;
    if (path.startsWith('/api/')) this.handleApi(request, path.slice('/api/'.length), body, response);
    else if (path.startsWith('/services/')) this.handleWebhook(request, path, body, response);
    else sendText(response, 404, 'not found');
  }

  private record(entry: Omit<SlackRequest, 'headers'>, request: IncomingMessage): void {
    this.requests.push({ ...entry, headers: request.headers });
  }

  // --- Web API ---------------------------------------------------------------------------------

  private handleApi(request: IncomingMessage, method: string, body: string, response: ServerResponse): void {
    const answer = (status: number, payload: unknown, args: Record<string, unknown>, headers = {}) => {
      this.record({ kind: 'api', method, args, rawBody: body, status, response: payload }, request);
      sendJson(response, status, payload, headers);
    };
    let args: Record<string, unknown> = {};
    try {
      if (request.method !== 'POST') throw new SlackApiError('invalid_post_type');
      args = this.decodeApiBody(request, body);
      const failure = this.failures.shift();
      if (failure && 'status' in failure) {
        if (failure.status === 429)
          return answer(429, { ok: false, error: 'ratelimited' }, args, {
            'retry-after': String(failure.retryAfter),
          });
        return answer(failure.status, { ok: false, error: 'internal_error' }, args);
      }
      if (failure) throw new SlackApiError(failure.error);
      this.authenticate(request, args);
      if (method === 'chat.postMessage') return answer(200, this.postMessage(args), args);
      if (method === 'chat.update') return answer(200, this.update(args), args);
      return answer(404, { ok: false, error: 'unknown_method' }, args);
    } catch (error) {
      if (!(error instanceof SlackApiError)) throw error;
      const payload: Record<string, unknown> = { ok: false, error: error.code };
      if (error.detail) payload['response_metadata'] = { messages: [`[ERROR] ${error.detail}`] };
      answer(200, payload, args);
    }
  }

  /** Slack takes form data (values that are objects JSON-encoded) or JSON with a bearer token. */
  private decodeApiBody(request: IncomingMessage, body: string): Record<string, unknown> {
    const type = mediaType(request);
    if (type === 'application/x-www-form-urlencoded') {
      const args: Record<string, unknown> = {};
      for (const [key, value] of new URLSearchParams(body)) args[key] = value;
      return args;
    }
    if (type === 'application/json') {
      if (!bearer(request)) throw new SlackApiError('not_authed');
      try {
        const parsed: unknown = JSON.parse(body);
        if (isPlainObject(parsed)) return parsed;
      } catch {
        // fall through
      }
      throw new SlackApiError('invalid_json');
    }
    throw new SlackApiError('invalid_post_type', `unsupported content type '${type}'`);
  }

  private authenticate(request: IncomingMessage, args: Record<string, unknown>): void {
    const token = bearer(request) ?? (typeof args['token'] === 'string' ? args['token'] : undefined);
    if (!token) throw new SlackApiError('not_authed');
    if (!this.tokens.has(token)) throw new SlackApiError('invalid_auth');
  }

  private checkArguments(
    args: Record<string, unknown>,
    allowed: Readonly<Record<string, ArgumentKind>>,
  ): Record<string, unknown> {
    const checked: Record<string, unknown> = {};
    for (const [key, raw] of Object.entries(args)) {
      const kind = allowed[key];
      if (!kind) throw new SlackApiError('invalid_arguments', `unknown argument '${key}'`);
      const value = coerce(raw, kind);
      if (value === undefined)
        throw new SlackApiError(
          key === 'blocks' ? 'invalid_blocks_format' : 'invalid_arguments',
          `argument '${key}' must be a ${kind}`,
        );
      checked[key] = value;
    }
    if (!checked['channel']) throw new SlackApiError('channel_not_found');
    if (!CONTENT_KEYS.some((key) => checked[key] !== undefined && checked[key] !== ''))
      throw new SlackApiError('no_text');
    if (checked['blocks'] !== undefined) checkBlocks(checked['blocks'] as unknown[]);
    if (checked['parse'] !== undefined && !['full', 'none'].includes(checked['parse'] as string))
      throw new SlackApiError('invalid_arguments', "argument 'parse' must be 'full' or 'none'");
    return checked;
  }

  private postMessage(raw: Record<string, unknown>): Record<string, unknown> {
    const args = this.checkArguments(raw, POST_MESSAGE_ARGUMENTS);
    const channel = this.channelId(args['channel'] as string);
    if (!channel) throw new SlackApiError('channel_not_found');
    const message: SlackMessage = { channel, ts: this.nextTs(), via: 'api' };
    for (const key of ['text', 'blocks', 'attachments', 'thread_ts', 'username', 'icon_emoji', 'icon_url'])
      if (args[key] !== undefined) Object.assign(message, { [key]: args[key] });
    this.messages.push(message);
    return { ok: true, channel, ts: message.ts, message: messageShape(message) };
  }

  private update(raw: Record<string, unknown>): Record<string, unknown> {
    const args = this.checkArguments(raw, UPDATE_ARGUMENTS);
    // chat.update takes a channel id, not a name.
    const channel = args['channel'] as string;
    if (![...this.channels.values()].includes(channel)) throw new SlackApiError('channel_not_found');
    if (!args['ts']) throw new SlackApiError('message_not_found');
    const message = this.find(channel, args['ts'] as string);
    if (!message) throw new SlackApiError('message_not_found');
    for (const key of ['text', 'blocks', 'attachments'])
      if (args[key] !== undefined) Object.assign(message, { [key]: args[key] });
    message.edited = true;
    return { ok: true, channel, ts: message.ts, text: message.text ?? '', message: messageShape(message) };
  }

  private find(channel: string, ts: string): SlackMessage | undefined {
    return this.messages.find((message) => message.channel === channel && message.ts === ts);
  }

  // --- Incoming webhooks -----------------------------------------------------------------------

  private handleWebhook(
    request: IncomingMessage,
    path: string,
    body: string,
    response: ServerResponse,
  ): void {
    let args: Record<string, unknown> = {};
    const answer = (status: number, text: string, headers = {}) => {
      this.record({ kind: 'webhook', method: path, args, rawBody: body, status, response: text }, request);
      sendText(response, status, text, headers);
    };
    const hook = this.webhooks.get(path);
    if (!hook || hook.state === 'disabled') return answer(404, 'no_service');
    if (hook.state === 'revoked') return answer(403, 'invalid_token');
    if (request.method !== 'POST') return answer(405, 'invalid_payload');
    const decoded = decodeWebhookBody(request, body);
    if (!decoded) return answer(400, 'invalid_payload');
    args = decoded;
    const failure = this.failures.shift();
    if (failure && 'status' in failure)
      return failure.status === 429
        ? answer(429, 'rate_limited', { 'retry-after': String(failure.retryAfter) })
        : answer(failure.status, 'internal_error');
    if (failure) return answer(400, failure.error);
    for (const [key, value] of Object.entries(args)) {
      const kind = (WEBHOOK_ARGUMENTS as Record<string, ArgumentKind>)[key];
      if (!kind || (value !== null && coerce(value, kind) === undefined))
        return answer(400, 'invalid_payload');
    }
    if (
      !['text', 'blocks', 'attachments'].some(
        (key) => args[key] !== undefined && args[key] !== null && args[key] !== '',
      )
    )
      return answer(400, 'no_text');
    if (Array.isArray(args['blocks'])) {
      try {
        checkBlocks(args['blocks']);
      } catch {
        return answer(400, 'invalid_blocks');
      }
    }
    const message: SlackMessage = { channel: hook.channel, ts: this.nextTs(), via: 'webhook' };
    for (const key of ['text', 'blocks', 'attachments', 'username', 'icon_emoji', 'icon_url'])
      if (args[key] !== undefined && args[key] !== null) Object.assign(message, { [key]: args[key] });
    this.messages.push(message);
    answer(200, 'ok');
  }
}

function bearer(request: IncomingMessage): string | undefined {
  const header = request.headers.authorization ?? '';
  return header.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined;
}

/** Incoming webhooks take a JSON body, or form data whose `payload` field is the JSON. */
function decodeWebhookBody(request: IncomingMessage, body: string): Record<string, unknown> | undefined {
  const type = mediaType(request);
  let text: string | null = body;
  if (type === 'application/x-www-form-urlencoded') text = new URLSearchParams(body).get('payload');
  else if (type !== 'application/json') return undefined;
  try {
    const parsed: unknown = JSON.parse(text ?? '');
    return isPlainObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** A value of `kind`, decoding form strings as Slack does; undefined when it is not one. */
function coerce(value: unknown, kind: ArgumentKind): unknown {
  if (kind === 'string')
    return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
  if (kind === 'boolean') {
    if (typeof value === 'boolean') return value;
    if (value === 'true' || value === '1' || value === 1) return true;
    if (value === 'false' || value === '0' || value === 0) return false;
    return undefined;
  }
  let decoded = value;
  if (typeof value === 'string') {
    try {
      decoded = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  if (kind === 'array') return Array.isArray(decoded) ? decoded : undefined;
  return isPlainObject(decoded) ? decoded : undefined;
}

/** Block Kit: at most 50 blocks, each an object with a string `type`. */
function checkBlocks(blocks: unknown[]): void {
  if (blocks.length > 50) throw new SlackApiError('invalid_blocks', 'no more than 50 items allowed');
  blocks.forEach((block, index) => {
    if (!isPlainObject(block) || typeof block['type'] !== 'string')
      throw new SlackApiError(
        'invalid_blocks',
        `missing required field: type [json-pointer:/blocks/${index}]`,
      );
  });
}

function messageShape(message: SlackMessage): Record<string, unknown> {
  const shape: Record<string, unknown> = {
    type: 'message',
    subtype: 'bot_message',
    bot_id: 'B0FAKEBOT',
    text: message.text ?? '',
    ts: message.ts,
  };
  for (const key of ['blocks', 'attachments', 'thread_ts', 'username'] as const)
    if (message[key] !== undefined) shape[key] = message[key];
  if (message.edited) shape['edited'] = { user: 'B0FAKEBOT', ts: message.ts };
  return shape;
}
