// What a long-running server needs from the runner: disabled versions skipped by the scheduler,
// reruns with the original's inputs, build_log_retention deleting old builds' events.
import { afterEach, describe, expect, it } from 'vitest';
import { fileRes, type Harness, harness, job, sh } from './harness.js';

let h: Harness | undefined;
afterEach(() => h?.close());

const inputVersion = (hh: Harness, buildId: number): string | undefined => {
  const input = hh.store.buildInputs(buildId).find((i) => i.name === 'src');
  return input && hh.store.version(input.versionId).version.n;
};

describe('disabled versions', () => {
  it('are skipped for latest, every and passed, and used again once enabled', async () => {
    h = await harness({
      resources: [fileRes('src')],
      jobs: [
        job('latest', [{ get: 'src', trigger: true }, sh('t', 'true')]),
        job('after', [{ get: 'src', trigger: true, passed: ['latest'] }, sh('t', 'true')]),
      ],
    });
    const store = h.store;
    h.push('src');
    await h.runner.runUntilIdle();
    h.push('src');
    await h.runner.checkAll();
    const src = store.resourceId(h.runner.pipelineId, 'src');
    const v2 = store.versions(src)[0]!;
    store.setVersionEnabled(v2.id, false);
    h.runner.pinChanged('src');
    await h.runner.runUntilIdle();
    expect(h.builds('latest').map((b) => inputVersion(h!, b.id))).toEqual(['1']);
    expect(store.versions(src).map((v) => [v.version.n, v.enabled])).toEqual([
      ['2', false],
      ['1', true],
    ]);

    store.setVersionEnabled(v2.id, true);
    h.runner.pinChanged('src');
    await h.runner.runUntilIdle();
    expect(h.builds('latest').map((b) => inputVersion(h!, b.id))).toEqual(['1', '2']);
    expect(h.builds('after').map((b) => inputVersion(h!, b.id))).toEqual(['1', '2']);

    // a version disabled after an upstream build passed it is not taken downstream
    h.push('src');
    await h.runner.checkAll();
    const v3 = store.versions(src)[0]!;
    h.runner.schedule();
    const [upstream] = h.builds('latest').slice(-1);
    await h.runner.runBuildToEnd(upstream!.id);
    store.setVersionEnabled(v3.id, false);
    h.runner.pinChanged('src');
    await h.runner.runUntilIdle();
    expect(h.builds('after').map((b) => inputVersion(h!, b.id))).toEqual(['1', '2']);
  });
});

describe('rerun', () => {
  it("runs N.1 with build N's inputs, without checking; a rerun of a rerun is N.2", async () => {
    h = await harness(
      {
        resources: [fileRes('src')],
        jobs: [
          job('j', [
            { get: 'src', trigger: true, params: { print_env: true } },
            sh('t', 'cat src/content', { inputs: [{ name: 'src' }] }),
          ]),
        ],
      },
      // each get runs `in`, which prints its BUILD_ env
      { noCache: true },
    );
    h.push('src');
    await h.runner.runUntilIdle();
    h.push('src');
    await h.runner.runUntilIdle();
    const [first, second] = h.builds('j');
    expect(inputVersion(h, second!.id)).toBe('2');

    const rerun = h.runner.rerun(first!.id);
    expect(rerun).toMatchObject({ name: '1.1', status: 'pending', rerunOf: first!.id, job: 'j' });
    const result = await h.runner.runBuildToEnd(rerun.id);
    expect(result.status).toBe('succeeded');
    expect(inputVersion(h, rerun.id)).toBe('1');
    expect(h.logOf(rerun.id)).toContain('BUILD_NAME=1.1\n');
    expect(h.logOf(rerun.id)).toContain('src1');

    const again = h.runner.rerun(rerun.id);
    expect(again).toMatchObject({ name: '1.2', rerunOf: first!.id });
    await h.runner.runBuildToEnd(again.id);
    // reruns neither trigger anything nor take a build number
    await h.runner.runUntilIdle();
    expect(h.builds('j').map((b) => b.name)).toEqual(['1', '2', '1.1', '1.2']);
  });

  it('is refused for a job with disable_reruns', async () => {
    h = await harness({
      resources: [fileRes('src')],
      jobs: [job('j', [{ get: 'src', trigger: true }, sh('t', 'true')], { disable_reruns: true })],
    });
    h.push('src');
    await h.runner.runUntilIdle();
    expect(() => h!.runner.rerun(h!.builds('j')[0]!.id)).toThrow("job 'j' has reruns disabled");
  });
});

