// The real fly's job, build and resource commands against a real `hangar serve`: outputs and exit
// codes as fly prints them. The tests share one server and run in order (each leaves the builds
// the next ones count).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servePipelines, type PipelineServe } from './pipelines.js';

const sh = (script: string) => ({ platform: 'linux', run: { path: 'sh', args: ['-c', script] } });
const bold = (text: string): string => `\x1b[1m${text}\x1b[0m`;

let serve: PipelineServe;
beforeAll(async () => {
  serve = await servePipelines({
    p: {
      resource_types: [{ name: 'other', type: 'registry-image', source: { repository: 'example/other' } }],
      resources: [
        { name: 'r', type: 'file', source: { root: '((root))/r' } },
        // checked only when asked: one's check prints to stderr, the other's fails (root below a fifo)
        {
          name: 'noisy',
          type: 'file',
          source: { root: '((root))/noisy', print_env: true },
          check_every: 'never',
        },
        { name: 'broken', type: 'file', source: { root: '((root))/gate/sub' }, check_every: 'never' },
      ],
      jobs: [
        {
          name: 'build',
          plan: [
            { get: 'r' },
            {
              task: 'hello',
              config: { ...sh('echo "hello from $(cat r/number)"'), inputs: [{ name: 'r' }] },
            },
          ],
        },
        { name: 'fail', plan: [{ task: 'boom', config: sh('echo failing; exit 3') }] },
        {
          name: 'hold',
          plan: [{ task: 'wait', config: sh(`echo hold-$((1 + 1)); read line < ${'((root))'}/gate`) }],
        },
        { name: 'probe', plan: [{ get: 'noisy' }, { get: 'broken' }] },
        {
          name: 'cached',
          plan: [{ task: 'fill', config: { ...sh('date > c/stamp'), caches: [{ path: 'c' }] } }],
        },
      ],
    },
  });
  serve.push('r', 1);
  execFileSync('mkfifo', [join(serve.root, 'gate')]);
}, 60_000);
afterAll(() => serve.stop());

const lines = (text: string): string[] =>
  text
    .trimEnd()
    .split('\n')
    .map((l) => l.trimEnd());
type Json = Record<string, unknown>;
const flyJson = async (args: string[]): Promise<Json[]> =>
  JSON.parse((await serve.fly(args)).stdout) as Json[];

