// The Concourse-shaped API over a real server and state: reads, the event stream, actions, auth.
import { readdirSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fileRes, readSse, sh, webHarness, type WebHarness } from './harness.js';

const pipeline = {
  resources: [fileRes('src')],
  jobs: [
    {
      name: 'unit',
      plan: [
        { get: 'src', trigger: true },
        sh('test', 'printf "\\033[32mok\\033[0m\\n"; cat src/content', ['src']),
      ],
    },
    {
      name: 'gated',
      plan: [
        { get: 'src', passed: ['unit'] },
        sh('wait', 'echo waiting; read x < ((root))/gate; echo released'),
      ],
    },
  ],
  groups: [{ name: 'all', jobs: ['*'] }],
};

let h: WebHarness;
afterEach(async () => h?.close());

interface Build {
  id: number;
  name: string;
  status: string;
  job_name: string;
}

describe('read API', () => {
  it('serves pipelines, jobs with next/finished builds, builds, plans, resources and versions', async () => {
    h = await webHarness(pipeline);
    h.push('src');
    await h.runner.runUntilIdle();
    const pipelines = await h.json<{ name: string; groups: { name: string; jobs: string[] }[] }[]>(
      '/api/v1/teams/main/pipelines',
    );
    expect(pipelines).toEqual([expect.objectContaining({ name: 'p', team_name: 'main', paused: false })]);
    expect(pipelines[0]!.groups).toEqual([{ name: 'all', jobs: ['unit', 'gated'] }]);

    const jobs = await h.json<
      { name: string; finished_build: Build | null; next_build: Build | null; inputs: unknown[] }[]
    >('/api/v1/teams/main/pipelines/p/jobs');
    expect(jobs.map((j) => [j.name, j.finished_build?.status ?? null, j.next_build])).toEqual([
      ['unit', 'succeeded', null],
      ['gated', null, null],
    ]);
    expect(jobs[1]!.inputs).toEqual([{ name: 'src', resource: 'src', passed: ['unit'], trigger: false }]);

    const builds = await h.json<Build[]>('/api/v1/teams/main/pipelines/p/jobs/unit/builds');
    expect(builds).toEqual([
      expect.objectContaining({
        name: '1',
        status: 'succeeded',
        job_name: 'unit',
        pipeline_name: 'p',
        team_name: 'main',
      }),
    ]);
    const id = builds[0]!.id;
    expect(await h.json(`/api/v1/builds/${id}`)).toMatchObject({ id, api_url: `/api/v1/builds/${id}` });
    expect(await h.json('/api/v1/teams/main/pipelines/p/jobs/unit/builds/1')).toMatchObject({ id });
    expect(await h.json(`/api/v1/builds/${id}/plan`)).toEqual({
      schema: 'exec.v2',
      plan: {
        id: '00000001',
        do: [
          { id: '00000002', get: { name: 'src', resource: 'src' } },
          { id: '00000003', task: { name: 'test', privileged: false } },
        ],
      },
    });

    const [resource] = await h.json<Record<string, unknown>[]>('/api/v1/teams/main/pipelines/p/resources');
    expect(resource).toMatchObject({ name: 'src', type: 'file', build: { status: 'succeeded' } });
    expect(resource!.last_checked).toEqual(expect.any(Number));
    const versions = await h.json<{ version: unknown; metadata: unknown }[]>(
      '/api/v1/teams/main/pipelines/p/resources/src/versions',
    );
    expect(versions).toEqual([
      {
        id: expect.any(Number) as number,
        version: { n: '1' },
        metadata: [{ name: 'number', value: '1' }],
        enabled: true,
      },
    ]);
  });

  it('answers unknown things with 404 and one line naming them', async () => {
    h = await webHarness(pipeline);
    for (const [path, text] of [
      ['/api/v1/teams/main/pipelines/nope/jobs', "pipeline 'nope' not found\n"],
      ['/api/v1/teams/main/pipelines/p/jobs/nope', "job 'nope' not found in pipeline 'p'\n"],
      ['/api/v1/builds/999', 'build 999 not found\n'],
      ['/api/v1/nothing', 'not found\n'],
    ] as const) {
      const res = await h.get(path);
      expect([res.status, await res.text()]).toEqual([404, text]);
    }
  });
});

