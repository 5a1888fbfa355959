// Something that is not a registry answers 200 (a proxy's login page, `{}`, a body cut off, JSON
// of the wrong types): the client fails with one RegistryError line naming the request, the status
// and what was wrong, never a SyntaxError or a TypeError from deep inside a pull.
import { describe, expect, it } from 'vitest';
import { GARBAGE_ANSWERS, jsonAnswer, startGarbageServer, type GarbageAnswer } from '@hangar/testkit';
import { MediaType, OciLayout, RegistryClient, RegistryError, pullImage } from '../src/index.js';
import { tempDir } from './temp.js';

const answers: [string, GarbageAnswer, RegExp][] = [
  ['HTML with 200', GARBAGE_ANSWERS['HTML with 200'], /\(the body is not JSON\)/],
  ['empty JSON', GARBAGE_ANSWERS['empty JSON'], /'application\/json' is not a manifest media type/],
  ['truncated JSON', GARBAGE_ANSWERS['truncated JSON'], /\(the body is not JSON\)/],
  [
    'wrong types',
    jsonAnswer({
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      config: { mediaType: MediaType.ociConfig, digest: 'md5:abc', size: 2 },
      layers: 'none',
    }),
    /invalid 'body\.config\.digest': must be a valid regex.*; invalid 'body\.layers': expected array, got string/,
  ],
];

/** The one line a failed call rejects with. */
async function failure(call: Promise<unknown>): Promise<string> {
  const error = await call.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(error).toBeInstanceOf(RegistryError);
  const message = (error as RegistryError).message;
  expect(message.split('\n')).toHaveLength(1);
  return message;
}

describe.each(answers)('a registry that answers %s', (_kind, answer, problem) => {
  it('getManifest names the manifest request', async () => {
    await using server = await startGarbageServer(answer);
    const client = new RegistryClient({ registry: server.url });
    const line = await failure(client.getManifest('hangar/app', '1.0'));
    expect(line).toContain(
      `registry ${server.url.slice('http://'.length)}: GET manifest hangar/app:1.0 answered 200 with an unexpected body`,
    );
    expect(line).toMatch(problem);
  });

  it('pullImage stops at the manifest and writes no blob', async () => {
    await using server = await startGarbageServer(answer);
    const layout = await OciLayout.create(await tempDir());
    const client = new RegistryClient({ registry: server.url });
    await failure(pullImage(client, 'hangar/app', '1.0', layout));
    expect(server.requests).toEqual(['GET /v2/hangar/app/manifests/1.0']);
  });
});

describe.each([
  ...Object.entries(GARBAGE_ANSWERS),
  ['wrong types', jsonAnswer({ token: 42, expires_in: '300' })] as const,
])('a token endpoint that answers %s', (kind, answer) => {
  it('fails the request that needed the token in one line naming the token request', async () => {
    await using server = await startGarbageServer((request) =>
      request.url?.startsWith('/token')
        ? answer
        : {
            status: 401,
            contentType: 'application/json',
            body: '{"errors":[{"code":"UNAUTHORIZED"}]}',
            headers: { 'www-authenticate': `Bearer realm="${server.url}/token",service="garbage"` },
          },
    );
    const client = new RegistryClient({ registry: server.url });
    const line = await failure(client.getManifest('hangar/app', '1.0'));
    expect(line).toContain(`token request to ${server.url}/token answered 200 with an unexpected body`);
    expect(line).toMatch(
      kind === 'empty JSON'
        ? /has neither token nor access_token/
        : kind === 'wrong types'
          ? /invalid 'body\.token': expected string, got number/
          : /the body is not JSON/,
    );
  });
});

it('the quoted body is redacted of the password first, then cut at 200 characters', async () => {
  const password = 'CANARY-registry-password';
  await using server = await startGarbageServer({
    contentType: 'text/html',
    body: `<p>${'x'.repeat(190)}${password}</p>`,
  });
  const client = new RegistryClient({ registry: server.url, credentials: { username: 'ci', password } });
  const line = await failure(client.getManifest('hangar/app', '1.0'));
  expect(line.endsWith(`: <p>${'x'.repeat(190)}((redac`)).toBe(true);
  expect(line).not.toContain(password.slice(0, 6));
});
