// Canary secrets: values from a var source and an unrevealed load_var are used by a build (in
// params, in a task's args, printed, in a failure), then every API route, the event stream,
// /metrics, the UI's files and its rendered pages in chromium are scanned for them.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { routes } from '../../src/web/api.js';
import { fileRes, readSse, webHarness, type WebHarness } from './harness.js';

const canaries = ['canary-7f3a9c-vault-token', 'canary-51be02-loaded-var'];

const pipeline = {
  var_sources: [{ name: 'vault', type: 'dummy', config: { vars: { token: canaries[0] } } }],
  resources: [fileRes('src')],
  jobs: [
    {
      name: 'leaky',
      plan: [
        { get: 'src', trigger: true },
        {
          task: 'write',
          config: {
            platform: 'linux',
            outputs: [{ name: 'o' }],
            // assembled at run time: the whole value never appears in the pipeline
            run: { path: 'sh', args: ['-c', "printf '%s-%s' canary-51be02 loaded-var > o/v"] },
          },
        },
        { load_var: 'loaded', file: 'o/v' },
        {
          task: 'print',
          config: {
            platform: 'linux',
            params: { TOKEN: '((vault:token))', LOADED: '((.:loaded))' },
            run: {
              path: 'sh',
              args: [
                '-c',
                'echo "args ((vault:token))"; echo "token $TOKEN"; echo "loaded $LOADED" >&2; exit 1',
              ],
            },
          },
        },
      ],
    },
  ],
};

let h: WebHarness | undefined;
afterAll(async () => h?.close());

const leaks = (where: string, text: string): string[] =>
  canaries.filter((c) => text.includes(c)).map((c) => `${where} contains ${c}`);

describe('no secret reaches the API or the page', () => {
  it('scans every GET route, the event stream, /metrics, the UI files and its rendered pages', async () => {
    const serverLog: string[] = [];
    h = await webHarness(pipeline, { log: (line) => serverLog.push(line) });
    h.push('src');
    await h.runner.runUntilIdle();
    const [build] = h.store.builds({});
    expect(build?.status).toBe('failed');

    const p = '/api/v1/teams/main/pipelines/p';
    const paths: Record<string, string> = {
      info: '/api/v1/info',
      pipelines: '/api/v1/pipelines',
      pipeline: p,
      graph: `${p}/graph`,
      jobs: `${p}/jobs`,
      job: `${p}/jobs/leaky`,
      'job-builds': `${p}/jobs/leaky/builds`,
      'job-build': `${p}/jobs/leaky/builds/1`,
      resources: `${p}/resources`,
      resource: `${p}/resources/src`,
      'resource-versions': `${p}/resources/src/versions`,
      builds: '/api/v1/builds',
      build: `/api/v1/builds/${build!.id}`,
      'build-plan': `/api/v1/builds/${build!.id}/plan`,
      'build-events': `/api/v1/builds/${build!.id}/events`,
      'pipeline-config': `${p}/config`,
      user: '/api/v1/user',
      teams: '/api/v1/teams',
      workers: '/api/v1/workers',
    };
    // a route added later without being scanned here fails this test
    expect(Object.keys(paths).sort()).toEqual(
      routes
        .filter((r) => r.method === 'GET')
        .map((r) => r.name)
        .sort(),
    );

    const found: string[] = [];
    let eventText = '';
    for (const [name, path] of Object.entries(paths)) {
      const res = await h.get(path);
      expect(res.status, path).toBe(200);
      const text =
        name === 'build-events' ? (await readSse(res)).map((f) => f.data).join('\n') : await res.text();
      if (name === 'build-events') eventText = text;
      found.push(...leaks(path, text));
    }
    // the secrets were really used, and shown redacted
    expect(eventText).toContain('args ((redacted))');
    expect(eventText).toContain('token ((redacted))');
    expect(eventText).toContain('loaded ((redacted))');
    for (const path of ['/metrics', '/', '/assets/app.js', '/assets/app.css']) {
      found.push(...leaks(path, await (await h.get(path)).text()));
    }
    const stored = h.store.db.prepare('SELECT payload FROM events').all() as { payload: string }[];
    found.push(...leaks('stored events', stored.map((r) => r.payload).join('\n')));

    execFileSync(process.execPath, [fileURLToPath(new URL('../../ui/bundle.mjs', import.meta.url))]);
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    try {
      const page = await browser.newPage();
      page.setDefaultTimeout(20_000);
      await page.goto(h.web.signInUrl);
      for (const [path, ready] of [
        ['/teams/main/pipelines/p', 'a.node.job.status-failed'],
        ['/teams/main/pipelines/p/jobs/leaky', 'a.build.status-failed'],
        ['/teams/main/pipelines/p/jobs/leaky/builds/1', '.build-header.status-failed'],
        ['/teams/main/pipelines/p/resources/src', '.version'],
      ] as const) {
        await page.goto(new URL(path, h.web.url).href);
        await page.locator(ready).first().waitFor();
        found.push(...leaks(`page ${path}`, await page.content()));
      }
      await page.goto(new URL('/teams/main/pipelines/p/jobs/leaky/builds/1', h.web.url).href);
      await page.locator('.log', { hasText: 'token ((redacted))' }).waitFor();
    } finally {
      await browser.close();
    }
    found.push(...leaks('server log', serverLog.join('\n')));
    expect(found).toEqual([]);
  });
});