describe('jobs and builds', () => {
  it('jobs lists each job with paused, status and next build', async () => {
    const r = await serve.fly(['jobs', '-p', 'p']);
    expect(r).toEqual({
      code: 0,
      stdout:
        'build   no  n/a  n/a\nfail    no  n/a  n/a\nhold    no  n/a  n/a\nprobe   no  n/a  n/a\ncached  no  n/a  n/a\n',
      stderr: '',
    });
    const json = await flyJson(['jobs', '-p', 'p', '--json']);
    expect(json[0]).toMatchObject({
      name: 'build',
      pipeline_name: 'p',
      team_name: 'main',
      next_build: null,
      finished_build: null,
      inputs: [{ name: 'r', resource: 'r', trigger: false }],
    });
  });

  it('trigger-job -w streams the build and exits with its status', async () => {
    const ok = await serve.fly(['trigger-job', '-j', 'p/build', '-w']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('started p/build #1\n');
    expect(ok.stdout).toContain(`${bold('running sh -c echo "hello from $(cat r/number)"')}\n`);
    expect(ok.stdout).toContain('hello from 1\n');
    expect(ok.stdout.endsWith('succeeded\n')).toBe(true);

    const failed = await serve.fly(['trigger-job', '-j', 'p/fail', '-w']);
    expect(failed.code).toBe(3); // the failing task's exit status, as fly exits
    expect(failed.stdout).toContain('failing\n');
    expect(failed.stdout.endsWith('failed\n')).toBe(true);

    const started = await serve.fly(['trigger-job', '-j', 'p/fail']);
    expect(started).toEqual({ code: 0, stdout: 'started p/fail #2\n', stderr: '' });
  });

  it('watch follows the latest build of a job, or one build by number', async () => {
    const latest = await serve.fly(['watch', '-j', 'p/fail']);
    expect(latest.code).toBe(3);
    expect(latest.stdout).toContain('failing\n');
    const first = await serve.fly(['watch', '-j', 'p/build', '-b', '1']);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('hello from 1\n');
    const byId = await serve.fly(['watch', '-b', '1']);
    expect(byId.stdout).toBe(first.stdout);
  });

  it('rerun-build runs the job again with the inputs of that build, named N.1', async () => {
    serve.push('r', 2);
    expect((await serve.fly(['check-resource', '-r', 'p/r'])).code).toBe(0);
    const r = await serve.fly(['rerun-build', '-j', 'p/build', '-b', '1', '-w']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('started p/build #1.1\n');
    expect(r.stdout).toContain('hello from 1\n'); // not version 2
    const again = await serve.fly(['rerun-build', '-j', 'p/build', '-b', '1']);
    expect(again).toEqual({ code: 0, stdout: 'started p/build #1.2\n', stderr: '' });
    await serve.fly(['watch', '-j', 'p/build', '-b', '1.2']);
    const missing = await serve.fly(['rerun-build', '-j', 'p/build', '-b', '9']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('error: resource not found\n');
  });

  it('builds lists builds newest first, for a job (-j), a pipeline (-p), with a count (-c), as JSON', async () => {
    const all = await serve.fly(['builds']);
    expect(all.code).toBe(0);
    // the check build of check-resource is not listed, as in Concourse
    expect(lines(all.stdout).map((l) => l.split(/\s+/).slice(1, 3).join(' '))).toEqual([
      'p/build/1.2 succeeded',
      'p/build/1.1 succeeded',
      'p/fail/2 failed',
      'p/fail/1 failed',
      'p/build/1 succeeded',
    ]);
    expect(lines(all.stdout)[0]).toMatch(
      /^\d+\s+p\/build\/1\.2\s+succeeded\s+\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d[+-]\d{4}\s+\S+\s+\d+s\s+main\s+system$/,
    );
    const job = await serve.fly(['builds', '-j', 'p/fail']);
    expect(lines(job.stdout).map((l) => l.split(/\s+/)[1])).toEqual(['p/fail/2', 'p/fail/1']);
    const counted = await serve.fly(['builds', '-p', 'p', '-c', '2']);
    expect(lines(counted.stdout).map((l) => l.split(/\s+/)[1])).toEqual(['p/build/1.2', 'p/build/1.1']);
    const json = await flyJson(['builds', '-j', 'p/build', '-c', '1', '--json']);
    expect(json).toEqual([
      expect.objectContaining({ name: '1.2', job_name: 'build', pipeline_name: 'p', status: 'succeeded' }),
    ]);
    // --since/--until compare start times
    const since = await serve.fly(['builds', '-j', 'p/fail', '--since', '2000-01-01 00:00:00']);
    expect(lines(since.stdout).map((l) => l.split(/\s+/)[1])).toEqual(['p/fail/2', 'p/fail/1']);
    const until = await serve.fly(['builds', '-j', 'p/fail', '--until', '2000-01-01 00:00:00']);
    expect(until).toEqual({ code: 0, stdout: '', stderr: '' });
    const both = await serve.fly(['builds', '-j', 'p/build', '-p', 'p']);
    expect(both).toMatchObject({ code: 1, stderr: 'error: Cannot specify both --pipeline and --job\n' });
  });

  it('abort-build aborts a running build; watch then exits as aborted', async () => {
    const started = await serve.fly(['trigger-job', '-j', 'p/hold']);
    expect(started.stdout).toBe('started p/hold #1\n');
    const build = (await flyJson(['builds', '-j', 'p/hold', '--json']))[0] as { id: number };
    await serve.waitForEvent(build.id, 'hold-2'); // printed by the running task
    const r = await serve.fly(['abort-build', '-j', 'p/hold', '-b', '1']);
    expect(r).toEqual({ code: 0, stdout: 'build successfully aborted\n', stderr: '' });
    const watched = await serve.fly(['watch', '-j', 'p/hold', '-b', '1']);
    expect(watched.code).toBe(3);
    expect(watched.stdout.endsWith('aborted\n')).toBe(true);
    const again = await serve.fly(['abort-build', '-b', String(build.id)]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`build ${build.id} already aborted`);
  });

  it('pause-job and unpause-job show in jobs', async () => {
    expect(await serve.fly(['pause-job', '-j', 'p/build'])).toEqual({
      code: 0,
      stdout: "paused 'build'\n",
      stderr: '',
    });
    expect(lines((await serve.fly(['jobs', '-p', 'p'])).stdout)[0]).toMatch(
      /^build\s+yes\s+succeeded\s+n\/a$/,
    );
    expect((await serve.fly(['unpause-job', '-j', 'p/build'])).stdout).toBe("unpaused 'build'\n");
    expect(lines((await serve.fly(['jobs', '-p', 'p'])).stdout)[0]).toMatch(
      /^build\s+no\s+succeeded\s+n\/a$/,
    );
    const missing = await serve.fly(['pause-job', '-j', 'p/nope']);
    expect(missing.code).toBe(1);
  });

  it('clear-task-cache removes the caches of a task step', async () => {
    expect((await serve.fly(['trigger-job', '-j', 'p/cached', '-w'])).code).toBe(0);
    const r = await serve.fly(['clear-task-cache', '-j', 'p/cached', '-s', 'fill', '-n']);
    expect(r).toEqual({
      code: 0,
      stdout: '!!! this will remove the task cache(s) for `p/cached`, task step `fill`\n\n1 caches removed\n',
      stderr: '',
    });
    const none = await serve.fly(['clear-task-cache', '-j', 'p/cached', '-s', 'fill', '-n']);
    expect(none.stdout.endsWith('0 caches removed\n')).toBe(true);
  });
});

describe('checklist', () => {
  it('prints a Checkman checkfile of the jobs, grouped', async () => {
    const check = (job: string): string => `${job}: concourse.check ${serve.url} main p ${job}`;
    expect(await serve.fly(['checklist', '-p', 'p'])).toEqual({
      code: 0,
      stdout: `#- p\n${['build', 'cached', 'fail', 'hold', 'probe'].map(check).join('\n')}\n\n`,
      stderr: '',
    });
  });
});

describe('resources', () => {
  it('resources shows type, pin and check status; check-resource streams a check build', async () => {
    expect(lines((await serve.fly(['resources', '-p', 'p'])).stdout)).toEqual([
      'r       file  n/a  succeeded',
      'noisy   file  n/a  n/a',
      'broken  file  n/a  n/a',
    ]);
    serve.push('r', 3);
    const r = await serve.fly(['check-resource', '-r', 'p/r']);
    expect(r.code).toBe(0);
    expect(r.stdout.replace(/build \d+/, 'build N')).toBe(
      `checking p/r in build N\n${bold('initializing check:')} r\nsucceeded\n`,
    );
    expect(lines((await serve.fly(['resource-versions', '-r', 'p/r'])).stdout)).toEqual([
      expect.stringMatching(/^\d+\s+n:3\s+yes$/),
      expect.stringMatching(/^\d+\s+n:2\s+yes$/),
      expect.stringMatching(/^\d+\s+n:1\s+yes$/),
    ]);
    const missing = await serve.fly(['check-resource', '-r', 'p/nope']);
    expect(missing).toMatchObject({
      code: 1,
      stderr: "error: pipeline 'p' or resource 'nope' not found\n\n",
    });
  });

  it('check-resource --from checks from that version; the check log and a failing check are shown', async () => {
    const from = await serve.fly(['check-resource', '-r', 'p/r', '--from', 'n:1']);
    expect(from.code).toBe(0);
    const noisy = await serve.fly(['check-resource', '-r', 'p/noisy']);
    expect(noisy.code).toBe(0);
    expect(noisy.stdout).toContain(`${bold('initializing check:')} noisy\ncheck env:\n`);
    const broken = await serve.fly(['check-resource', '-r', 'p/broken']);
    expect(broken.code).toBe(2); // errored, as fly exits for an errored build
    expect(broken.stdout).toContain('check failed with exit status 1\n');
    expect(broken.stdout.endsWith('errored\n')).toBe(true);
    const async = await serve.fly(['check-resource', '-r', 'p/r', '-a']);
    expect(async.stdout).toMatch(/^checking .* in build \d+\n$/);
  });

  it('check-resource-type answers with a succeeded check build', async () => {
    const r = await serve.fly(['check-resource-type', '-r', 'p/other']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('initializing check:');
    expect(r.stdout.endsWith('succeeded\n')).toBe(true);
    const missing = await serve.fly(['check-resource-type', '-r', 'p/nope']);
    expect(missing.code).toBe(1);
  });

  it('disable-resource-version and enable-resource-version flip a version', async () => {
    expect(await serve.fly(['disable-resource-version', '-r', 'p/r', '-v', 'n:2'])).toEqual({
      code: 0,
      stdout: `disabled 'p/r' with version {"n":"2"}\n`,
      stderr: '',
    });
    expect(lines((await serve.fly(['resource-versions', '-r', 'p/r'])).stdout)[1]).toMatch(
      /^\d+\s+n:2\s+no\s*$/,
    );
    const json = await flyJson(['resource-versions', '-r', 'p/r', '--json']);
    expect(json.map((v) => v.enabled)).toEqual([true, false, true]);
    expect((await serve.fly(['enable-resource-version', '-r', 'p/r', '-v', 'n:2'])).stdout).toBe(
      `enabled 'p/r' with version {"n":"2"}\n`,
    );
    const unknown = await serve.fly(['enable-resource-version', '-r', 'p/r', '-v', 'n:9']);
    expect(unknown).toMatchObject({ code: 1, stderr: 'error: could not find version matching {"n":"9"}\n' });
  });

  it('pin-resource pins a version with a comment; unpin-resource removes both', async () => {
    const r = await serve.fly(['pin-resource', '-r', 'p/r', '-v', 'n:1', '-c', 'hold at one']);
    expect(r).toEqual({
      code: 0,
      stdout: `pinned 'p/r' with version {"n":"1"}\npin comment 'hold at one' is saved\n`,
      stderr: '',
    });
    expect(lines((await serve.fly(['resources', '-p', 'p'])).stdout)[0]).toBe('r       file  n:1  succeeded');
    const resource = (await flyJson(['resources', '-p', 'p', '--json']))[0];
    expect(resource).toMatchObject({ pinned_version: { n: '1' }, pin_comment: 'hold at one' });
    const ran = await serve.fly(['trigger-job', '-j', 'p/build', '-w']);
    expect(ran.stdout).toContain('hello from 1\n');
    expect(await serve.fly(['unpin-resource', '-r', 'p/r'])).toEqual({
      code: 0,
      stdout: "unpinned 'p/r'\n",
      stderr: '',
    });
    const after = (await flyJson(['resources', '-p', 'p', '--json']))[0]!;
    expect(after.pinned_version).toBeUndefined();
    expect(after.pin_comment).toBeUndefined();
  });
});
