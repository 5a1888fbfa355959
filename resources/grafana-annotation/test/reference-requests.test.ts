// Requests as pipelines write them for alphagov/paas-grafana-annotation-resource, which decodes
// JSON into Go structs: `""` and `null` mean "not set" (except its pointer fields `path` and
// `template`, where only `null` does), and keys it does not know are ignored.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { FakeGrafana } from '@hangar/testkit';
import { canaries, invoke, tempDir } from './invoke.js';

const TOKEN = 'glsa_CANARY_reference_0123456789';
canaries.push(TOKEN);
let grafana: FakeGrafana;
beforeAll(async () => {
  grafana = await FakeGrafana.start({ apiTokens: [TOKEN] });
});
afterAll(() => grafana.close());

const source = (extra: object = {}) => ({ url: grafana.url, api_token: TOKEN, ...extra });

test('empty strings and nulls are unset; a null template is the default text', async () => {
  const dir = await tempDir();
  const outcome = await invoke(
    'out',
    {
      source: source({ username: '', password: '', tags: null, env: null, dashboard_uid: '', retries: 0 }),
      params: { tags: null, env: null, template: null, path: null, panel_id: 0, strict: '' },
    },
    { dir },
  );
  expect(outcome.code, outcome.stderr).toBe(0);
  const annotation = grafana.annotations.get(Number(outcome.json.version['id']));
  expect(annotation).toMatchObject({ tags: [], dashboardUID: '', panelId: 0 });
  expect(annotation?.text).toBe('42 https://ci.example/teams/main/pipelines/cloud/jobs/deploy/builds/7');
});

test('path: "" updates the annotation whose id the create left in the put directory', async () => {
  const dir = await tempDir();
  const created = await invoke('out', { source: source(), params: {} }, { dir });
  const id = await readFile(join(dir, 'id'), 'utf8');
  expect(id).toBe(created.json.version['id']);
  const updated = await invoke('out', { source: source(), params: { path: '' } }, { dir });
  expect(updated.code, updated.stderr).toBe(0);
  expect(grafana.annotations.get(Number(id))?.timeEnd).toBeGreaterThan(0);
});

test('an unknown key is ignored with a warning naming the nearest known one', async () => {
  const outcome = await invoke('out', { source: source(), params: { tag: ['x'] } }, { dir: await tempDir() });
  expect(outcome.code).toBe(0);
  expect(outcome.stderr).toContain("unknown key 'params.tag' (did you mean 'tags'?)");
});

test('a failed request is not retried unless retries asks for it, as the reference sends once', async () => {
  grafana.failNext({ status: 503, body: { message: 'down' } });
  grafana.requests.length = 0;
  const outcome = await invoke('out', { source: source(), params: {} }, { dir: await tempDir() });
  expect(outcome.code).toBe(1);
  expect(grafana.requests).toHaveLength(1);
});
