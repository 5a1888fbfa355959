// A proxy or a GitHub Enterprise that answers 200 with something other than the documented JSON:
// every script fails with one line naming the endpoint, the status and what was wrong.
import { generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { describe, expect, test } from 'vitest';
import { GARBAGE_ANSWERS, jsonAnswer, startGarbageServer, type GarbageAnswer } from '@hangar/testkit';
import { TOKEN } from './helpers.js';
import { invoke, tempDir } from './invoke.js';

const source = (url: string, extra: object = {}) => ({
  owner: 'octo',
  repository: 'app',
  access_token: TOKEN,
  github_api_url: `${url}/`,
  github_uploads_url: url,
  ...extra,
});

const wrongRelease = { id: '12', tag_name: 7, draft: 'no', html_url: null, created_at: 5 };
/** Each garbage answer, with wrong types shaped for lists and for single objects. */
const answers: [string, (request: IncomingMessage) => GarbageAnswer][] = [
  ...Object.entries(GARBAGE_ANSWERS).map(([kind, answer]): [string, () => GarbageAnswer] => [
    kind,
    () => answer,
  ]),
  [
    'wrong types',
    (request) => {
      const listing = request.method === 'GET' && request.url?.split('?')[0]?.endsWith('/releases');
      return jsonAnswer(listing ? [wrongRelease] : wrongRelease);
    },
  ],
];

async function failure(script: 'check' | 'in' | 'out', request: object): Promise<string> {
  const outcome = await invoke(script, request, { dir: await tempDir() });
  expect(outcome.code).toBe(1);
  expect(outcome.stdout).toBe('');
  const lines = outcome.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

describe.each(answers)('a GitHub that answers %s', (kind, answer) => {
  const problem =
    kind === 'HTML with 200' || kind === 'truncated JSON'
      ? 'the body is not JSON'
      : kind === 'empty JSON'
        ? /missing required field 'body\.id'|expected array, got object/
        : /invalid 'body(\[0\])?\.id': expected number, got string/;

  test('check names the listing endpoint', async () => {
    await using server = await startGarbageServer(answer);
    const line = await failure('check', { source: source(server.url) });
    expect(line).toContain('GET /repos/octo/app/releases answered 200 with an unexpected body');
    expect(line).toMatch(problem);
  });

  test('in names the release endpoint', async () => {
    await using server = await startGarbageServer(answer);
    const line = await failure('in', { source: source(server.url), version: { tag: 'v1', id: '12' } });
    expect(line).toContain('GET /repos/octo/app/releases/12 answered 200 with an unexpected body');
    expect(line).toMatch(problem);
  });

  test('out names the create endpoint after a well-formed listing', async () => {
    await using server = await startGarbageServer((request) =>
      request.method === 'GET' ? jsonAnswer([]) : answer(request),
    );
    const dir = await tempDir();
    await writeFile(`${dir}/name`, 'v1');
    const outcome = await invoke(
      'out',
      { source: source(server.url), params: { name: 'name', tag: 'name' } },
      { dir },
    );
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toContain('POST /repos/octo/app/releases answered 200 with an unexpected body');
    expect(outcome.stderr).toMatch(problem);
    expect(outcome.stderr.trimEnd().split('\n').at(-1)).toMatch(/^error: /);
  });
});

test('the quoted body is redacted first, then cut at 200 characters', async () => {
  // The token straddles the cut: cutting first would print its first half.
  const page = `<p>${'x'.repeat(190)}${TOKEN}</p>`;
  await using server = await startGarbageServer({ contentType: 'text/html', body: page });
  const line = await failure('check', { source: source(server.url) });
  expect(line.endsWith(`: <p>${'x'.repeat(190)}((redac`)).toBe(true);
  expect(line).not.toContain(TOKEN.slice(0, 6));
});

test('a garbage installation token answer fails GitHub App authentication in one line', async () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  await using server = await startGarbageServer(GARBAGE_ANSWERS['empty JSON']);
  const { access_token: _, ...rest } = source(server.url);
  const line = await failure('check', {
    source: {
      ...rest,
      app_id: 1,
      installation_id: '2',
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    },
  });
  expect(line).toContain(
    "POST /app/installations/2/access_tokens answered 200 with an unexpected body (missing required field 'body.token'",
  );
});
