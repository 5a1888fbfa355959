// The gcs driver against a real fake-gcs-server, reached through a local token endpoint and
// bearer-token gate (gcs-front.ts), so both ways the reference authenticates are exercised.
import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeGcsServer, freePort, startFakeGcs } from '@hangar/testkit';
import { type GcsFront, startGcsFront } from './gcs-front.js';
import { workspace } from './harness.js';

let gcs: FakeGcsServer;
let front: GcsFront;
let keyCount = 0;
const STATIC_TOKEN = 'ya29.canary-static-token-7f3e';

beforeAll(async () => {
  gcs = await startFakeGcs();
  front = await startGcsFront(gcs);
  front.accept(STATIC_TOKEN);
});
afterAll(async () => {
  await front?.stop();
  await gcs?.stop();
});

/** A fresh object, authenticated with the service-account key unless `extra` says otherwise. */
const source = (extra: Record<string, unknown> = {}) => ({
  driver: 'gcs',
  bucket: gcs.bucket,
  key: `versions/app-${++keyCount}`,
  gcs_endpoint: front.endpoint,
  json_key: front.jsonKey,
  ...extra,
});
const withToken = (extra: Record<string, unknown> = {}) =>
  source({ json_key: '', token: STATIC_TOKEN, ...extra });

const stored = async (src: { key: string }) => (await gcs.getObject(gcs.bucket, src.key))?.body;
const store = (src: { key: string }, body: string) => gcs.putObject(gcs.bucket, src.key, body);

/** The private key's base64 body, which no output may contain any line of. */
const keyLines = (jsonKey: string) =>
  (JSON.parse(jsonKey) as { private_key: string }).private_key.split('\n').filter((line) => line.length > 40);

function expectOneLineWithoutSecrets(
  out: { code: number; stdout: string; stderr: string },
  jsonKey?: string,
) {
  expect(out.code).toBe(1);
  expect(out.stdout).toBe('');
  // The failure is one line (log lines of a put may come before it), without a stack.
  expect(out.stderr.trim().split('\n').at(-1)).toMatch(/^error: /);
  expect(out.stderr.match(/^error: /gm)).toHaveLength(1);
  expect(out.stderr).not.toMatch(/^\s+at /m);
  expect(out.stderr).not.toContain('canary');
  expect(out.stderr).not.toContain('ya29.');
  for (const line of jsonKey ? keyLines(jsonKey) : []) expect(out.stderr).not.toContain(line);
}

