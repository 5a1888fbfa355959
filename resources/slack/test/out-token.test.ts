import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { FakeSlack } from '@hangar/testkit';
import { BUILD_ENV, canaries, invoke, meta, tempDir } from './invoke.js';

const token = `xoxb-CANARY-${randomBytes(8).toString('hex')}`;
let slack: FakeSlack;
let dir: string;

beforeAll(async () => {
  slack = await FakeSlack.start({ tokens: [token] });
  canaries.splice(0, canaries.length, token);
});
afterAll(() => slack.close());
beforeEach(async () => {
  dir = await tempDir();
  slack.requests.length = 0;
});

const source = () => ({ token, api_url: slack.apiUrl, channel: '#develop', retries: 2 });
const put = (params: Record<string, unknown>, env: Record<string, string> = BUILD_ENV, extra = {}) =>
  invoke('out', { source: { ...source(), ...extra }, params }, { dir, env });
const posts = () => slack.apiCalls('chat.postMessage');

/** The implicit get after a put, into `<dir>/<name>`, as Concourse runs it. */
async function implicitGet(name: string, version: Record<string, string>) {
  return invoke('in', { source: source(), version }, { dir: join(dir, name) });
}

describe('bot token mode (chat.postMessage)', () => {
  test('posts with the token in the Authorization header and blocks; the version names the message', async () => {
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*$BUILD_JOB_NAME* #$BUILD_NAME' } }];
    const result = await put({ text: 'deploy $BUILD_NAME', blocks, username: 'Concourse CI' });
    expect(result.code).toBe(0);
    const [call] = posts();
    expect(call?.headers.authorization).toBe(`Bearer ${token}`);
    expect(call?.args).toEqual({
      text: 'deploy 7\n',
      channel: '#develop',
      username: 'Concourse CI',
      blocks: JSON.stringify([{ type: 'section', text: { type: 'mrkdwn', text: '*deploy* #7' } }]),
    });
    const message = slack.messages.at(-1);
    expect(result.json.version).toEqual({
      timestamp: expect.stringMatching(/^\d+$/) as string,
      channel: 'C0DEVELOP',
      ts: message?.ts,
    });
  });

  test('blocks_file, and a params channel list, one message per channel', async () => {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(dir, 'blocks.json'), JSON.stringify([{ type: 'divider' }]));
    const result = await put({ blocks_file: 'blocks.json', channel: '#ops #general', metadata: true });
    expect(result.code).toBe(0);
    expect(posts().map((call) => [call.args['channel'], call.args['blocks'], call.args['text']])).toEqual([
      ['#ops', '[{"type":"divider"}]', undefined],
      ['#general', '[{"type":"divider"}]', undefined],
    ]);
    expect(meta(result)).toMatchObject({ url: slack.apiUrl, channel: '#ops #general' });
  });

  test('a thread: the implicit get writes thread.json; a later put replies in it or updates it', async () => {
    const first = await put({ text: 'deploying' });
    const got = await implicitGet('notify-start', first.json.version);
    expect(got.json.metadata).toEqual([
      { name: 'channel', value: 'C0DEVELOP' },
      { name: 'ts', value: first.json.version['ts'] },
    ]);
    expect(JSON.parse(await readFile(join(dir, 'notify-start', 'thread.json'), 'utf8'))).toEqual({
      channel: 'C0DEVELOP',
      ts: first.json.version['ts'],
    });
    expect(await readFile(join(dir, 'notify-start', 'ts'), 'utf8')).toBe(first.json.version['ts']);

    const reply = await put({ text: 'done', thread_file: 'notify-start', reply_broadcast: true });
    expect(reply.code).toBe(0);
    expect(posts().at(-1)?.args).toEqual({
      text: 'done\n',
      channel: 'C0DEVELOP',
      thread_ts: first.json.version['ts'],
      reply_broadcast: 'true',
    });

    const update = await put({ text: 'deployed', thread_file: 'notify-start/thread.json', update: true });
    expect(update.code).toBe(0);
    expect(slack.apiCalls('chat.update').at(-1)?.args).toEqual({
      text: 'deployed\n',
      channel: 'C0DEVELOP',
      ts: first.json.version['ts'],
    });
    expect(slack.messages.find((m) => m.ts === first.json.version['ts'])).toMatchObject({
      text: 'deployed\n',
      edited: true,
    });
  });

  test('thread_ts given directly (e.g. from ((.:notify.ts)))', async () => {
    const first = await put({ text: 'parent', channel: 'C0OPS' });
    await put({ text: 'child', channel: 'C0OPS', thread_ts: first.json.version['ts'] });
    expect(posts().at(-1)?.args).toMatchObject({ thread_ts: first.json.version['ts'], channel: 'C0OPS' });
  });

  test.each([
    [{ text: 'x', update: true }, 'params.update needs params.thread_ts or params.thread_file'],
    [
      { text: 'x', thread_ts: '1.2', thread_file: 'f' },
      'params.thread_ts and params.thread_file: set only one',
    ],
    [{ text: 'x', thread_file: 'missing' }, "params.thread_file: 'missing' does not exist"],
    [{ text: 'x', icon_url: 'https://i', icon_emoji: ':x:' }, 'params.icon_url and params.icon_emoji'],
  ])('%j is refused before anything is sent', async (params, message) => {
    const result = await put(params);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(message);
    expect(posts()).toHaveLength(0);
  });

  test('no channel anywhere is a configuration error', async () => {
    const result = await invoke(
      'out',
      { source: { token, api_url: slack.apiUrl }, params: { text: 'x' } },
      { dir },
    );
    expect(result.stderr).toBe('error: params.channel or source.channel is required with source.token\n');
  });
});

