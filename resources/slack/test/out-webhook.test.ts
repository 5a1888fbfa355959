import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { FakeSlack } from '@hangar/testkit';
import { BUILD_ENV, canaries, invoke, meta, tempDir, webhookPost } from './invoke.js';

let slack: FakeSlack;
let url: string;
let dir: string;
let secret: string;

beforeAll(async () => {
  slack = await FakeSlack.start();
});
afterAll(() => slack.close());

beforeEach(async () => {
  // Every test gets its own webhook whose secret is a canary.
  secret = `CANARY${randomBytes(9).toString('hex')}`;
  canaries.splice(0, canaries.length, secret);
  url = slack.createWebhook('develop', { secret });
  dir = await tempDir();
});

const calls = () => slack.webhookCalls().filter((call) => call.method.endsWith(secret));
const put = (params: Record<string, unknown>, source: Record<string, unknown> = {}, env = BUILD_ENV) =>
  invoke('out', { source: { url, retries: 2, ...source }, params }, { dir, env });
const file = async (name: string, content: string) => {
  await mkdir(join(dir, name, '..'), { recursive: true });
  await writeFile(join(dir, name), content);
};

describe('the seed pipeline’s on_failure notification', () => {
  test('works as written', async () => {
    const result = await put({
      channel: '#develop',
      icon_emoji: ':airplane:',
      text: 'Build $BUILD_NAME failed. Check it out at: $ATC_EXTERNAL_URL/builds/$BUILD_ID',
    });
    expect(result.code).toBe(0);
    expect(result.json.version).toEqual({ timestamp: expect.stringMatching(/^\d{10}$/) as string });
    const [call] = calls();
    expect(calls()).toHaveLength(1);
    expect(call?.headers['content-type']).toBe('application/json');
    expect(call?.args).toEqual(
      webhookPost({
        text: 'Build 7 failed. Check it out at: https://ci.example/builds/42\n',
        channel: '#develop',
        icon_emoji: ':airplane:',
      }),
    );
    expect(result.stderr).toContain('posted to #develop (ok)');
  });
});

describe('text and text_file', () => {
  test('text_file content is expanded and available as $TEXT_FILE_CONTENT', async () => {
    await file('notes/summary.txt', 'job ${BUILD_JOB_NAME} <!here>\n\n');
    const result = await put({
      text_file: 'notes/summary.txt',
      text: 'Summary: $TEXT_FILE_CONTENT ($BUILD_URL)',
    });
    expect(result.code).toBe(0);
    expect(calls()[0]?.args['text']).toBe(
      'Summary: job deploy <!here> (https://ci.example/teams/main/pipelines/cloud/jobs/deploy/builds/7)\n',
    );
  });

  test('text defaults to the text_file content', async () => {
    await file('msg', 'from the file');
    await put({ text_file: 'msg' });
    expect(calls()[0]?.args['text']).toBe('from the file\n');
  });

  test('a missing text_file counts as unset: the placeholder is sent, and metadata names no file', async () => {
    const result = await put({ text_file: 'nope/missing.txt', metadata: true });
    expect(calls()[0]?.args['text']).toBe('_(no notification provided)_\n');
    expect(meta(result)).toMatchObject({ text_file: '', text_file_exists: 'No' });
  });

  test('an empty text_file sends nothing unless always_notify', async () => {
    await file('empty.txt', '\n');
    const quiet = await put({ text_file: 'empty.txt' });
    expect(quiet.code).toBe(0);
    expect(quiet.json.version['timestamp']).toBeDefined();
    expect(quiet.stderr).toContain('nothing sent: empty.txt is empty and always_notify is off');
    expect(calls()).toHaveLength(0);
    await put({ text_file: 'empty.txt', always_notify: true });
    expect(calls().map((call) => call.args['text'])).toEqual(['_(no notification provided)_\n']);
  });

  test('no text at all sends the bash resource’s placeholders; an empty text warns', async () => {
    await put({});
    const empty = await put({ text: '' });
    expect(calls().map((call) => call.args['text'])).toEqual([
      '_(no notification provided)_\n',
      '_(missing notification text)_\n',
    ]);
    expect(empty.stderr).toContain(
      "warning: the text is empty: '_(missing notification text)_' is sent (the reference sends no text, which Slack refuses)",
    );
  });
});