describe('GET /api/v1/builds/:id/events', () => {
  it("streams stored events in Concourse's envelope, ends with `end`, and resumes after Last-Event-ID", async () => {
    h = await webHarness(pipeline);
    h.push('src');
    await h.runner.runUntilIdle();
    const [build] = await h.json<Build[]>('/api/v1/builds');
    const res = await h.get(`/api/v1/builds/${build!.id}/events`);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    expect(res.headers.get('x-atc-stream-version')).toBe('2.0');
    const frames = await readSse(res);
    expect(frames.at(-1)).toEqual({ id: undefined, event: 'end', data: '' });
    const events = frames.slice(0, -1);
    expect(events.every((f) => f.event === 'event')).toBe(true);
    expect(events.map((f) => Number(f.id))).toEqual(events.map((_, i) => i + 1));
    const envelopes = events.map(
      (f) => JSON.parse(f.data) as { event: string; version: string; data: Record<string, unknown> },
    );
    expect(envelopes[0]).toEqual({
      event: 'status',
      version: '1.0',
      data: { status: 'started', time: expect.any(Number) as number },
    });
    expect(envelopes.at(-1)).toMatchObject({ event: 'status', data: { status: 'succeeded' } });
    const log = envelopes.find((e) => e.event === 'log' && String(e.data.payload).includes('ok'));
    expect(log).toMatchObject({
      version: '5.1',
      data: { payload: '\x1b[32mok\x1b[0m\n', origin: { source: 'stdout' } },
    });

    const resumed = await readSse(
      await h.get(`/api/v1/builds/${build!.id}/events`, { 'last-event-id': '3' }),
    );
    expect(resumed.slice(0, -1).map((f) => f.id)).toEqual(events.slice(3).map((f) => f.id));
  });

  it('delivers events live while the build runs and ends when it finishes', async () => {
    h = await webHarness(pipeline);
    h.push('src');
    await h.runner.runUntilIdle();
    const gate = h.gate('gate');
    const trigger = await h.act('POST', '/api/v1/teams/main/pipelines/p/jobs/gated/builds');
    expect(trigger.status).toBe(201);
    const build = (await trigger.json()) as Build;
    const seen: string[] = [];
    const done = readSse(await h.get(`/api/v1/builds/${build.id}/events`), (f) => {
      if (f.event !== 'event') return;
      const e = JSON.parse(f.data) as { event: string; data: { payload?: string } };
      if (e.event !== 'log') return;
      seen.push(e.data.payload!);
      // the build is still blocked on the gate: the stream must already carry its first line
      if (e.data.payload === 'waiting\n') void gate.open();
    });
    const frames = await done;
    expect(seen).toEqual(expect.arrayContaining(['waiting\n', 'released\n']));
    expect(frames.at(-1)!.event).toBe('end');
    expect((await h.json<Build>(`/api/v1/builds/${build.id}`)).status).toBe('succeeded');
  });
});

/** Events as the engine stores them, with fixed times so their framing can be spelled out. */
const logEvent = (seq: number, payload = `line ${seq}\n`) => ({
  event: 'log',
  version: '5.1',
  data: { time: 1700000000, origin: { id: 'a1b2', source: 'stdout' }, payload },
});
const frame = (seq: number, event: unknown): string =>
  `id: ${seq}\nevent: event\ndata: ${JSON.stringify(event)}\n\n`;