describe('gcs driver: credentials', () => {
  it('refuses json_key together with token, and neither, before any request', async () => {
    const ws = await workspace();
    const both = await ws.check(source({ token: STATIC_TOKEN }));
    expectOneLineWithoutSecrets(both, front.jsonKey);
    expect(both.stderr).toContain(
      'must specify only one of source.json_key or source.token for the gcs driver',
    );
    const neither = await ws.put(source({ json_key: '' }), { bump: 'patch' });
    expectOneLineWithoutSecrets(neither);
    expect(neither.stderr).toContain(
      'must specify one of source.json_key or source.token for the gcs driver',
    );
  });

  it('works with a token alone and with a service-account key alone (exchanged for a token)', async () => {
    const ws = await workspace();
    // The reference's gcs driver ignores `endpoint` (an s3 field), and so does ours.
    const byToken = withToken({ endpoint: 'http://127.0.0.1:1' });
    const put = await ws.put(byToken, { bump: 'minor' });
    expect(put.result.version).toEqual({ number: '0.1.0' });
    expect(put.stderr).toContain('ignoring source.endpoint: not used by the gcs driver');
    expect((await ws.check(byToken)).result).toEqual([{ number: '0.1.0' }]);

    const before = front.issued;
    const byKey = source();
    expect((await ws.put(byKey, { bump: 'major' })).result.version).toEqual({ number: '1.0.0' });
    expect(await stored(byKey)).toBe('1.0.0');
    // One exchange per process: the token is reused for the read and the write.
    expect(front.issued).toBe(before + 1);
  });

  it('fails in one line, echoing no secret, when GCS or the token endpoint refuses', async () => {
    const ws = await workspace();
    const refusedToken = await ws.check(withToken({ token: 'ya29.canary-revoked' }));
    expectOneLineWithoutSecrets(refusedToken);
    // The SDK redacts `source.key` in messages, as it looks like a secret's name.
    expect(refusedToken.stderr).toContain('GET gs://hangar/((redacted)) answered 401: Invalid Credentials');

    const closed = `http://127.0.0.1:${await freePort()}`;
    const unreachable = await ws.check(withToken({ gcs_endpoint: closed }));
    expectOneLineWithoutSecrets(unreachable);
    expect(unreachable.stderr).toContain(
      `GET gs://hangar/((redacted)): cannot reach ${closed}: ECONNREFUSED`,
    );

    const unknownKey = await ws.put(source({ json_key: front.unknownJsonKey }), { bump: 'patch' });
    expectOneLineWithoutSecrets(unknownKey, front.unknownJsonKey);
    expect(unknownKey.stderr).toContain(
      `the token endpoint ${front.tokenUri} refused the service account key (400: invalid_grant`,
    );
  });

  it('names what is wrong with a json_key without quoting it', async () => {
    const ws = await workspace();
    const key = JSON.parse(front.jsonKey) as Record<string, string>;
    const cases: [string, string][] = [
      ['{"type": "service_account", "private_key": "canary', 'source.json_key is not valid JSON'],
      [
        JSON.stringify({ ...key, type: 'authorized_user' }),
        `source.json_key is not a service account key: its "type" is 'authorized_user'`,
      ],
      [JSON.stringify({ ...key, client_email: '' }), "source.json_key has no 'client_email'"],
      [
        JSON.stringify({ ...key, private_key: 'canary-not-a-pem' }),
        "field 'private_key' is not a PEM private key",
      ],
      [JSON.stringify({ ...key, token_uri: 'file:///canary' }), "field 'token_uri' is not an http(s) URL"],
    ];
    for (const [jsonKey, message] of cases) {
      const out = await ws.check(source({ json_key: jsonKey }));
      expectOneLineWithoutSecrets(out, front.jsonKey);
      expect(out.stderr).toContain(message);
    }
    const endpoint = await ws.check(withToken({ gcs_endpoint: 'http://user:canary@127.0.0.1:1' }));
    expectOneLineWithoutSecrets(endpoint);
    expect(endpoint.stderr).toContain('source.gcs_endpoint must be an http(s) URL without credentials');
  });
});