describe('attachments', () => {
  const attachment = { color: 'danger', title: '$BUILD_JOB_NAME #$BUILD_NAME', text: '$TEXT_FILE_CONTENT' };

  test('inline attachments have variables expanded in every string, and no placeholder text', async () => {
    await file('why.txt', 'tests failed');
    await put({ text_file: 'why.txt', text: '', attachments: [attachment] });
    expect(calls()[0]?.args).toEqual(
      webhookPost({ attachments: [{ color: 'danger', title: 'deploy #7', text: 'tests failed' }] }),
    );
  });

  test('attachments_file is read when attachments is absent', async () => {
    await file('att.json', JSON.stringify([attachment]));
    await put({ attachments_file: 'att.json', text: 'see below' });
    expect(calls()[0]?.args).toEqual(
      webhookPost({
        text: 'see below\n',
        attachments: [{ color: 'danger', title: 'deploy #7', text: '' }], // no text_file: empty
      }),
    );
  });

  test('inline attachments win over attachments_file, with text or without', async () => {
    await file('att.json', JSON.stringify([{ color: 'good', text: 'from the file' }]));
    const inline = [{ color: 'danger', text: 'inline for $BUILD_NAME' }];
    await put({ attachments_file: 'att.json', attachments: inline });
    await put({ attachments_file: 'att.json', attachments: inline, text: 'with text' });
    expect(calls().map((call) => [call.args['text'], call.args['attachments']])).toEqual([
      [null, [{ color: 'danger', text: 'inline for 7' }]],
      ['with text\n', [{ color: 'danger', text: 'inline for 7' }]],
    ]);
  });

  test('an attachments_file that is not a JSON array of objects is a clear error', async () => {
    await file('att.json', '{"color":');
    const result = await put({ attachments_file: 'att.json' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("error: params.attachments_file: 'att.json' is not JSON");
    expect(calls()).toHaveLength(0);
  });
});

describe('channels', () => {
  test('a whitespace-separated channel list posts once per channel', async () => {
    await put({ channel: '#develop  #ops\n#develop', text: 'x' });
    expect(calls().map((call) => call.args['channel'])).toEqual(['#develop', '#ops']);
  });

  test('channel_file without channel posts once per listed channel and never to the default', async () => {
    await file('channels', '#ops\n#general\n');
    await put({ channel_file: 'channels', text: 'x' });
    expect(calls().map((call) => call.args['channel'])).toEqual(['#ops', '#general']);
  });

  test('channel and channel_file are combined', async () => {
    await file('channels', '#ops');
    await put({ channel: '#develop', channel_file: 'channels', text: 'x' });
    expect(calls().map((call) => call.args['channel'])).toEqual(['#develop', '#ops']);
  });

  test('without a channel, one post goes to the webhook’s own channel', async () => {
    await put({ text: 'x' });
    expect(calls().map((call) => call.args['channel'])).toEqual([null]);
    expect(slack.messages.at(-1)?.channel).toBe('C0DEVELOP');
  });
});

describe('identity and options', () => {
  test('username with spaces and % is sent intact, icon_url too', async () => {
    await put({
      text: 'x',
      username: 'Concourse CI 100% ($BUILD_TEAM_NAME)',
      icon_url: 'https://ci.example/i.png',
    });
    expect(calls()[0]?.args).toMatchObject({
      username: 'Concourse CI 100% (main)',
      icon_url: 'https://ci.example/i.png',
    });
  });

  test('link_names is sent only when true; string booleans are accepted', async () => {
    await put({ text: 'x', link_names: 'true' });
    await put({ text: 'x', link_names: false });
    expect(calls().map((call) => call.args['link_names'])).toEqual([true, undefined]);
  });

  test('env_file values are variables for text, attachments and username', async () => {
    await file(
      'vars/.env',
      '# release\nexport VERSION="1.2.3"\nOWNER=team-$BUILD_TEAM_NAME\nRAW=\'$BUILD_NAME\'\n',
    );
    await put({
      env_file: 'vars/.env',
      text: 'v$VERSION by ${OWNER} raw=$RAW',
      username: 'release $VERSION',
      attachments: [{ text: '$OWNER' }],
    });
    expect(calls()[0]?.args).toEqual(
      webhookPost({
        text: 'v1.2.3 by team-main raw=$BUILD_NAME\n',
        username: 'release 1.2.3',
        attachments: [{ text: 'team-main' }],
      }),
    );
  });

  test('env_file values reach the text_file and attachments as written: spaces, brackets, a glob', async () => {
    await file('build/libs/app.war', ''); // something the glob would match if it were expanded
    await file('ci/.env', 'RELEASE=2.4.0\nGATE=C (WARN)\nTAG=<none>\nARTIFACTS=build/libs/*.war');
    await file(
      'ci/notes.txt',
      'release ${RELEASE} by $BUILD_JOB_NAME\ngate=$GATE tag=${TAG}\nfiles=$ARTIFACTS\n\n',
    );
    await put({
      env_file: 'ci/.env',
      text_file: 'ci/notes.txt',
      attachments: [{ text: '$ARTIFACTS | $TAG' }],
    });
    expect(calls()[0]?.args).toMatchObject({
      text: 'release 2.4.0 by deploy\ngate=C (WARN) tag=<none>\nfiles=build/libs/*.war\n',
      attachments: [{ text: 'build/libs/*.war | <none>' }],
    });
  });

  test('an env_file line that is not KEY=value is skipped with a warning, as the reference skips it', async () => {
    await file('.env', 'OK=1\nnot a pair\n');
    const result = await put({ env_file: '.env', text: 'ok=$OK' });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("warning: params.env_file: line 2 of '.env' is not KEY=value: ignored");
    expect(calls()[0]?.args['text']).toBe('ok=1\n');
  });

  test('file paths may be absolute or use .., as long as they stay in the put directory', async () => {
    await file('msg/text', 'from msg');
    await put({ text_file: join(dir, 'msg', 'text') });
    await put({ text_file: 'msg/../msg/text' });
    expect(calls().map((call) => call.args['text'])).toEqual(['from msg\n', 'from msg\n']);
    for (const outside of ['../../etc/passwd', '/etc/passwd']) {
      const result = await put({ text_file: outside });
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `error: params.text_file: '${outside}' is outside the put's directory; only files under it are read\n`,
      );
    }
    expect(calls()).toHaveLength(2);
  });
});

describe('nothing is ever evaluated', () => {
  test('the step’s other environment variables are not variables: they expand to nothing', async () => {
    const env = { ...BUILD_ENV, AWS_SECRET_ACCESS_KEY: `KEY${secret}` };
    await put({ text: 'key=[$AWS_SECRET_ACCESS_KEY] build=$BUILD_NAME' }, {}, env);
    expect(calls()[0]?.args['text']).toBe('key=[] build=7\n');
  });

  const attacks = [
    '$(touch pwned)',
    '`touch pwned`',
    '; touch pwned',
    '$(echo hi) && touch pwned | cat',
    '%s%n%x',
  ];

  test.each(attacks)(
    '%s in text, username, channel and env_file values is sent literally',
    async (attack) => {
      await file('.env', `EVIL=${attack}\n`);
      await file('notes.txt', `note ${attack}`);
      const result = await put({
        env_file: '.env',
        text_file: 'notes.txt',
        text: `${attack} | $EVIL | $TEXT_FILE_CONTENT`,
        username: attack,
        channel: `#ops${attack.replace(/\s/g, '')}`,
        attachments: [{ text: attack }],
      });
      expect(result.code).toBe(0);
      expect(calls()[0]?.args).toEqual(
        webhookPost({
          text: `${attack} | ${attack} | note ${attack}\n`,
          username: attack,
          channel: `#ops${attack.replace(/\s/g, '')}`,
          attachments: [{ text: attack }],
        }),
      );
      expect(existsSync(join(dir, 'pwned'))).toBe(false);
      expect(existsSync('pwned')).toBe(false);
    },
  );
});

describe('output: silent, metadata, payload_in_metadata, debug, disable', () => {
  test('silent changes only logging', async () => {
    const result = await put({ text: 'x', silent: true });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(calls()).toHaveLength(1);
    slack.failNext({ error: 'no_service' });
    const failed = await put({ text: 'x', silent: true });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('no_service');
  });

  test('metadata lists the reference’s seven fields in its order, the webhook redacted', async () => {
    await file('t.txt', 'hello $BUILD_NAME\n');
    const result = await put({ text_file: 't.txt', channel: '#ops', username: 'CI', metadata: true });
    expect(result.json.metadata).toEqual([
      { name: 'url', value: `${slack.url}/((redacted))` },
      { name: 'channel', value: '#ops' },
      { name: 'username', value: 'CI' },
      { name: 'text', value: 'hello 7\n' },
      { name: 'text_file', value: 't.txt' },
      { name: 'text_file_exists', value: 'Yes' },
      { name: 'text_file_content', value: 'hello 7\n' },
    ]);
  });

  test('metadata without a text_file: no file, the placeholder as its content, null channel', async () => {
    const result = await put({ text: 'plain', metadata: 'true' });
    expect(result.json.metadata.slice(1)).toEqual([
      { name: 'channel', value: 'null' },
      { name: 'username', value: '' },
      { name: 'text', value: 'plain\n' },
      { name: 'text_file', value: '' },
      { name: 'text_file_exists', value: 'No' },
      { name: 'text_file_content', value: '_(no notification provided)_\n' },
    ]);
  });

  test('payload_in_metadata adds the request, its url replaced as the reference does, other secrets redacted', async () => {
    // debug: nothing goes through the made-up proxy
    const params = { text: 'x', metadata: true, payload_in_metadata: 'true', debug: true };
    const proxy = `http://ci:${secret}@127.0.0.1:9`;
    const result = await invoke(
      'out',
      { source: { url, proxy, disable: false }, params },
      { dir, env: BUILD_ENV },
    );
    expect(result.json.metadata.map((field) => field.name).slice(6)).toEqual([
      'text_file_content',
      'payload',
    ]);
    expect(JSON.parse(meta(result)['payload'] ?? '')).toEqual({
      source: { url: '***REDACTED***', proxy: 'http://((redacted))@127.0.0.1:9', disable: false },
      params,
    });
  });

  test('payload_in_metadata without metadata adds nothing, and says so', async () => {
    const result = await put({ text: 'x', payload_in_metadata: true });
    expect(result.json).toEqual({ version: { timestamp: expect.any(String) as string } });
    expect(result.stderr).toContain('warning: params.payload_in_metadata is ignored without params.metadata');
  });

  test('without metadata the answer is {version} alone', async () => {
    const result = await put({ text: 'x' });
    expect(Object.keys(JSON.parse(result.stdout) as object)).toEqual(['version']);
  });

  test('the text sent ends with exactly one newline, as the reference’s', async () => {
    await put({ text: 'one' });
    await put({ text: 'two\n\n\n' });
    await put({ text: 'three\n\nlines' });
    expect(calls().map((call) => call.args['text'])).toEqual(['one\n', 'two\n', 'three\n\nlines\n']);
  });

  test('the body carries every key, unset ones null; link_names only when on', async () => {
    await put({ text: 'x' });
    await put({ text: 'y', link_names: true, icon_url: 'https://ci.example/i.png' });
    const [plain, linked] = calls().map((call) => JSON.parse(call.rawBody) as Record<string, unknown>);
    expect(plain).toStrictEqual({
      text: 'x\n',
      username: null,
      icon_url: null,
      icon_emoji: null,
      channel: null,
      attachments: null,
    });
    expect(linked).toMatchObject({
      link_names: true,
      icon_url: 'https://ci.example/i.png',
      icon_emoji: null,
    });
  });

  test('debug posts nothing and answers the last body it would post, beside the version', async () => {
    const result = await put({ text: 'x', channel: '#ops #general', debug: true, redact_hook_url: false });
    expect(result.code).toBe(0);
    expect(calls()).toHaveLength(0);
    expect(result.json).toEqual({
      version: { timestamp: expect.any(String) as string },
      webhook_url: `${slack.url}/((redacted))`,
      body: webhookPost({ text: 'x\n', link_names: false, channel: '#general' }),
    });
  });

  test('debug shows a webhook URL with no path as written; an empty text_file shows no body', async () => {
    const bare = { url: 'https://hooks.example' };
    const shown = await invoke('out', { source: bare, params: { text: 'x', debug: true } }, { dir });
    expect(shown.json).toMatchObject({ webhook_url: 'https://hooks.example' });
    await file('empty.txt', '');
    const quiet = await invoke(
      'out',
      { source: bare, params: { text_file: 'empty.txt', debug: true } },
      { dir },
    );
    expect(Object.keys(quiet.json)).toEqual(['version']);
  });

  test('source.disable sends nothing and still creates a version', async () => {
    const result = await put({ text: 'x' }, { disable: true });
    expect(result.json.version).toEqual({ timestamp: expect.any(String) as string });
    expect(calls()).toHaveLength(0);
  });
});

describe('Slack errors fail the put with Slack’s code', () => {
  test.each([
    ['disabled', 404, 'no_service'],
    ['revoked', 403, 'invalid_token'],
  ] as const)('a %s webhook', async (state, status, code) => {
    const bad = slack.createWebhook('general', { state, secret });
    const result = await invoke('out', { source: { url: bad }, params: { text: 'x' } }, { dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `error: 1 of 1 Slack post(s) failed: the default channel: Slack answered ${status} ${code}\n`,
    );
  });

  test('429 is retried after Retry-After, then succeeds', async () => {
    slack.failNext({ status: 429, retryAfter: 0 });
    const result = await put({ text: 'x' });
    expect(result.code).toBe(0);
    expect(calls().map((call) => call.status)).toEqual([429, 200]);
    expect(result.stderr).toContain('Slack answered 429 rate_limited; retrying');
  });

  test('5xx is retried a bounded number of times', async () => {
    slack.failNext({ status: 500 }, { status: 502 }, { status: 503 });
    const result = await put({ text: 'x' }, { retries: 2 });
    expect(result.code).toBe(1);
    expect(calls().map((call) => call.status)).toEqual([500, 502, 503]);
    expect(result.stderr).toContain('Slack answered 503 internal_error');
  });

  test('one failing channel fails the put after trying the others', async () => {
    slack.failNext({ error: 'channel_not_found' });
    const result = await put({ text: 'x', channel: '#nope #ops' });
    expect(result.code).toBe(1);
    expect(calls().map((call) => call.status)).toEqual([400, 200]);
    expect(result.stderr).toContain(
      '1 of 2 Slack post(s) failed (1 sent): #nope: Slack answered 400 channel_not_found',
    );
  });

  test('an unreachable Slack is a network error, retried, without the URL', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const dead = `http://127.0.0.1:${port}/services/T1/B1/${secret}`;
    const result = await invoke('out', { source: { url: dead, retries: 1 }, params: { text: 'x' } }, { dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cannot reach Slack: fetch failed: ECONNREFUSED/);
  });
});

describe('configuration errors are one line naming the field', () => {
  test.each([
    [{ url: 'not a url' }, { text: 'x' }, "invalid 'source.url'"],
    [{}, { text: 'x' }, "source: set 'url' (an incoming webhook) or 'token' (a bot token)"],
    [{ url: 'https://hooks.example/x', token: 'xoxb-1' }, {}, 'source.url and source.token: set only one'],
    [{ url: 'https://hooks.example/x' }, { thread_ts: '1.2' }, 'params.thread_ts needs source.token'],
    [{ url: 'https://hooks.example/x' }, { attachments: '[{"a": 1' }, "invalid 'params.attachments'"],
  ])('%j %j', async (source, params, message) => {
    const result = await invoke('out', { source, params }, { dir });
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(result.stderr).toContain(message);
  });
});

describe('check and in', () => {
  test('check echoes the given version, or none', async () => {
    expect((await invoke('check', { source: { url } })).stdout).toBe('[]\n');
    expect((await invoke('check', { source: { url }, version: { timestamp: '5' } })).stdout).toBe(
      '[{"timestamp":"5"}]\n',
    );
  });

  test('in echoes the version and writes nothing for a webhook message', async () => {
    const result = await invoke('in', { source: { url }, version: { timestamp: '5' } }, { dir });
    expect(result.json).toEqual({ version: { timestamp: '5' } });
  });
});

describe('in of versions no put made', () => {
  test('echoes them as the reference does: {timestamp: "none"} without a timestamp', async () => {
    for (const [version, answer] of [
      [{ version: 'x' }, { timestamp: 'none' }],
      [{}, { timestamp: 'none' }],
      [{ timestamp: 'abc' }, { timestamp: 'abc' }],
    ]) {
      const result = await invoke('in', { source: { url }, version }, { dir });
      expect(result.json).toEqual({ version: answer });
    }
  });

  test("refuses a token message's ts that is not one", async () => {
    const version = { timestamp: '5', ts: 'nope', channel: 'C1' };
    const result = await invoke('in', { source: { url }, version }, { dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: version\.ts 'nope' is not a Slack message ts/);
  });
});