describe('GET /api/v1/builds/:id/events framing', () => {
  it("sends a finished build's stored events byte for byte, from the start and resumed alike", async () => {
    h = await webHarness(pipeline);
    const build = h.store.createOneOffBuild(null);
    // more events than a page and more bytes than a chunk, with text JSON escapes
    const events = Array.from({ length: 2600 }, (_, i) =>
      logEvent(i + 1, `\x1b[32mline ${i + 1}\x1b[0m "✓" \\ ${'x'.repeat(400)}\n`),
    );
    events.forEach((e, i) => h.store.appendEvent(build.id, i + 1, e));
    h.store.finishBuild(build.id, 'succeeded');
    const expected = events.map((e, i) => frame(i + 1, e)).join('') + 'event: end\ndata: \n\n';
    expect(expected.length).toBeGreaterThan(1 << 20);
    // the framing spelled out: Concourse clients (fly watch, the web UI) parse exactly this
    expect(expected.slice(0, expected.indexOf('id: 2\n'))).toBe(
      'id: 1\nevent: event\ndata: {"event":"log","version":"5.1","data":{"time":1700000000,' +
        `"origin":{"id":"a1b2","source":"stdout"},"payload":"\\u001b[32mline 1\\u001b[0m \\"✓\\" \\\\ ${'x'.repeat(400)}\\n"}}\n\n`,
    );
    const path = `/api/v1/builds/${build.id}/events`;
    expect(await (await h.get(path)).text()).toBe(expected); // frames the events into a file
    const { endTime } = h.store.build(build.id);
    expect(readdirSync(join(h.dir, '.hangar', 'events'))).toEqual([`${build.id}-${endTime}.sse`]);
    expect(await (await h.get(path)).text()).toBe(expected); // from the file
    const resumed = await (await h.get(path, { 'last-event-id': '1999' })).text();
    expect(resumed).toBe(expected.slice(expected.indexOf('id: 2000\n')));
  });

  it("keeps a running build's stream live: events appended after connecting arrive once, in order, across pages", async () => {
    h = await webHarness(pipeline);
    const build = h.store.createOneOffBuild(null);
    const events: ReturnType<typeof logEvent>[] = [];
    const append = (count: number): void => {
      for (let i = 0; i < count; i++) {
        events.push(logEvent(events.length + 1));
        h.store.appendEvent(build.id, events.length, events.at(-1));
      }
      h.hub.hooks.listener(build.id, events.at(-1)!);
    };
    append(1);
    const frames = await readSse(await h.get(`/api/v1/builds/${build.id}/events`), (f) => {
      if (f.id === '1') append(2500); // the client has the first event: the rest comes live
      if (f.id === '2501') {
        append(2100);
        h.store.finishBuild(build.id, 'succeeded');
        h.hub.hooks.listener(build.id, events.at(-1)!);
      }
    });
    expect(frames.at(-1)).toEqual({ id: undefined, event: 'end', data: '' });
    expect(frames.slice(0, -1).map((f) => Number(f.id))).toEqual(events.map((_, i) => i + 1));
    expect(frames.slice(0, -1).map((f) => f.data)).toEqual(events.map((e) => JSON.stringify(e)));
    const expected = events.map((e, i) => frame(i + 1, e)).join('') + 'event: end\ndata: \n\n';
    expect(await (await h.get(`/api/v1/builds/${build.id}/events`)).text()).toBe(expected);
  });
});

