// `fly intercept` into a task running in a runc container (`hangar serve --runtime oci`): the
// command runs inside the task's container (busybox's files, the task's directory as its cwd).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registryWithBusybox } from '../oci/images.js';
import { servePipelines, type PipelineServe } from './pipelines.js';

const fixture = registryWithBusybox('hangar-fly-oci-');
let serve: PipelineServe;
beforeAll(async () => {
  serve = await servePipelines(
    {
      p: {
        jobs: [
          {
            name: 'boxed',
            plan: [
              {
                task: 'wait',
                config: {
                  platform: 'linux',
                  image_resource: {
                    type: 'registry-image',
                    source: { repository: `${fixture.registry.host}/tools/busybox`, tag: '1' },
                  },
                  // the task waits for the file the intercepted command leaves in its directory
                  run: {
                    path: 'sh',
                    args: [
                      '-c',
                      'echo ready-$((40 + 2)); until [ -e release ]; do sleep 0.1; done; cat release',
                    ],
                  },
                },
              },
            ],
          },
        ],
      },
    },
    ['--runtime', 'oci'],
  );
}, 120_000);
afterAll(() => serve.stop());

describe('fly intercept on the oci runtime', () => {
  it("runs the command inside the running task's container", async () => {
    expect((await serve.fly(['trigger-job', '-j', 'p/boxed'])).stdout).toBe('started p/boxed #1\n');
    const [build] = JSON.parse((await serve.fly(['builds', '-j', 'p/boxed', '--json'])).stdout) as {
      id: number;
    }[];
    await serve.waitForEvent(build!.id, 'ready-42'); // printed by the task: it runs
    const r = await serve.fly([
      'intercept',
      '-j',
      'p/boxed',
      '-s',
      'wait',
      '--',
      'sh',
      '-c',
      'readlink /bin/sh; pwd; echo from-intercept > release; exit 5',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(5);
    expect(r.stdout).toMatch(/^busybox\n\/tmp\/build\/[0-9a-f]+\n$/);
    const watched = await serve.fly(['watch', '-j', 'p/boxed', '-b', '1']);
    expect(watched.code).toBe(0);
    expect(watched.stdout).toContain('from-intercept\n');
  }, 120_000);
});