describe('gcs driver: versions', () => {
  it('check: the initial version (default 0.0.0) for a missing object without a cursor, nothing with one', async () => {
    const ws = await workspace();
    expect((await ws.check(source())).result).toEqual([{ number: '0.0.0' }]);
    const src = source({ initial_version: '3.4.5' });
    expect((await ws.check(src)).result).toEqual([{ number: '3.4.5' }]);
    expect((await ws.check(src, { number: '3.0.0' })).result).toEqual([]);
    expect(await stored(src)).toBeUndefined();
  });

  it('check: the stored version whatever the cursor, as the reference answers', async () => {
    const ws = await workspace();
    const src = source();
    await store(src, '2.6.3');
    for (const cursor of ['1.0.0', '2.6.3', '8.0.0'])
      expect((await ws.check(src, { number: cursor })).result, cursor).toEqual([{ number: '2.6.3' }]);
  });

  it('put bump: writes the bumped version as the object, shaped as the reference writes it', async () => {
    const ws = await workspace();
    const src = source();
    await store(src, '2.6.3');
    expect((await ws.put(src, { bump: 'patch' })).result.version).toEqual({ number: '2.6.4' });
    expect(await gcs.getObject(gcs.bucket, src.key)).toMatchObject({
      body: '2.6.4',
      contentType: 'text/plain; charset=utf-8',
      cacheControl: 'private',
    });
  });

  it('put bump on a missing object starts from initial_version (default 0.0.0), then from the stored one', async () => {
    const ws = await workspace();
    const plain = source();
    expect((await ws.put(plain, { bump: 'patch' })).result.version).toEqual({ number: '0.0.1' });
    expect(await stored(plain)).toBe('0.0.1');
    const src = source({ initial_version: '5.0.0' });
    expect((await ws.put(src, { bump: 'patch' })).result.version).toEqual({ number: '5.0.1' });
    expect((await ws.put(src, { bump: 'patch' })).result.version).toEqual({ number: '5.0.2' });
    expect(await stored(src)).toBe('5.0.2');
  });

  it('reads a version with a trailing newline; an empty object is the initial version', async () => {
    const ws = await workspace();
    const src = source({ initial_version: '0.3.0' });
    await store(src, '');
    expect((await ws.check(src)).result).toEqual([{ number: '0.3.0' }]);
    await store(src, '2.3.4\n');
    expect((await ws.check(src)).result).toEqual([{ number: '2.3.4' }]);
    expect((await ws.put(src, { bump: 'patch' })).result.version).toEqual({ number: '2.3.5' });
    expect(await stored(src)).toBe('2.3.5');
  });

  it('put file: writes the given version; get_latest reads it back', async () => {
    const ws = await workspace();
    const src = withToken();
    await store(src, '9.9.9');
    await writeFile(`${ws.sources}/number`, '1.2.3\n');
    expect((await ws.put(src, { file: 'number' })).result.version).toEqual({ number: '1.2.3' });
    expect(await stored(src)).toBe('1.2.3');
    expect((await ws.put(src, { get_latest: true })).result.version).toEqual({ number: '1.2.3' });
  });

  it('fails in one line naming the object when it does not hold a version', async () => {
    const ws = await workspace();
    const src = source();
    await store(src, 'I am not a semver version');
    const check = await ws.check(src, { number: '1.0.0' });
    expectOneLineWithoutSecrets(check, front.jsonKey);
    expect(check.stderr).toContain(
      "gs://hangar/((redacted)) holds 'I am not a semver version', which is not a semantic version",
    );
    const put = await ws.put(src, { bump: 'patch' });
    expect(put.code).toBe(1);
    expect(await stored(src)).toBe('I am not a semver version');
  });

  it('a check/put cycle from initial_version with no object', async () => {
    const ws = await workspace();
    const src = source({ initial_version: '1.0.0' });
    expect((await ws.check(src)).result).toEqual([{ number: '1.0.0' }]);
    expect((await ws.put(src, { bump: 'patch' })).result.version).toEqual({ number: '1.0.1' });
    expect((await ws.check(src, { number: '1.0.0' })).result).toEqual([{ number: '1.0.1' }]);
    expect((await ws.put(src, { bump: 'patch' })).result.version).toEqual({ number: '1.0.2' });
    expect((await ws.check(src, { number: '1.0.1' })).result).toEqual([{ number: '1.0.2' }]);
  });

  it('writing into a missing bucket fails the put', async () => {
    const ws = await workspace();
    const src = withToken({ bucket: 'no-such-bucket' });
    expect((await ws.check(src)).result).toEqual([{ number: '0.0.0' }]);
    const out = await ws.put(src, { bump: 'patch' });
    expectOneLineWithoutSecrets(out);
    expect(out.stderr).toContain('cannot write gs://no-such-bucket/((redacted)): the bucket does not exist');
  });

  it(
    'ten concurrent bumps end exactly ten patches later, none lost (new and existing object)',
    { timeout: 120_000 },
    async () => {
      const ws = await workspace();
      for (const start of [undefined, '1.0.0']) {
        const src = withToken();
        if (start) await store(src, start);
        const results = await Promise.all(
          Array.from({ length: 10 }, () => ws.putDirect(src, { bump: 'patch' })),
        );
        const base = start ? '1.0' : '0.0';
        expect(new Set(results.map((r) => r.version['number']))).toEqual(
          new Set(Array.from({ length: 10 }, (_, i) => `${base}.${i + 1}`)),
        );
        expect(await stored(src)).toBe(`${base}.10`);
      }
    },
  );
});
