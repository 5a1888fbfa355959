// Resource webhooks answer as Concourse's do, need no sign-in (the token is the credential, even
// when the server wants a token for reads), and check the resource.
import { afterEach, describe, expect, it } from 'vitest';
import { pipelineRef } from '../../src/store/pipeline-ref.js';
import { webHarness, type WebHarness } from './harness.js';

let h: WebHarness;
afterEach(async () => h?.close());

describe('POST .../resources/R/check/webhook', () => {
  it('checks the resource for the right token only, with no sign-in', async () => {
    h = await webHarness(
      {
        resources: [
          {
            name: 'src',
            type: 'file',
            check_every: 'never',
            webhook_token: 'hook-secret',
            source: { root: '((root))/src' },
          },
          { name: 'plain', type: 'file', source: { root: '((root))/plain' } },
        ],
        jobs: [{ name: 'j', plan: [{ get: 'src' }, { get: 'plain' }] }],
      },
      { token: 'server-token' },
    );
    const base = h.web.url.replace(/\/$/, '');
    const hook = (path: string) => fetch(`${base}/api/v1/teams/main/pipelines/${path}`, { method: 'POST' });
    expect((await hook('p/resources/src/check/webhook')).status).toBe(400);
    expect((await hook('p/resources/src/check/webhook?webhook_token=nope')).status).toBe(401);
    expect((await hook('p/resources/plain/check/webhook?webhook_token=hook-secret')).status).toBe(401);
    expect((await hook('p/resources/gone/check/webhook?webhook_token=hook-secret')).status).toBe(404);
    expect((await hook('q/resources/src/check/webhook?webhook_token=hook-secret')).status).toBe(404);
    // reads still need the server's token
    expect((await fetch(`${base}/api/v1/pipelines`)).status).toBe(401);

    h.push('src');
    const res = await hook('p/resources/src/check/webhook?webhook_token=hook-secret');
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ name: 'check', pipeline_name: 'p', resource_name: 'src' });
    const src = h.store.resourceId(h.runner.pipelineId, 'src');
    await expect.poll(() => h.store.versions(src).map((v) => v.version.n)).toEqual(['1']);

    // an instanced pipeline is named by its instance vars, as fly sends them
    const instanceVars = { branch: 'main' };
    h.store.savePipeline(
      pipelineRef('q', instanceVars),
      h.store.pipeline('p')!.config,
      ['src', 'plain'],
      ['j'],
      {
        instanceVars,
      },
    );
    const token = 'webhook_token=hook-secret';
    expect((await hook(`q/resources/src/check/webhook?${token}&vars.branch=%22main%22`)).status).toBe(201);
    expect((await hook(`q/resources/src/check/webhook?${token}&vars.branch=%22dev%22`)).status).toBe(404);
  });
});