describe('build_log_retention', () => {
  const buildsWithLogs = (hh: Harness): string[] =>
    hh.builds('j').flatMap((b) => (hh.store.events(b.id).length > 0 ? [b.name] : []));

  it('keeps the logs of the newest builds, minimum_succeeded_builds counted first; the builds stay', async () => {
    h = await harness({
      resources: [fileRes('src')],
      jobs: [
        job(
          'j',
          [
            { get: 'src', trigger: true },
            sh('t', 'test "$(cat src/content)" != src3', { inputs: [{ name: 'src' }] }),
          ],
          {
            build_log_retention: { builds: 2, minimum_succeeded_builds: 1 },
          },
        ),
      ],
    });
    for (let i = 0; i < 3; i++) {
      h.push('src');
      await h.runner.runUntilIdle();
    }
    expect(buildsWithLogs(h)).toEqual(['2', '3']);
    h.push('src');
    await h.runner.runUntilIdle();
    // 4 succeeded, 3 failed: the newest succeeded one counts first, then 3
    expect(h.builds('j').map((b) => b.status)).toEqual(['succeeded', 'succeeded', 'failed', 'succeeded']);
    expect(buildsWithLogs(h)).toEqual(['3', '4']);
    expect(h.builds('j').map((b) => b.reapTime !== null)).toEqual([true, true, false, false]);
  });

  it('the deprecated build_logs_to_retain keeps that many', async () => {
    h = await harness({
      resources: [fileRes('src')],
      jobs: [job('j', [{ get: 'src', trigger: true }, sh('t', 'true')], { build_logs_to_retain: 1 })],
    });
    for (let i = 0; i < 2; i++) {
      h.push('src');
      await h.runner.runUntilIdle();
    }
    expect(buildsWithLogs(h)).toEqual(['2']);
  });
});

describe('set_pipeline children', () => {
  it('a pipeline the job no longer sets is archived after its next succeeded build', async () => {
    h = await harness({
      resources: [fileRes('src')],
      jobs: [
        job('set', [
          { get: 'src', trigger: true },
          { load_var: 'name', file: 'src/content', reveal: true },
          sh(
            'w',
            'echo "jobs: [{name: j, plan: [{task: t, config: {platform: linux, run: {path: env}}}]}]" > o/p.yml',
            {
              outputs: [{ name: 'o' }],
            },
          ),
          { across: [{ var: 'n', values: ['((.:name))'] }], set_pipeline: '((.:n))', file: 'o/p.yml' },
        ]),
      ],
    });
    h.push('src');
    await h.runner.runUntilIdle();
    expect(h.store.pipeline('src1')).toMatchObject({ archived: false });
    h.push('src');
    await h.runner.runUntilIdle();
    expect(h.store.pipeline('src1')).toMatchObject({ archived: true, paused: true });
    expect(h.store.pipeline('src2')).toMatchObject({ archived: false });
    expect(h.messages).toContain('pipeline src1 archived: set #2 no longer sets it\n');
    // setting it again brings it back
    h.runner.rerun(h.builds('set')[0]!.id);
    await h.runner.runUntilIdle();
    expect(h.store.pipeline('src1')).toMatchObject({ archived: false, paused: false });
    expect(h.store.pipeline('src2')).toMatchObject({ archived: true });
  });
});
