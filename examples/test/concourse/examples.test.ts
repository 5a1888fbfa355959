// The examples on a real Concourse (web + containerd worker, our eight types baked into the worker)
// and on hangar, each against fresh services: the same build statuses and the same remote state.
// One stack for the file. Assertions are on state, never on task logs (concourse/concourse#6775).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { git, startGitDaemon, tempDir, type ConcourseStack } from '@hangar/testkit';
import { join } from 'node:path';
import { startExamplesConcourse } from '../../lib/concourse.js';
import { differential, type Scenario } from '../../lib/differential.js';
import { seedRepositories } from '../../hello/seed.mjs';

const examples = join(import.meta.dirname, '..', '..');
let stack: ConcourseStack;

beforeAll(async () => {
  stack = await startExamplesConcourse();
}, 300_000);
afterAll(() => stack?.stop());

/** examples/hello: its two repositories served by git daemon; tags and the version file. */
const hello: Scenario<{ tags: string[]; version: string }> = {
  name: 'hello',
  pipeline: join(examples, 'hello', 'pipeline.yml'),
  async setup(at) {
    const work = await tempDir('hangar-hello-');
    const repos = seedRepositories(work.path);
    const daemon = await startGitDaemon(work.path);
    const host = await at(daemon.port);
    return {
      vars: { app_uri: `git://${host}/app.git`, version_uri: `git://${host}/version.git` },
      state: async () => ({
        tags: (await git(['tag', '--list'], { cwd: repos.app })).split('\n').filter(Boolean),
        version: await git(['show', 'version:version'], { cwd: repos.version }),
      }),
      close: async () => {
        await daemon.stop();
        await work.remove();
      },
    };
  },
};

describe('examples on Concourse and on hangar', () => {
  test('hello: unit, then release tags v0.2.0 and writes the version', async () => {
    const { hangar, concourse } = await differential(stack, hello);
    expect(hangar.builds).toEqual({ 'hello/unit #1': 'succeeded', 'hello/release #1': 'succeeded' });
    expect(hangar.state).toEqual({ tags: ['v0.2.0'], version: '0.2.0' });
    expect(concourse.builds).toEqual(hangar.builds);
    expect(concourse.state).toEqual(hangar.state);
  });
});
