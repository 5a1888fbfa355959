// Pipelines in the style of the runner's scheduling tests (passed chains, across, set_pipeline,
// try and hooks, attempts), written with our git and semver types and busybox tasks so that they
// run on a real Concourse too: the same builds and the same tags and versions as on hangar.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'vitest';
import { GitRepo, git, startGitDaemon, tempDir } from '@hangar/testkit';
import { concourseForThisFile } from './stack.js';
import { differential, type Scenario } from '../../lib/differential.mjs';

const pipelines = join(import.meta.dirname, 'pipelines');
const TAGS = [
  'shipped',
  'recovered',
  'ensured-1',
  'failed',
  'wrongly-succeeded',
  'ensured-2',
  'errored',
  'wrongly-failed',
  'gave-up',
  'added',
];
// What set-pipeline.yml sets itself to: itself plus a job that runs after it.
const RECONFIGURED = `${readFileSync(join(pipelines, 'set-pipeline.yml'), 'utf8')}
  - name: added
    plan:
      - get: repo
        trigger: true
        passed: [reconfigure]
      - put: repo
        params: { repository: repo, tag: repo/tags/added, only_tag: true }
`;

const real = concourseForThisFile(); // the real Concourse of this file

interface End {
  tags: string[];
  version: string;
}

/** A repository holding `tags/<name>` files (the tag names puts read) and an empty version branch. */
const scenario = (name: string): Scenario<End> => ({
  name,
  pipeline: join(pipelines, `${name}.yml`),
  async setup(at) {
    const work = await tempDir(`hangar-${name}-`);
    const daemon = await startGitDaemon(work.path);
    const repos = { repo: join(work.path, 'repo.git'), version: join(work.path, 'version.git') };
    await GitRepo.initBare(repos.repo, { branch: 'main' });
    await GitRepo.initBare(repos.version, { branch: 'version' });
    const repo = await GitRepo.init(join(work.path, 'repo'), { branch: 'main' });
    await repo.addRemote('origin', repos.repo);
    await repo.commit('tags and the reconfigured pipeline', {
      ...Object.fromEntries(TAGS.map((tag) => [`tags/${tag}`, `${tag}\n`])),
      'ci/pipeline.yml': RECONFIGURED,
    });
    await repo.push('origin', 'main');
    const host = await at(daemon.port);
    return {
      vars: { repo_uri: `git://${host}/repo.git`, version_uri: `git://${host}/version.git` },
      state: async () => ({
        tags: (await git(['tag', '--list'], { cwd: repos.repo })).split('\n').filter(Boolean),
        version: await git(['show', 'version:version'], { cwd: repos.version }).catch(() => ''),
      }),
      close: async () => {
        await daemon.stop();
        await work.remove();
      },
    };
  },
});

// Independent pipelines on one stack: run side by side (most of a run is waiting on Concourse).
describe.concurrent('scheduling pipelines on Concourse and on hangar', () => {
  test('passed: a chain and a fan-in; ship runs once both upstreams passed', async ({ expect }) => {
    const { hangar, concourse } = await differential(real.stack, scenario('passed-chain'));
    expect(hangar.builds).toEqual({
      'passed-chain/unit #1': 'succeeded',
      'passed-chain/integration #1': 'succeeded',
      'passed-chain/lint #1': 'succeeded',
      'passed-chain/ship #1': 'succeeded',
    });
    expect(hangar.state).toEqual({ tags: ['shipped'], version: '' });
    expect(concourse.builds).toEqual(hangar.builds);
    expect(concourse.state).toEqual(hangar.state);
  });

  test('across: one put per value', async ({ expect }) => {
    const { hangar, concourse } = await differential(real.stack, scenario('across'));
    expect(hangar.builds).toEqual({ 'across/fan-out #1': 'succeeded' });
    expect(hangar.state.tags).toEqual(['deployed-dev', 'deployed-prod', 'deployed-staging']);
    expect(concourse.builds).toEqual(hangar.builds);
    expect(concourse.state).toEqual(hangar.state);
  });

  test('hooks: try recovers, on_failure, on_error and ensure run; the wrong hooks do not', async ({
    expect,
  }) => {
    const { hangar, concourse } = await differential(real.stack, scenario('hooks'));
    expect(hangar.builds).toEqual({
      'hooks/recovers #1': 'succeeded',
      'hooks/fails #1': 'failed',
      'hooks/errors #1': 'errored',
    });
    expect(hangar.state.tags).toEqual(['ensured-1', 'ensured-2', 'errored', 'failed', 'recovered']);
    expect(concourse.builds).toEqual(hangar.builds);
    expect(concourse.state).toEqual(hangar.state);
  });

  test('attempts: the third attempt passes; two failed attempts fail the build', async ({ expect }) => {
    const { hangar, concourse } = await differential(real.stack, scenario('attempts'));
    expect(hangar.builds).toEqual({
      'attempts/third-time-lucky #1': 'succeeded',
      'attempts/never #1': 'failed',
    });
    expect(hangar.state).toEqual({ tags: ['gave-up'], version: '0.0.3' });
    expect(concourse.builds).toEqual(hangar.builds);
    expect(concourse.state).toEqual(hangar.state);
  });

  test('set_pipeline: self adds a job, which then runs', async ({ expect }) => {
    const { hangar, concourse } = await differential(real.stack, scenario('set-pipeline'));
    expect(hangar.builds).toEqual({
      'set-pipeline/reconfigure #1': 'succeeded',
      'set-pipeline/added #1': 'succeeded',
    });
    expect(hangar.state.tags).toEqual(['added']);
    expect(concourse.builds).toEqual(hangar.builds);
    expect(concourse.state).toEqual(hangar.state);
  });
});
