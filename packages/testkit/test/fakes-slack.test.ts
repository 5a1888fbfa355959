import { WebClient, type ChatPostMessageArguments, type ChatUpdateArguments } from '@slack/web-api';
import { IncomingWebhook, type IncomingWebhookSendArguments } from '@slack/webhook';
import { afterAll, beforeAll, describe, expect, expectTypeOf, test } from 'vitest';
import {
  FakeSlack,
  POST_MESSAGE_ARGUMENTS,
  UPDATE_ARGUMENTS,
  WEBHOOK_ARGUMENTS,
} from '../src/fakes/slack.js';

// Every key of every member of a union of argument shapes.
type KeysOf<T> = T extends unknown ? keyof T : never;

describe('argument tables mirror the vendor types', () => {
  test('chat.postMessage, chat.update and incoming webhooks', () => {
    expectTypeOf<keyof typeof POST_MESSAGE_ARGUMENTS>().toEqualTypeOf<KeysOf<ChatPostMessageArguments>>();
    expectTypeOf<keyof typeof UPDATE_ARGUMENTS>().toEqualTypeOf<KeysOf<ChatUpdateArguments>>();
    expectTypeOf<keyof typeof WEBHOOK_ARGUMENTS>().toEqualTypeOf<
      Exclude<keyof IncomingWebhookSendArguments, 'fetch' | 'timeout' | 'retryConfig'>
    >();
    expect(Object.keys(POST_MESSAGE_ARGUMENTS)).toContain('thread_ts');
  });
});

let slack: FakeSlack;
beforeAll(async () => {
  slack = await FakeSlack.start({ tokens: ['xoxb-good'] });
});
afterAll(() => slack.close());

const client = (token: string) =>
  new WebClient(token, {
    slackApiUrl: slack.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  });

