import { randomBytes } from 'node:crypto';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { FakeGrafana } from '@hangar/testkit';
import { BUILD_ENV, canaries, invoke, meta, tempDir } from './invoke.js';

const token = `glsa_CANARY_${randomBytes(8).toString('hex')}`;
const password = `pw-CANARY-${randomBytes(8).toString('hex')}`;
let grafana: FakeGrafana;
let dir: string;

beforeAll(async () => {
  grafana = await FakeGrafana.start({
    apiTokens: [token],
    users: { ci: password },
    dashboards: { deploys: 7 },
  });
  canaries.splice(0, canaries.length, token, password);
});
afterAll(() => grafana.close());
beforeEach(async () => {
  dir = await tempDir();
  grafana.requests.length = 0;
});

const source = (extra: Record<string, unknown> = {}) => ({
  url: grafana.url,
  api_token: token,
  retries: 2,
  ...extra,
});
const put = (
  params: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
  env: Record<string, string> = BUILD_ENV,
) => invoke('out', { source: source(extra), params }, { dir, env });
const BUILD_URL = 'https://ci.example/teams/main/pipelines/cloud/jobs/deploy/builds/7';

describe('create', () => {
  test('POSTs a point annotation at the whole second, merged sorted tags and the reference text; leaves id in the put directory', async () => {
    const before = Math.floor(Date.now() / 1000) * 1000;
    const result = await put({ tags: ['deploy', 'cloud', 'b'] }, { tags: ['b', 'a'] });
    const after = Date.now();
    expect(result.code).toBe(0);
    const [request] = grafana.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/api/annotations', status: 200 });
    expect(request?.headers['authorization']).toBe(`Bearer ${token}`);
    expect(request?.headers['content-type']).toBe('application/json');
    const body = request?.body as { time: number; tags: string[]; text: string };
    expect(body).toEqual({ time: body.time, tags: ['a', 'b', 'cloud', 'deploy'], text: `42 ${BUILD_URL}` });
    expect(body.time).toBeGreaterThanOrEqual(before);
    expect(body.time).toBeLessThanOrEqual(after);
    expect(body.time % 1000).toBe(0);
    const id = String((request?.response as { id: number }).id);
    expect(await readFile(join(dir, 'id'), 'utf8')).toBe(id);
    expect(result.json).toEqual({
      version: { id },
      metadata: [
        { name: 'id', value: id },
        { name: 'tags', value: 'a, b, cloud, deploy' },
        { name: 'text', value: `42 ${BUILD_URL}` },
      ],
    });
  });

  test('basic auth with username and password', async () => {
    const result = await invoke(
      'out',
      { source: { url: `${grafana.url}/`, username: 'ci', password }, params: {} },
      { dir, env: BUILD_ENV },
    );
    expect(result.code).toBe(0);
    expect(grafana.requests[0]?.headers['authorization']).toBe(
      `Basic ${Buffer.from(`ci:${password}`).toString('base64')}`,
    );
    expect(grafana.requests[0]?.path).toBe('/api/annotations'); // trailing slash of url handled
  });

  test('api_token wins when username and password are set too, as in the reference', async () => {
    const result = await invoke(
      'out',
      { source: { url: grafana.url, api_token: token, username: 'ci', password: 'wrong' }, params: {} },
      { dir, env: BUILD_ENV },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(grafana.requests[0]?.headers['authorization']).toBe(`Bearer ${token}`);
  });

  test('a template may use BUILD_URL from Concourse v8 (instanced pipelines keep their vars)', async () => {
    await put(
      { template: '${BUILD_ID} ${BUILD_URL}' },
      {},
      {
        BUILD_ID: '9',
        BUILD_URL: 'https://ci.example/teams/t/pipelines/p/jobs/j/builds/3?vars.env=%22prod%22',
      },
    );
    expect((grafana.requests[0]?.body as { text: string }).text).toBe(
      '9 https://ci.example/teams/t/pipelines/p/jobs/j/builds/3?vars.env=%22prod%22',
    );
  });

  test('unset variables are written as nil, as the reference does, with one warning naming them', async () => {
    const result = await put({}, {}, { BUILD_ID: '12345' });
    expect((grafana.requests[0]?.body as { text: string }).text).toBe(
      '12345 nil/teams/nil/pipelines/nil/jobs/nil/builds/nil',
    );
    expect(result.stderr).toContain(
      "template: $ATC_EXTERNAL_URL, $BUILD_TEAM_NAME, $BUILD_PIPELINE_NAME, $BUILD_JOB_NAME, $BUILD_NAME not set: written as 'nil'",
    );
  });

  test('dashboard_uid and panel_id scope the annotation; params win over source', async () => {
    await put({ panel_id: 4 }, { dashboard_uid: 'deploys', panel_id: 2 });
    expect(grafana.requests[0]?.body).toMatchObject({ dashboardUID: 'deploys', panelId: 4 });
    const id = (grafana.requests[0]?.response as { id: number }).id;
    expect(grafana.annotations.get(id)).toMatchObject({
      dashboardId: 7,
      dashboardUID: 'deploys',
      panelId: 4,
    });
  });
});

describe('templates', () => {
  test('params.env wins over source.env, which wins over build metadata; values are data', async () => {
    const result = await put(
      {
        template: '$WHO deployed ${APP} in $BUILD_JOB_NAME: $EVIL $NOT_SET.',
        env: { WHO: 'alice', BUILD_JOB_NAME: 'mine' },
      },
      { env: { WHO: 'bob', APP: 'api', EVIL: '$(touch pwned) `id`; rm -rf /' } },
    );
    expect(meta(result)['text']).toBe('alice deployed api in mine: $(touch pwned) `id`; rm -rf / nil.');
  });

  test('strict makes unset variables an error naming them', async () => {
    const result = await put(
      { template: '$APP ${BUILD_JOB_NAME} $BUILD_ID', strict: true },
      {},
      { BUILD_ID: '1' },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'error: template: $APP, $BUILD_JOB_NAME not set (strict is on; define it in params.env or source.env)\n',
    );
    expect(grafana.requests).toHaveLength(0);
    expect((await put({ template: '$APP $BUILD_ID', env: { APP: 'x' } }, { strict: true })).code).toBe(0);
  });
});

describe('update into a region', () => {
  async function create(params: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
    const created = await put(params, extra);
    // Concourse's implicit get after the put writes <resource>/id.
    const got = await invoke(
      'in',
      { source: source(), version: created.json.version },
      { dir: join(dir, 'annotate') },
    );
    expect(got.json).toEqual({ version: created.json.version, metadata: [] });
    expect(await readFile(join(dir, 'annotate', 'id'), 'utf8')).toBe(created.json.version['id']);
    return Number(created.json.version['id']);
  }

  test('PATCH sets timeEnd and text and keeps the tags when the put gives none', async () => {
    const id = await create({ tags: ['deploy'] }, { tags: ['cloud'] });
    const result = await put({ path: 'annotate', template: 'done $BUILD_NAME' }, { tags: ['cloud'] });
    expect(result.code).toBe(0);
    const patch = grafana.requests.at(-1);
    expect(patch).toMatchObject({ method: 'PATCH', path: `/api/annotations/${id}`, status: 200 });
    const body = patch?.body as { timeEnd: number; text: string };
    expect(Object.keys(body).sort()).toEqual(['text', 'timeEnd']);
    const annotation = grafana.annotations.get(id);
    expect(annotation).toMatchObject({ text: 'done 7', tags: ['cloud', 'deploy'], timeEnd: body.timeEnd });
    expect(annotation!.timeEnd).toBeGreaterThanOrEqual(annotation!.time);
    expect(result.json.version).toEqual({ id: String(id) });
  });

  test('tags given on update are added to the existing ones', async () => {
    const id = await create({ tags: ['deploy'] });
    await put({ path: 'annotate', tags: ['done'] });
    expect(grafana.requests.map((r) => r.method)).toEqual(['POST', 'GET', 'PATCH']);
    expect(grafana.annotations.get(id)?.tags).toEqual(['deploy', 'done']);
  });

  test('replace_tags replaces them with the configured ones', async () => {
    const id = await create({ tags: ['deploy', 'started'] }, { tags: ['cloud'] });
    const result = await put(
      { path: 'annotate', tags: ['finished'], replace_tags: true },
      { tags: ['cloud'] },
    );
    expect(grafana.annotations.get(id)?.tags).toEqual(['cloud', 'finished']);
    expect(meta(result)['tags']).toBe('cloud, finished');
  });

  test('path may name the id file itself', async () => {
    const id = await create();
    await put({ path: 'annotate/id' });
    expect(grafana.requests.at(-1)?.path).toBe(`/api/annotations/${id}`);
  });

  test("an absolute path is joined onto the put directory, as the reference's path.Join does", async () => {
    const id = await create();
    const result = await put({ path: '/annotate' });
    expect(result.code).toBe(0);
    expect(grafana.requests.at(-1)).toMatchObject({ method: 'PATCH', path: `/api/annotations/${id}` });
  });

  test("'..' is followed out of the put directory, as the reference's path.Join does", async () => {
    const id = await create();
    const sibling = join(dir, 'put');
    await mkdir(sibling);
    const result = await invoke(
      'out',
      { source: source(), params: { path: '../annotate' } },
      { dir: sibling },
    );
    expect(result.code).toBe(0);
    expect(grafana.requests.at(-1)).toMatchObject({ method: 'PATCH', path: `/api/annotations/${id}` });
  });

  test.each([
    ['missing', "params.path: 'missing' does not exist"],
    ['/missing', "params.path: '/missing' does not exist"],
    ['notes', "params.path: 'notes' holds 'hello', not an annotation id"],
  ])('path %s is a clear error', async (path, message) => {
    await mkdir(join(dir, 'x'), { recursive: true });
    await writeFile(join(dir, 'notes'), 'hello');
    const result = await put({ path });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(message);
  });

  test('an annotation Grafana does not know is reported with status and body', async () => {
    await mkdir(join(dir, 'old'));
    await writeFile(join(dir, 'old', 'id'), '999');
    const result = await put({ path: 'old' });
    expect(result.stderr).toBe(
      'error: PATCH /api/annotations/999: expected 200 from Grafana, got 404: {"message":"Could not find annotation to update"}\n',
    );
  });
});

describe('errors, retries and fail_on_error', () => {
  test('a wrong token is 401 with Grafana’s body, not retried, and the token never shows', async () => {
    const result = await invoke(
      'out',
      { source: { url: grafana.url, api_token: `${token}x` }, params: {} },
      { dir },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'error: POST /api/annotations: expected 200 from Grafana, got 401: {"message":"invalid API key"}\n',
    );
    expect(grafana.requests).toHaveLength(1);
  });

  test('a 400 is not retried', async () => {
    const result = await put({}, { dashboard_uid: 'nope' });
    expect(result.stderr).toContain('got 400: {"message":"Invalid dashboard UID in annotation request"}');
    expect(grafana.requests).toHaveLength(1);
  });

  test('5xx is retried and can then succeed', async () => {
    grafana.failNext({ status: 502 });
    const result = await put();
    expect(result.code).toBe(0);
    expect(grafana.requests.map((r) => r.status)).toEqual([502, 200]);
    expect(result.stderr).toContain('got 502');
  });

  test('retries are bounded', async () => {
    grafana.failNext({ status: 503 }, { status: 503 }, { status: 503 }, { status: 503 });
    const result = await put({}, { retries: 1 });
    expect(result.code).toBe(1);
    expect(grafana.requests).toHaveLength(2);
  });

  test('fail_on_error: false turns an outage into a warning, and the later update into a no-op', async () => {
    grafana.failNext({ status: 503 }, { status: 503 }, { status: 503 });
    const created = await put({ fail_on_error: false });
    expect(created.code).toBe(0);
    expect(created.json.version).toEqual({ id: 'none' });
    expect(created.stderr).toContain('warning: annotation not written (fail_on_error is false)');
    await invoke('in', { source: source(), version: created.json.version }, { dir: join(dir, 'annotate') });
    const requests = grafana.requests.length;
    const updated = await put({ path: 'annotate' }, { fail_on_error: 'false' });
    expect(updated.code).toBe(0);
    expect(updated.stderr).toContain('nothing to update');
    expect(grafana.requests).toHaveLength(requests);
    const strict = await put({ path: 'annotate' });
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('records no annotation');
  });

  test('configuration errors still fail with fail_on_error: false', async () => {
    const result = await invoke(
      'out',
      { source: { url: grafana.url, username: 'ci', fail_on_error: false }, params: {} },
      { dir },
    );
    expect(result.stderr).toBe(
      "error: 'password' is required in the source definition when 'username' is present\n",
    );
  });
});

describe('configuration errors are one line naming the field', () => {
  const url = 'http://127.0.0.1:1';
  // The source's three errors are the reference's, checked in its order.
  test.each([
    [{ url: 'x' }, {}, "invalid 'source.url'"],
    [{}, {}, "'url' is required in the source definition"],
    [{ url: '', api_token: 't' }, {}, "'url' is required in the source definition"],
    [{ url }, {}, "'username' or 'api_token' are required in the source definition"],
    [
      { url, api_token: 't', username: 'ci' },
      {},
      "'password' is required in the source definition when 'username' is present",
    ],
    [{ url, api_token: 't' }, { panel_id: 1.5 }, "invalid 'params.panel_id'"],
  ])('%j %j', async (badSource, params, message) => {
    const result = await invoke('out', { source: badSource, params }, { dir });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(message);
  });
});

describe('check', () => {
  test('echoes the given version, or none', async () => {
    expect((await invoke('check', { source: source() })).stdout).toBe('[]\n');
    expect((await invoke('check', { source: source(), version: { id: '3' } })).stdout).toBe('[{"id":"3"}]\n');
  });

  test('check and in need no url or credentials, as the reference checks them only in out', async () => {
    expect((await invoke('check', { source: {}, version: { id: '3' } })).stdout).toBe('[{"id":"3"}]\n');
    expect((await invoke('in', { source: {}, version: { id: '3' } }, { dir })).json).toEqual({
      version: { id: '3' },
      metadata: [],
    });
  });
});

describe('in', () => {
  test('writes whatever id a version holds and answers {id}, as the reference does', async () => {
    for (const [version, id] of [
      [{ id: '12' }, '12'],
      [{ id: 'abc' }, 'abc'],
      [{ version: 'x' }, ''],
    ] as const) {
      const result = await invoke('in', { source: source(), version }, { dir });
      expect(result.json).toEqual({ version: { id }, metadata: [] });
      expect(await readFile(join(dir, 'id'), 'utf8')).toBe(id);
    }
  });
});