describe('alert_type', () => {
  test.each([
    ['failed', undefined, '#d00000', 'Failed'],
    ['success', undefined, '#32cd32', 'Success'],
    ['started', undefined, '#f7cd42', 'Started'],
    ['auto', 'failure', '#d00000', 'Failed'], // the docs' spelling
    ['auto', 'failed', '#d00000', 'Failed'], // the code's spelling
    ['auto', 'success', '#32cd32', 'Success'],
    ['auto', 'succeeded', '#32cd32', 'Success'],
    ['auto', 'errored', '#f5a623', 'Errored'],
    ['auto', 'aborted', '#8d4b32', 'Aborted'],
    ['auto', undefined, '#35495c', 'Build'],
  ])('%s with BUILD_STATUS=%s is %s "%s"', async (alertType, status, color, title) => {
    const env = { ...BUILD_ENV, ...(status ? { BUILD_STATUS: status } : {}) };
    const result = await put({ alert_type: alertType, text: 'rolled out' }, env);
    expect(result.code).toBe(0);
    const [attachment] = JSON.parse(posts()[0]?.args['attachments'] as string) as Record<string, unknown>[];
    expect(attachment).toEqual({
      color,
      title: `${title}: cloud/deploy #7`,
      title_link: 'https://ci.example/teams/main/pipelines/cloud/jobs/deploy/builds/7',
      fields: [
        { title: 'Job', value: 'cloud/deploy', short: true },
        { title: 'Build', value: '7', short: true },
      ],
      fallback: `${title}: cloud/deploy #7`,
    });
    expect(posts()[0]?.args['text']).toBe('rolled out\n');
    if (!status && alertType === 'auto') expect(result.stderr).toContain('BUILD_STATUS is not set');
  });

  test('the alert attachment comes before the user’s attachments, and works with webhooks too', async () => {
    const url = slack.createWebhook('ops');
    const result = await invoke(
      'out',
      { source: { url }, params: { alert_type: 'broke', attachments: [{ text: 'details' }] } },
      { dir, env: BUILD_ENV },
    );
    expect(result.code).toBe(0);
    const body = slack.webhookCalls().at(-1)?.args as { text?: string; attachments: { title?: string }[] };
    expect(body.text).toBeNull();
    expect(body.attachments.map((a) => a.title ?? a)).toEqual([
      'Broken: cloud/deploy #7',
      { text: 'details' },
    ]);
  });
});

describe('Slack errors in token mode', () => {
  test('a wrong token fails with invalid_auth and the token never appears', async () => {
    const result = await invoke(
      'out',
      { source: { token: `${token}-wrong`, api_url: slack.apiUrl, channel: '#ops' }, params: { text: 'x' } },
      { dir },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'error: 1 of 1 Slack post(s) failed: #ops: Slack refused the call: invalid_auth\n',
    );
  });

  test('an unknown channel fails with channel_not_found, not retried', async () => {
    const result = await put({ text: 'x', channel: '#nope' });
    expect(result.stderr).toContain('#nope: Slack refused the call: channel_not_found');
    expect(posts()).toHaveLength(1);
  });

  test('rate limiting honours Retry-After and succeeds', async () => {
    slack.failNext({ status: 429, retryAfter: 0 });
    const result = await put({ text: 'x' });
    expect(result.code).toBe(0);
    expect(posts().map((call) => call.status)).toEqual([429, 200]);
  });

  test('rate limiting that persists fails after the bounded retries with Slack’s code', async () => {
    slack.failNext(
      { status: 429, retryAfter: 0 },
      { status: 429, retryAfter: 0 },
      { status: 429, retryAfter: 0 },
    );
    const result = await put({ text: 'x' });
    expect(result.code).toBe(1);
    expect(posts()).toHaveLength(3);
    expect(result.stderr).toContain('Slack answered 429 ratelimited');
  });

  test('HANGAR_DEBUG output still never shows the token', async () => {
    const result = await put({ text: 'x' }, { ...BUILD_ENV, HANGAR_DEBUG: '1' });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('debug: request body');
  });
});
