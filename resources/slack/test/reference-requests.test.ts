// Requests as pipelines write them for cloudfoundry-community/slack-notification-resource, a bash
// script that reads each field with `jq -r`: `null` is unset, `"true"` is true, numbers are text,
// keys it does not ask for are ignored, and envsubst blanks variables that are not set.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { FakeSlack } from '@hangar/testkit';
import { canaries, invoke, tempDir, webhookPost } from './invoke.js';

let slack: FakeSlack;
let url: string;
beforeAll(async () => {
  slack = await FakeSlack.start();
  const secret = `CANARY${randomBytes(9).toString('hex')}`;
  canaries.push(secret);
  url = slack.createWebhook('develop', { secret });
});
afterAll(() => slack.close());

const put = async (params: object, source: object = {}) =>
  invoke('out', { source: { url, ...source }, params }, { dir: await tempDir() });

test('nulls are unset, numbers are text, "true"/"2" are a boolean and a number', async () => {
  const before = slack.webhookCalls().length;
  const outcome = await put(
    {
      text: 'build $BUILD_NAME',
      username: 42,
      icon_url: null,
      icon_emoji: null,
      channel: null,
      attachments: null,
      link_names: 'true',
      always_notify: null,
      metadata: 'true',
    },
    { insecure: null, proxy: null, ca_certs: null, retries: '2', timeout: '30', disable: 'false' },
  );
  expect(outcome.code, outcome.stderr).toBe(0);
  const [call] = slack.webhookCalls().slice(before);
  expect(call?.args).toEqual(webhookPost({ text: 'build 7\n', username: '42', link_names: true }));
});

test('a variable that is not set becomes empty, as envsubst makes it', async () => {
  const before = slack.webhookCalls().length;
  await put({ text: 'deploy ${NOT_SET_ANYWHERE}done by $BUILD_JOB_NAME' });
  expect(slack.webhookCalls().slice(before)[0]?.args['text']).toBe('deploy done by deploy\n');
});

test('an unknown key is ignored with a warning naming the nearest known one', async () => {
  const outcome = await put({ txt: 'x', text: 'hello' });
  expect(outcome.code).toBe(0);
  expect(outcome.stderr).toContain("unknown key 'params.txt' (did you mean 'text'?)");
});

/** A put, and the bodies it posted. */
async function putPosting(params: object) {
  const before = slack.webhookCalls().length;
  const outcome = await put(params);
  expect(outcome.code, outcome.stderr).toBe(0);
  return {
    outcome,
    posts: slack
      .webhookCalls()
      .slice(before)
      .map((call) => call.args),
  };
}

test('a flag is on only for true or "true": "yes", 1 and "on" are off, as the reference compares text', async () => {
  const { outcome, posts } = await putPosting({
    text: 'x',
    silent: 'yes',
    metadata: 1,
    link_names: 'on',
    debug: 'no',
  });
  // not silent (the post is logged), no metadata, no link_names, and not a debug run (it was sent)
  expect(outcome.stderr).toContain('posted to the default channel');
  expect(outcome.json.metadata ?? []).toEqual([]);
  expect(posts).toEqual([webhookPost({ text: 'x\n' })]);
  const silent = await put({ text: 'y', silent: 'true' });
  expect(silent.stderr).not.toContain('posted to');
});

test('attachments given as JSON text are read as the array they hold', async () => {
  const { posts } = await putPosting({ attachments: '[{"color":"good","text":"build $BUILD_NAME"}]' });
  expect(posts).toEqual([webhookPost({ attachments: [{ color: 'good', text: 'build 7' }] })]);
});

test('a missing channel_file, env_file or attachments_file is ignored with a warning, as [[ -f ]] skips it', async () => {
  const files = { channel_file: 'none/channels', env_file: 'none/.env', attachments_file: 'none/att.json' };
  const { outcome, posts } = await putPosting({ text: 'x', ...files });
  for (const [field, path] of Object.entries(files))
    expect(outcome.stderr).toContain(`warning: params.${field}: '${path}' does not exist: ignored`);
  expect(posts).toEqual([webhookPost({ text: 'x\n' })]);
});

test('"null" as username, icon or channel text is unset, as the reference reads it', async () => {
  const { posts } = await putPosting({ text: 'x', username: 'null', icon_emoji: 'null', channel: 'null' });
  expect(posts).toEqual([webhookPost({ text: 'x\n' })]);
});