const rawCall = async (method: string, body: Record<string, string>, token = 'xoxb-good') => {
  const response = await fetch(`${slack.apiUrl}${method}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(body).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

describe('Web API', () => {
  test('chat.postMessage from the real client answers with Slack’s shape and records the arguments', async () => {
    const result = await client('xoxb-good').chat.postMessage({
      channel: '#develop',
      text: 'hello',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*hi*' } }],
      username: 'Concourse CI',
    });
    expect(result).toMatchObject({
      ok: true,
      channel: 'C0DEVELOP',
      message: { text: 'hello', type: 'message' },
    });
    expect(result.ts).toMatch(/^\d+\.\d{6}$/);
    const [call] = slack.apiCalls('chat.postMessage').slice(-1);
    expect(call?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(call?.args).toMatchObject({ channel: '#develop', username: 'Concourse CI' });
    expect(JSON.parse(call?.args['blocks'] as string)).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: '*hi*' } },
    ]);
  });

  test('threads and chat.update', async () => {
    const web = client('xoxb-good');
    const parent = await web.chat.postMessage({ channel: 'ops', text: 'deploying' });
    const reply = await web.chat.postMessage({ channel: 'C0OPS', text: 'done', thread_ts: parent.ts! });
    expect(reply.message?.thread_ts).toBe(parent.ts);
    const updated = await web.chat.update({ channel: 'C0OPS', ts: parent.ts!, text: 'deployed' });
    expect(updated).toMatchObject({ ok: true, ts: parent.ts, text: 'deployed' });
    expect(slack.messages.find((m) => m.ts === parent.ts)).toMatchObject({ text: 'deployed', edited: true });
    await expect(web.chat.update({ channel: 'C0OPS', ts: '1.000000', text: 'x' })).rejects.toMatchObject({
      data: { ok: false, error: 'message_not_found' },
    });
  });

  test.each([
    ['no token', {}, '', 'not_authed'],
    ['a wrong token', {}, 'xoxb-bad', 'invalid_auth'],
    ['no channel', { text: 'x' }, 'xoxb-good', 'channel_not_found'],
    ['an unknown channel', { channel: '#nope', text: 'x' }, 'xoxb-good', 'channel_not_found'],
    ['no text, blocks or attachments', { channel: 'general' }, 'xoxb-good', 'no_text'],
    [
      'an unknown argument',
      { channel: 'general', text: 'x', colour: 'red' },
      'xoxb-good',
      'invalid_arguments',
    ],
    ['blocks that are not JSON', { channel: 'general', blocks: '[{' }, 'xoxb-good', 'invalid_blocks_format'],
    ['a block without a type', { channel: 'general', blocks: '[{}]' }, 'xoxb-good', 'invalid_blocks'],
    [
      'a non-boolean flag',
      { channel: 'general', text: 'x', link_names: 'maybe' },
      'xoxb-good',
      'invalid_arguments',
    ],
  ])('chat.postMessage with %s is refused as Slack does', async (_name, args, token, error) => {
    const before = slack.messages.length;
    const { status, body } = await rawCall('chat.postMessage', args, token);
    expect(status).toBe(200);
    expect(body).toMatchObject({ ok: false, error });
    expect(slack.messages.length).toBe(before);
  });

  test('JSON bodies need a bearer token; other content types are refused', async () => {
    const json = await fetch(`${slack.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: 'xoxb-good', channel: 'general', text: 'x' }),
    });
    expect(await json.json()).toEqual({ ok: false, error: 'not_authed' });
    const plain = await fetch(`${slack.apiUrl}chat.postMessage`, { method: 'POST', body: 'channel=general' });
    expect(await plain.json()).toMatchObject({ ok: false, error: 'invalid_post_type' });
  });

  test('rate limiting is HTTP 429 with Retry-After, then normal service', async () => {
    slack.failNext({ status: 429, retryAfter: 7 });
    const limited = await fetch(`${slack.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: 'Bearer xoxb-good', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'channel=general&text=x',
    });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(await limited.json()).toEqual({ ok: false, error: 'ratelimited' });
    await expect(
      client('xoxb-good').chat.postMessage({ channel: 'general', text: 'x' }),
    ).resolves.toMatchObject({
      ok: true,
    });
  });
});

describe('incoming webhooks', () => {
  test('the real client posts; the fake answers "ok" and records the payload', async () => {
    const url = slack.createWebhook('develop');
    const result = await new IncomingWebhook(url).send({
      text: 'hi',
      username: 'CI',
      icon_emoji: ':airplane:',
    });
    expect(result.text).toBe('ok');
    const [call] = slack.webhookCalls().slice(-1);
    expect(call?.args).toEqual({ text: 'hi', username: 'CI', icon_emoji: ':airplane:' });
    expect(slack.messages.at(-1)).toMatchObject({ channel: 'C0DEVELOP', text: 'hi', via: 'webhook' });
  });

  test.each([
    ['an unknown hook', () => `${slack.url}/services/T1/B1/nope`, '{"text":"x"}', 404, 'no_service'],
    [
      'a disabled hook',
      () => slack.createWebhook('general', { state: 'disabled' }),
      '{"text":"x"}',
      404,
      'no_service',
    ],
    [
      'a revoked hook',
      () => slack.createWebhook('general', { state: 'revoked' }),
      '{"text":"x"}',
      403,
      'invalid_token',
    ],
    ['malformed JSON', () => slack.createWebhook(), '{"text":', 400, 'invalid_payload'],
    ['an unknown key', () => slack.createWebhook(), '{"text":"x","colour":"red"}', 400, 'invalid_payload'],
    [
      'a mistyped key',
      () => slack.createWebhook(),
      '{"text":"x","link_names":"yes"}',
      400,
      'invalid_payload',
    ],
    ['no text', () => slack.createWebhook(), '{"username":"x"}', 400, 'no_text'],
  ])('%s is refused as Slack does', async (_name, url, body, status, text) => {
    const response = await fetch(url(), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(response.status).toBe(status);
    expect(await response.text()).toBe(text);
  });

  test('429 with Retry-After and 5xx can be injected', async () => {
    const url = slack.createWebhook();
    slack.failNext({ status: 429, retryAfter: 3 }, { status: 503 });
    const post = () =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"text":"x"}' });
    const limited = await post();
    expect([limited.status, limited.headers.get('retry-after'), await limited.text()]).toEqual([
      429,
      '3',
      'rate_limited',
    ]);
    expect((await post()).status).toBe(503);
    expect((await post()).status).toBe(200);
  });
});
