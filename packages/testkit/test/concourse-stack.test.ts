// startConcourse(): a real web and containerd worker come up, run a container, and leave nothing
// behind when stopped: no process, mount, cgroup, iptables rule, namespace or state directory of
// theirs. Only what the stack itself created is counted.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { NOTHING_LEFT, ownCgroupDirs, startConcourse } from '../src/index.js';

test('a stack runs containers and leaves nothing of its own behind', async () => {
  const stack = await startConcourse({ resourceTypes: [] });
  try {
    const workers = JSON.parse((await stack.fly(['workers', '--json'])).stdout) as {
      resource_types: { type: string }[];
    }[];
    expect(workers[0]?.resource_types.map((t) => t.type)).toEqual(['registry-image']);
    const before = (await stack.pids()).length;
    // A check runs in a container that the worker keeps: something to clean up.
    const pipeline = join(await mkdtemp(join(tmpdir(), 'hangar-stack-test-')), 'pipeline.yml');
    await writeFile(
      pipeline,
      JSON.stringify({
        resources: [
          { name: 'image', type: 'registry-image', source: { repository: `${stack.registryInside}/none` } },
        ],
        jobs: [{ name: 'j', plan: [{ get: 'image' }] }],
      }),
    );
    await stack.fly(['set-pipeline', '-n', '-p', 'p', '-c', pipeline]);
    await rm(join(pipeline, '..'), { recursive: true });
    await stack.fly(['unpause-pipeline', '-p', 'p']);
    const check = await stack.fly(['check-resource', '-r', 'p/image'], { allowFailure: true });
    expect(check.stdout + check.stderr).toMatch(/errored|failed|NAME_UNKNOWN|not found/i);
    expect((await stack.pids()).length).toBeGreaterThan(before);
    expect((await stack.leftovers()).namespaces).toEqual([stack.id]);
  } finally {
    await stack.stop();
  }
  expect(await stack.leftovers()).toEqual(NOTHING_LEFT);
});

/** This process's stacks' namespaces: other test processes may start and stop stacks meanwhile. */
const ownNamespaces = (): string[] =>
  execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.startsWith(`hangar-cc-${process.pid}-`));

test('a stack that fails to start removes what it had made', async () => {
  const namespacesBefore = ownNamespaces();
  await expect(startConcourse({ resourceTypes: ['/nonexistent/resource-types'] })).rejects.toThrow(
    /nonexistent/,
  );
  expect(ownNamespaces()).toEqual(namespacesBefore);
  const ours = readdirSync(tmpdir()).filter((name) => name.startsWith(`hangar-cc-${process.pid}-`));
  expect(ours).toEqual([]);
  for (const dir of await ownCgroupDirs()) {
    expect(readdirSync(dir).filter((name) => name.startsWith(`hangar-cc-${process.pid}-`))).toEqual([]);
  }
});
