// Something that is not Slack answers 200: a proxy's login page, `{}`, a body cut off, JSON of the
// wrong types. In token mode the put fails in one line naming the method and what was wrong; a
// webhook, whose every 2xx the reference counts as sent, gets a one-line warning instead.
import { describe, expect, test } from 'vitest';
import { GARBAGE_ANSWERS, jsonAnswer, startGarbageServer, type GarbageAnswer } from '@hangar/testkit';
import { canaries, invoke, tempDir } from './invoke.js';

const TOKEN = 'xoxb-CANARY-garbage-0123456789';
const HOOK_PATH = '/services/T000/B000/CANARYhookSecret';
canaries.push(TOKEN, HOOK_PATH.slice(1));

const answers: [string, GarbageAnswer, RegExp][] = [
  ['HTML with 200', GARBAGE_ANSWERS['HTML with 200'], /the body is not JSON/],
  ['empty JSON', GARBAGE_ANSWERS['empty JSON'], /missing required field 'body\.ok'/],
  ['truncated JSON', GARBAGE_ANSWERS['truncated JSON'], /the body is not JSON/],
  [
    'wrong types',
    jsonAnswer({ ok: true, channel: 7, ts: 1767225600.0001 }),
    /invalid 'body\.channel': expected string, got number/,
  ],
  ['an error without a code', jsonAnswer({ ok: false }), /missing required field 'body\.error'/],
];

const put = async (source: object) =>
  invoke('out', { source: { retries: 2, ...source }, params: { text: 'hi' } }, { dir: await tempDir() });

describe.each(answers)('a Web API that answers %s', (_kind, answer, problem) => {
  test('fails the put in one line naming chat.postMessage, without retrying', async () => {
    await using server = await startGarbageServer(answer);
    const outcome = await put({ token: TOKEN, api_url: `${server.url}/api/`, channel: '#ops' });
    expect(outcome.code).toBe(1);
    const lines = outcome.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('POST /api/chat.postMessage answered 200 with an unexpected body');
    expect(lines[0]).toMatch(problem);
    expect(server.requests).toHaveLength(1);
  });
});

describe.each(Object.entries(GARBAGE_ANSWERS))('a webhook that answers %s', (_kind, answer) => {
  test('succeeds as the reference does, with one warning line', async () => {
    await using server = await startGarbageServer(answer);
    const outcome = await put({ url: `${server.url}${HOOK_PATH}` });
    expect(outcome.code).toBe(0);
    const warnings = outcome.stderr.split('\n').filter((line) => line.includes('unexpected body'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`POST ${server.url}/… answered 200 with an unexpected body (not 'ok'`);
  });
});

test('the quoted body is redacted first, then cut at 200 characters', async () => {
  await using server = await startGarbageServer({
    contentType: 'text/html',
    body: `<p>${'x'.repeat(190)}${TOKEN}</p>`,
  });
  const outcome = await put({ token: TOKEN, api_url: `${server.url}/api/`, channel: '#ops' });
  const line = outcome.stderr.trimEnd();
  expect(line.endsWith(`: <p>${'x'.repeat(190)}((redac`)).toBe(true);
  expect(line).not.toContain(TOKEN.slice(0, 8));
});
