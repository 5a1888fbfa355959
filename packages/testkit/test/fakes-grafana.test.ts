import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FakeGrafana } from '../src/fakes/grafana.js';

let grafana: FakeGrafana;
beforeAll(async () => {
  grafana = await FakeGrafana.start({ apiTokens: ['glsa_good'], users: { ci: 's3cret' } });
});
afterAll(() => grafana.close());

const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
  const response = await fetch(`${grafana.url}${path}`, {
    method,
    headers: { authorization: 'Bearer glsa_good', 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: response.status, body: await response.json() };
};

describe('fake Grafana annotations API', () => {
  test('create, patch into a region, read back', async () => {
    const created = await call('POST', '/api/annotations', {
      time: 1_700_000_000_123,
      tags: ['deploy', 'prod'],
      text: 'build 7',
      dashboardUID: 'deploys',
      panelId: 2,
    });
    const { id } = created.body as { id: number };
    expect(created).toEqual({ status: 200, body: { id, message: 'Annotation added' } });
    expect(id).toBeGreaterThan(0);
    expect(await call('PATCH', `/api/annotations/${id}`, { timeEnd: 1_700_000_060_000 })).toEqual({
      status: 200,
      body: { message: 'Annotation patched' },
    });
    const found = await call('GET', `/api/annotations?dashboardUID=deploys&tags=deploy`);
    expect(found.body).toEqual([
      expect.objectContaining({
        id,
        dashboardId: 7,
        panelId: 2,
        time: 1_700_000_000_123,
        timeEnd: 1_700_000_060_000,
        text: 'build 7',
        tags: ['deploy', 'prod'], // a patch without tags keeps them
      }),
    ]);
    expect((await call('GET', `/api/annotations/${id}`)).body).toMatchObject({ id, text: 'build 7' });
    await call('PATCH', `/api/annotations/${id}`, { tags: ['replaced'] });
    expect(grafana.annotations.get(id)?.tags).toEqual(['replaced']);
  });

  test('basic auth works for a known user', async () => {
    const basic = `Basic ${Buffer.from('ci:s3cret').toString('base64')}`;
    expect((await call('POST', '/api/annotations', { text: 'x' }, { authorization: basic })).status).toBe(
      200,
    );
  });

  test.each([
    ['no credentials', { authorization: '' }, 'Unauthorized'],
    ['a wrong token', { authorization: 'Bearer nope' }, 'invalid API key'],
    [
      'a wrong password',
      { authorization: `Basic ${Buffer.from('ci:nope').toString('base64')}` },
      'Invalid username or password',
    ],
  ])('%s is 401', async (_name, headers, message) => {
    expect(await call('POST', '/api/annotations', { text: 'x' }, headers)).toEqual({
      status: 401,
      body: { message },
    });
  });

  test.each([
    ['an empty text', { text: '' }],
    ['a missing text', { tags: ['a'] }],
    ['an unknown field', { text: 'x', dashboard_uid: 'deploys' }],
    ['tags that are not strings', { text: 'x', tags: [1] }],
    ['a fractional time', { text: 'x', time: 1.5 }],
    ['an unknown dashboard', { text: 'x', dashboardUID: 'nope' }],
    ['malformed JSON', '{"text":'],
  ])('a create with %s is 400', async (_name, body) => {
    const before = grafana.annotations.size;
    const { status } = await call('POST', '/api/annotations', body);
    expect(status).toBe(400);
    expect(grafana.annotations.size).toBe(before);
  });

  test('a body that is not declared JSON is 400; an unknown annotation is 404', async () => {
    expect(
      (await call('POST', '/api/annotations', { text: 'x' }, { 'content-type': 'text/plain' })).status,
    ).toBe(400);
    expect(await call('PATCH', '/api/annotations/999', { timeEnd: 1 })).toEqual({
      status: 404,
      body: { message: 'Could not find annotation to update' },
    });
  });

  test('failures can be injected and every request is recorded', async () => {
    grafana.failNext({ status: 503, body: { message: 'down' } });
    expect(await call('POST', '/api/annotations', { text: 'x' })).toEqual({
      status: 503,
      body: { message: 'down' },
    });
    expect(grafana.requests.at(-1)).toMatchObject({ method: 'POST', path: '/api/annotations', status: 503 });
  });
});
