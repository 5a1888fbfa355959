// Something that is not Grafana (a proxy's login page, a half-written body, JSON of the wrong
// types) answers 200: the put fails in one line naming the endpoint and what was wrong.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { GARBAGE_ANSWERS, jsonAnswer, startGarbageServer, type GarbageAnswer } from '@hangar/testkit';
import { canaries, invoke, tempDir } from './invoke.js';

const TOKEN = 'glsa_CANARY_garbage_0123456789';
canaries.push(TOKEN);

const answers: [string, GarbageAnswer, RegExp][] = [
  ...Object.entries(GARBAGE_ANSWERS).map(([kind, answer]): [string, GarbageAnswer, RegExp] => [
    kind,
    answer,
    kind === 'empty JSON' ? /missing required field 'body\.(id|message)'/ : /the body is not JSON/,
  ]),
  [
    'wrong types',
    jsonAnswer({ id: '17', message: 3 }),
    /invalid 'body\.(id|message)': expected (number|string), got (string|number)/,
  ],
];

async function put(url: string, params: object, dir: string): Promise<string> {
  const outcome = await invoke('out', { source: { url, api_token: TOKEN }, params }, { dir });
  expect(outcome.code).toBe(1);
  expect(outcome.stdout).toBe('');
  const lines = outcome.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

describe.each(answers)('a server that answers %s', (_kind, answer, problem) => {
  test('create names POST /api/annotations', async () => {
    await using server = await startGarbageServer(answer);
    const line = await put(server.url, {}, await tempDir());
    expect(line).toContain('POST /api/annotations answered 200 with an unexpected body');
    expect(line).toMatch(problem);
    // A wrong shape is not worth another attempt.
    expect(server.requests).toHaveLength(1);
  });

  test('update names PATCH /api/annotations/:id', async () => {
    await using server = await startGarbageServer(answer);
    const dir = await tempDir();
    await mkdir(join(dir, 'annotation'));
    await writeFile(join(dir, 'annotation', 'id'), '17');
    const line = await put(server.url, { path: 'annotation' }, dir);
    expect(line).toContain('PATCH /api/annotations/17 answered 200 with an unexpected body');
    expect(line).toMatch(problem);
  });
});

test('the tags of an annotation being updated are checked too', async () => {
  await using server = await startGarbageServer((request) =>
    request.method === 'GET' ? jsonAnswer({ id: 17, tags: 'deploy' }) : jsonAnswer({ message: 'ok' }),
  );
  const dir = await tempDir();
  await writeFile(join(dir, 'id'), '17');
  const line = await put(server.url, { path: 'id', tags: ['release'] }, dir);
  expect(line).toContain(
    "GET /api/annotations/17 answered 200 with an unexpected body (invalid 'body.tags': expected array, got string)",
  );
});

test('the quoted body is redacted first, then cut at 200 characters', async () => {
  await using server = await startGarbageServer({
    contentType: 'text/html',
    body: `<p>${'x'.repeat(190)}${TOKEN}</p>`,
  });
  const line = await put(server.url, {}, await tempDir());
  expect(line.endsWith(`: <p>${'x'.repeat(190)}((redac`)).toBe(true);
  expect(line).not.toContain(TOKEN.slice(0, 6));
});

test('with fail_on_error false, a wrong shape is a warning and the put succeeds', async () => {
  await using server = await startGarbageServer(GARBAGE_ANSWERS['HTML with 200']);
  const outcome = await invoke(
    'out',
    { source: { url: server.url, api_token: TOKEN }, params: { fail_on_error: false } },
    { dir: await tempDir() },
  );
  expect(outcome.code).toBe(0);
  expect(outcome.json.version).toEqual({ id: 'none' });
  expect(outcome.stderr).toContain('POST /api/annotations answered 200 with an unexpected body');
});
