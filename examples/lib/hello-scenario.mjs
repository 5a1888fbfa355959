// @ts-check
// examples/hello as a differential scenario: its two repositories (hello/seed.mjs) served by git
// daemon; the end state is the app's tags and the version file. Used by the Concourse suite and
// by bench/concourse.bench.mjs.
import { git, startGitDaemon, tempDir } from '@hangar/testkit';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seedRepositories } from '../hello/seed.mjs';

const examples = join(dirname(fileURLToPath(import.meta.url)), '..');

/** @type {import('./differential.mjs').Scenario<{ tags: string[], version: string }>} */
export const hello = {
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
