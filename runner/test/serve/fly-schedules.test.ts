// What fly sets, `hangar serve` schedules: a pipeline set and unpaused with the real fly runs its
// job, whose set_pipeline step sets a child pipeline that runs too, with no `hangar run`.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stripVTControlCharacters as plain } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fileResource } from '../engine/harness.js';
import { fileRes, sh } from '../web/harness.js';
import { startServe, type ServeFixture } from './harness.js';

let serve: ServeFixture;
beforeAll(async () => {
  serve = await startServe({ args: ['--resource-type', `file=${fileResource}`] });
});
afterAll(() => serve.stop());

it('runs a pipeline once fly unpauses it, and the child pipeline its job sets', async () => {
  const child = {
    resources: [fileRes('src')],
    jobs: [{ name: 'hello', plan: [{ get: 'src', trigger: true }, sh('say', 'echo hello from the child')] }],
  };
  const parent = {
    resources: [fileRes('src')],
    jobs: [
      {
        name: 'set',
        plan: [
          { get: 'src', trigger: true },
          {
            task: 'write',
            config: {
              platform: 'linux',
              outputs: [{ name: 'o' }],
              run: { path: 'sh', args: ['-c', `echo '${JSON.stringify(child)}' > o/child.yml`] },
            },
          },
          { set_pipeline: 'child', file: 'o/child.yml', vars: { root: '((root))' } },
        ],
      },
    ],
  };
  mkdirSync(join(serve.dir, 'src'));
  writeFileSync(join(serve.dir, 'src', 'v1'), 'one');
  const config = join(serve.dir, 'parent.yml');
  writeFileSync(config, JSON.stringify(parent));

  const set = await serve.fly([
    'set-pipeline',
    '-n',
    '-p',
    'parent',
    '-c',
    config,
    '-v',
    `root=${serve.dir}`,
  ]);
  expect(set.stdout).toContain('the pipeline is currently paused');
  expect(await serve.fly(['unpause-pipeline', '-p', 'parent'])).toEqual({
    code: 0,
    stdout: "unpaused 'parent'\n",
    stderr: '',
  });
  await serve.process.waitFor(/finished parent\/set #1 succeeded/);
  await serve.process.waitFor(/finished child\/hello #1 succeeded/);
  const listed = (await serve.fly(['pipelines'])).stdout;
  // a set_pipeline step's pipeline is not paused, unlike fly's
  expect(listed).toMatch(/^\d+ +child +no +no /m);
  expect(listed).toMatch(/^\d+ +parent +no +no /m);

  // fly warns before overwriting what a set_pipeline step owns
  const over = await serve.fly([
    'set-pipeline',
    '-n',
    '-p',
    'child',
    '-c',
    config,
    '-v',
    `root=${serve.dir}`,
  ]);
  expect(over.code).toBe(0);
  expect(plain(over.stdout)).toContain(
    "WARNING: pipeline has been configured through the 'set_pipeline' step, your changes may be overwritten on the next 'set_pipeline' step execution\n",
  );
});

it('destroy-pipeline takes the builds with it, their events files included', async () => {
  const auth = { authorization: `Bearer ${serve.token}` };
  const builds = (await (await fetch(`${serve.url}/api/v1/builds`, { headers: auth })).json()) as {
    id: number;
    pipeline_name: string;
  }[];
  const parentBuild = builds.find((b) => b.pipeline_name === 'parent')!;
  await (await fetch(`${serve.url}/api/v1/builds/${parentBuild.id}/events`, { headers: auth })).text();
  const eventsDir = join(serve.stateDir, 'events');
  expect(readdirSync(eventsDir).filter((f) => f.startsWith(`${parentBuild.id}-`))).toHaveLength(1);

  expect((await serve.fly(['destroy-pipeline', '-p', 'parent', '-n'])).stdout).toContain('`parent` deleted');
  expect(readdirSync(eventsDir).filter((f) => f.startsWith(`${parentBuild.id}-`))).toEqual([]);
  const after = await fetch(`${serve.url}/api/v1/builds/${parentBuild.id}`, { headers: auth });
  expect(after.status).toBe(404);
  expect((await serve.fly(['pipelines'])).stdout).not.toMatch(/ parent /);
});