describe('actions', () => {
  it('need the token; the cookie and Basic also need the CSRF header, a Bearer token does not', async () => {
    h = await webHarness(pipeline);
    const url = `${h.web.url}api/v1/teams/main/pipelines/p/jobs/unit/builds`;
    const anonymous = await fetch(url, { method: 'POST', headers: { 'x-hangar-request': '1' } });
    expect([anonymous.status, await anonymous.text()]).toEqual([
      401,
      'actions need the token: open the sign-in URL hangar printed\n',
    ]);
    // a cross-site form or fetch carries the browser's cookie, never an Authorization header
    const cookie = `hangar_token=${encodeURIComponent(h.web.token)}`;
    const crossSite = await fetch(url, { method: 'POST', headers: { cookie } });
    expect(crossSite.status).toBe(403);
    const foreignOrigin = await fetch(url, {
      method: 'POST',
      headers: { cookie, 'x-hangar-request': '1', origin: 'http://evil.example' },
    });
    expect(foreignOrigin.status).toBe(403);
    // a browser resends Basic credentials typed into its prompt, cross-site too
    const basic = `Basic ${Buffer.from(`anyone:${h.web.token}`).toString('base64')}`;
    expect((await fetch(url, { method: 'POST', headers: { authorization: basic } })).status).toBe(403);
    expect(h.store.builds({})).toEqual([]);
    // fly sends its token as a Bearer header and no CSRF header
    const fly = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${h.web.token}` } });
    expect(fly.status).toBe(201);
    expect(h.store.builds({})).toHaveLength(1);
  });

  it('trigger a job, abort a build, check a resource, pin and unpin a version', async () => {
    h = await webHarness(pipeline);
    h.push('src');
    await h.runner.runUntilIdle();
    h.gate('gate');
    const trigger = await h.act('POST', '/api/v1/teams/main/pipelines/p/jobs/gated/builds');
    const build = (await trigger.json()) as Build;
    expect(build).toMatchObject({ job_name: 'gated', name: '1' });
    // abort once the task is blocked on the gate (seen in the stream), then the stream ends
    await readSse(await h.get(`/api/v1/builds/${build.id}/events`), (f) => {
      if (f.data.includes('"payload":"waiting\\n"')) void h.act('PUT', `/api/v1/builds/${build.id}/abort`);
    });
    expect((await h.json<Build>(`/api/v1/builds/${build.id}`)).status).toBe('aborted');
    const again = await h.act('PUT', `/api/v1/builds/${build.id}/abort`);
    expect([again.status, await again.text()]).toEqual([409, `build ${build.id} already aborted\n`]);

    h.push('src');
    const check = await h.act('POST', '/api/v1/teams/main/pipelines/p/resources/src/check');
    expect(await check.json()).toEqual({ name: 'src', status: 'succeeded', new_versions: 1 });
    const versions = await h.json<{ id: number; version: { n: string } }[]>(
      '/api/v1/teams/main/pipelines/p/resources/src/versions',
    );
    expect(versions.map((v) => v.version.n)).toEqual(['2', '1']);

    const old = versions[1]!;
    expect(
      (await h.act('PUT', `/api/v1/teams/main/pipelines/p/resources/src/versions/${old.id}/pin`)).status,
    ).toBe(204);
    expect(await h.json('/api/v1/teams/main/pipelines/p/resources/src')).toMatchObject({
      pinned_version: { n: '1' },
    });
    const pinnedRun = (await (
      await h.act('POST', '/api/v1/teams/main/pipelines/p/jobs/unit/builds')
    ).json()) as Build;
    await readSse(await h.get(`/api/v1/builds/${pinnedRun.id}/events`));
    expect(h.store.buildInputs(pinnedRun.id).map((i) => i.versionId)).toEqual([old.id]);

    expect((await h.act('PUT', '/api/v1/teams/main/pipelines/p/resources/src/unpin')).status).toBe(204);
    const resource = await h.json<Record<string, unknown>>('/api/v1/teams/main/pipelines/p/resources/src');
    expect(resource.pinned_version).toBeUndefined();
    const latestRun = (await (
      await h.act('POST', '/api/v1/teams/main/pipelines/p/jobs/unit/builds')
    ).json()) as Build;
    await readSse(await h.get(`/api/v1/builds/${latestRun.id}/events`));
    expect(h.store.buildInputs(latestRun.id).map((i) => i.versionId)).toEqual([versions[0]!.id]);
  });
});

describe('access', () => {
  it('refuses a Host that is not the loopback (DNS rebinding)', async () => {
    h = await webHarness(pipeline);
    // fetch will not send a foreign Host header; node:http will
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = request(`${h.web.url}api/v1/info`, { headers: { host: 'evil.example' } }, (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(421);
  });

  it('with a configured token, every route needs it (Bearer, Basic password or the sign-in cookie)', async () => {
    h = await webHarness(pipeline, { token: 'let-me-in' });
    const url = `${h.web.url}api/v1/teams/main/pipelines`;
    const anonymous = await fetch(url);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toContain('Basic');
    expect((await fetch(`${h.web.url}metrics`)).status).toBe(401);
    expect((await fetch(`${h.web.url}`)).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: 'Bearer let-me-in' } })).status).toBe(200);
    const basic = `Basic ${Buffer.from('anyone:let-me-in').toString('base64')}`;
    expect((await fetch(url, { headers: { authorization: basic } })).status).toBe(200);
    expect((await fetch(url, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const signIn = await fetch(`${h.web.url}auth?token=let-me-in`, { redirect: 'manual' });
    expect(signIn.status).toBe(303);
    expect(signIn.headers.get('set-cookie')).toMatch(/^hangar_token=let-me-in; HttpOnly; SameSite=Strict/);
  });
});
