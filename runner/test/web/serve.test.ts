// `hangar serve` as a real process schedules every pipeline in the state by itself: a pipeline set
// by a set_pipeline step runs with no `hangar run`, /metrics counts the builds this process ran,
// webhooks check, and a restart errors the build the killed process left running.
import { closeSync, constants, mkdirSync, mkdtempSync, openSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { openState, setPipelineFromFile } from '../../src/engine/state.js';
import { fileRes, fileResource, setsInstancedChildren } from '../engine/harness.js';
import { hangarProcess } from '../serve/harness.js';
import { sh } from './harness.js';

type Serve = ReturnType<typeof hangarProcess>;
const running: Serve[] = [];
afterEach(() => {
  for (const p of running.splice(0)) if (p.child.exitCode === null) p.child.kill('SIGKILL');
});

/** A state directory seeded through the store API with `pipeline` as `name` (`((root))` = dir). */
async function seeded(name: string, pipeline: unknown): Promise<{ dir: string; state: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'hangar-serve-'));
  const file = join(dir, `${name}.yml`);
  writeFileSync(file, JSON.stringify(pipeline));
  const state = join(dir, '.hangar');
  const { store } = openState(state);
  await setPipelineFromFile(store, file, name, { root: dir });
  store.close();
  return { dir, state };
}

const push = (dir: string, resource: string, n: number): void => {
  mkdirSync(join(dir, resource), { recursive: true });
  writeFileSync(join(dir, resource, `v${n}`), `${resource}${n}`);
};

async function serve(state: string): Promise<{ serve: Serve; url: string }> {
  const p = hangarProcess([
    'serve',
    '--port',
    '0',
    '--state',
    state,
    '--resource-type',
    `file=${fileResource}`,
  ]);
  running.push(p);
  const url = (await p.waitFor(/UI and API at (http:\/\/127\.0\.0\.1:\d+)\//))[1]!;
  return { serve: p, url };
}

describe('hangar serve, as a process', () => {
  it('runs the jobs of pipelines a set_pipeline step sets, and /metrics counts every build it ran', async () => {
    const { dir, state } = await seeded('parent', setsInstancedChildren());
    push(dir, 'src', 1);
    const { serve: s, url } = await serve(state);
    await s.waitFor(/finished parent\/set #1 succeeded/);
    await s.waitFor(/finished child\/branch:a\/hello #1 succeeded/);
    await s.waitFor(/finished child\/branch:b\/hello #1 failed/);

    const pipelines = (await (await fetch(`${url}/api/v1/pipelines`)).json()) as { name: string }[];
    expect(pipelines.map((p) => p.name)).toEqual(['parent', 'child/branch:a', 'child/branch:b']);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    const finished = (pipeline: string, job: string, status: string) =>
      `concourse_builds_finished{team="main",pipeline="${pipeline}",job="${job}",status="${status}"} 1\n`;
    expect(metrics).toContain(finished('parent', 'set', 'succeeded'));
    expect(metrics).toContain(finished('child/branch:a', 'hello', 'succeeded'));
    expect(metrics).toContain(finished('child/branch:b', 'hello', 'failed'));
    expect(metrics).toContain('concourse_builds_finished_total 3\n');

    s.child.kill('SIGTERM');
    expect(await s.exited).toEqual([0, null]);
  });

  it('checks on a webhook; after a kill, the next serve errors the interrupted build and goes on', async () => {
    const { dir, state } = await seeded('p', {
      resources: [fileRes('src', { check_every: 'never', webhook_token: 'hook-secret' })],
      jobs: [
        {
          name: 'j',
          plan: [
            { get: 'src', trigger: true, params: { print_env: true } },
            sh('t', 'if [ "$(cat src/content)" = src1 ]; then read x < ((root))/gate; fi; echo done', [
              'src',
            ]),
          ],
        },
      ],
    });
    const gate = join(dir, 'gate');
    execFileSync('mkfifo', [gate]);
    push(dir, 'src', 1);
    const hook = (url: string, token: string) =>
      fetch(`${url}/api/v1/teams/main/pipelines/p/resources/src/check/webhook?webhook_token=${token}`, {
        method: 'POST',
      });

    const first = await serve(state);
    expect((await hook(first.url, 'hook-secret')).status).toBe(201);
    await first.serve.waitFor(/started p\/j #1/);
    first.serve.child.kill('SIGKILL');
    await first.serve.exited;

    push(dir, 'src', 2);
    const second = await serve(state);
    expect(second.serve.output()).toContain('marked 1 interrupted build(s) errored');
    expect(await (await fetch(`${second.url}/api/v1/builds/1`)).json()).toMatchObject({ status: 'errored' });
    expect((await hook(second.url, 'wrong')).status).toBe(401);
    expect((await hook(second.url, 'hook-secret')).status).toBe(201);
    await second.serve.waitFor(/finished p\/j #2 succeeded/);
    // the build's links point at this server
    expect(await (await fetch(`${second.url}/api/v1/builds/2/events`)).text()).toContain(
      `ATC_EXTERNAL_URL=${second.url}\\n`,
    );
    second.serve.child.kill('SIGTERM');
    expect(await second.serve.exited).toEqual([0, null]);

    // the killed process's task still waits on the gate: let it go (no reader: nothing to do)
    try {
      closeSync(openSync(gate, constants.O_WRONLY | constants.O_NONBLOCK));
    } catch {
      // ENXIO: it is gone already
    }
  });
});
