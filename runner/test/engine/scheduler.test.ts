// The scheduler rules of §5, each with its own small pipeline.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { fileRes, type Harness, harness, job, sh } from './harness.js';

let h: Harness | undefined;
afterEach(() => h?.close());

const ok = sh('t', 'true');
const versionsUsed = (hh: Harness, jobName: string, input: string): string[] =>
  hh.builds(jobName).map((b) => {
    const i = hh.store.buildInputs(b.id).find((x) => x.name === input);
    return i ? hh.store.version(i.versionId).version.n! : '-';
  });

describe('check order', () => {
  it('re-orders all returned versions to the top only when one is new', () => {
    const store = new Store(mkdtempSync(join(tmpdir(), 'hangar-store-')));
    const id = store.savePipeline('p', {}, ['r'], []);
    const r = store.resourceId(id, 'r');
    store.saveCheckedVersions(r, [{ n: '1' }, { n: '2' }, { n: '3' }]);
    expect(store.latestVersion(r)?.version).toEqual({ n: '3' });
    expect(store.saveCheckedVersions(r, [{ n: '1' }])).toBe(0);
    expect(store.latestVersion(r)?.version).toEqual({ n: '3' });
    expect(store.saveCheckedVersions(r, [{ n: '4' }, { n: '1' }])).toBe(1);
    expect(store.versions(r).map((v) => v.version.n)).toEqual(['1', '4', '3', '2']);
    store.close();
  });
});

describe('trigger', () => {
  it('creates a build for a new triggering version, none for the same version again', async () => {
    h = await harness({ resources: [fileRes('r')], jobs: [job('j', [{ get: 'r', trigger: true }, ok])] });
    h.push('r');
    await h.runner.runUntilIdle();
    await h.runner.runUntilIdle();
    expect(versionsUsed(h, 'j', 'r')).toEqual(['1']);
    h.push('r');
    await h.runner.runUntilIdle();
    expect(versionsUsed(h, 'j', 'r')).toEqual(['1', '2']);
  });

  it('never builds for a non-triggering input', async () => {
    h = await harness({ resources: [fileRes('r')], jobs: [job('j', [{ get: 'r' }, ok])] });
    h.push('r');
    await h.runner.runUntilIdle();
    expect(h.builds('j')).toHaveLength(0);
  });

  it('only triggers on versions never used by that input, not merely different from the last build', async () => {
    h = await harness({ resources: [fileRes('r')], jobs: [job('j', [{ get: 'r', trigger: true }, ok])] });
    h.push('r');
    await h.runner.runUntilIdle();
    h.push('r');
    await h.runner.runUntilIdle();
    // a check that re-orders v1 to the top (with a new v9) makes v1 the latest again: already used
    const r = h.store.resourceId(h.runner.pipelineId, 'r');
    h.store.saveCheckedVersions(r, [{ n: '9' }, { n: '1' }]);
    h.runner.schedule();
    expect(h.runner.pendingBuilds()).toHaveLength(0);
    expect(versionsUsed(h, 'j', 'r')).toEqual(['1', '2']);
  });

  it('keeps at most one pending automatic build per job', () => {
    const store = new Store(mkdtempSync(join(tmpdir(), 'hangar-store-')));
    const p = store.savePipeline('p', {}, [], ['j']);
    const j = store.jobId(p, 'j');
    expect(store.createBuild(p, j, false)).toBeDefined();
    expect(store.createBuild(p, j, false)).toBeUndefined();
    expect(store.createBuild(p, j, true)).toBeDefined();
    store.close();
  });

  it('a manual trigger checks inputs without passed first', async () => {
    h = await harness({ resources: [fileRes('r')], jobs: [job('j', [{ get: 'r' }, ok])] });
    h.push('r');
    const b = await h.runJob('j');
    expect(b.status).toBe('succeeded');
    expect(versionsUsed(h, 'j', 'r')).toEqual(['1']);
  });
});

describe('passed', () => {
  it('only versions that went through a succeeded build of the upstream job', async () => {
    h = await harness({
      resources: [fileRes('r')],
      jobs: [
        job('a', [
          { get: 'r', trigger: true },
          sh('t', 'grep -q 2 r/content && exit 1 || true', { inputs: [{ name: 'r' }] }),
        ]),
        job('b', [{ get: 'r', trigger: true, passed: ['a'] }, ok]),
      ],
    });
    h.push('r');
    await h.runner.runUntilIdle();
    h.push('r'); // v2 fails in a
    await h.runner.runUntilIdle();
    expect(h.builds('a').map((b) => b.status)).toEqual(['succeeded', 'failed']);
    expect(versionsUsed(h, 'b', 'r')).toEqual(['1']);
  });

  it('resolves inputs sharing a passed job from the same upstream build', async () => {
    h = await harness({
      resources: [fileRes('r1'), fileRes('r2')],
      jobs: [
        job('a', [
          {
            in_parallel: [
              { get: 'r1', trigger: true },
              { get: 'r2', trigger: true },
            ],
          },
          ok,
        ]),
        job('c', [{ get: 'r2' }, ok]),
        job('b', [{ get: 'r1', passed: ['a'] }, { get: 'r2', passed: ['a', 'c'] }, ok]),
      ],
    });
    h.push('r1');
    h.push('r2');
    await h.runner.runUntilIdle(); // a#1 (r1 v1, r2 v1)
    await h.runJob('c'); // c#1 r2 v1
    h.push('r1');
    h.push('r2');
    await h.runner.runUntilIdle(); // a#2 (r1 v2, r2 v2)
    const b = await h.runJob('b');
    expect(b.status).toBe('succeeded');
    // r2 must have passed a and c -> v1; r1 must come from the same a build -> v1, not v2
    expect(versionsUsed(h, 'b', 'r1')).toEqual(['1']);
    expect(versionsUsed(h, 'b', 'r2')).toEqual(['1']);
  });

  it('fan-in: a version passed by every listed job', async () => {
    h = await harness({
      resources: [fileRes('r')],
      jobs: [
        job('a', [{ get: 'r', trigger: true }, ok]),
        job('slow', [{ get: 'r' }, ok]),
        job('z', [{ get: 'r', trigger: true, passed: ['a', 'slow'] }, ok]),
      ],
    });
    h.push('r');
    await h.runner.runUntilIdle();
    expect(h.builds('z')).toHaveLength(0);
    await h.runJob('slow');
    await h.runner.runUntilIdle();
    expect(versionsUsed(h, 'z', 'r')).toEqual(['1']);
  });
});

describe('version: every, pins', () => {
  it('every starts at the latest version, then walks forward one version per build', async () => {
    h = await harness({
      resources: [fileRes('r')],
      jobs: [
        job('e', [{ get: 'r', trigger: true, version: 'every' }, ok]),
        job('l', [{ get: 'r', trigger: true }, ok]),
      ],
    });
    h.push('r');
    h.push('r');
    await h.runner.check('r', { n: '1' }); // v1, v2 known
    await h.runner.runUntilIdle();
    expect(versionsUsed(h, 'e', 'r')).toEqual(['2']);
    h.push('r');
    h.push('r');
    await h.runner.check('r', { n: '2' });
    await h.runner.runUntilIdle();
    expect(versionsUsed(h, 'e', 'r')).toEqual(['2', '3', '4']);
    expect(versionsUsed(h, 'l', 'r')).toEqual(['2', '4']);
  });

  it('every with passed walks every upstream build in order; latest with passed takes the newest', async () => {
    h = await harness({
      resources: [fileRes('r')],
      jobs: [
        job('a', [{ get: 'r' }, ok]),
        job('e', [{ get: 'r', trigger: true, passed: ['a'], version: 'every' }, ok]),
        job('l', [{ get: 'r', trigger: true, passed: ['a'] }, ok]),
      ],
    });
    for (let i = 0; i < 3; i++) {
      h.push('r');
      await h.runJob('a');
    }
    expect(versionsUsed(h, 'a', 'r')).toEqual(['1', '2', '3']);
    await h.runner.runUntilIdle();
    expect(versionsUsed(h, 'e', 'r')).toEqual(['1', '2', '3']);
    expect(versionsUsed(h, 'l', 'r')).toEqual(['3']);
  });

  it('a resource-level version pin and a get-level pin', async () => {
    h = await harness({
      resources: [fileRes('r', { version: { n: '1' } }), fileRes('s')],
      jobs: [
        job('j', [{ get: 'r', trigger: true }, ok]),
        job('k', [{ get: 's', trigger: true, version: { n: '2' } }, ok]),
      ],
    });
    h.push('r');
    h.push('r');
    h.push('s');
    h.push('s');
    h.push('s');
    await h.runner.check('r', { n: '1' });
    await h.runner.check('s', { n: '1' });
    await h.runner.runUntilIdle();
    expect(versionsUsed(h, 'j', 'r')).toEqual(['1']);
    expect(versionsUsed(h, 'k', 's')).toEqual(['2']);
  });

  it('check_every: never resources are not checked', async () => {
    h = await harness({
      resources: [fileRes('r', { check_every: 'never' })],
      jobs: [job('j', [{ get: 'r', trigger: true }, ok])],
    });
    h.push('r');
    await h.runner.runUntilIdle();
    expect(h.store.versions(h.store.resourceId(h.runner.pipelineId, 'r'))).toHaveLength(0);
  });
});

describe('serial, serial_groups, max_in_flight', () => {
  async function runManual(hh: Harness, jobs: string[]): Promise<{ max: number; order: string[] }> {
    const builds = [];
    for (const j of jobs) builds.push(await hh.runner.trigger(j));
    await Promise.all(builds.map((b) => hh.runner.runBuildToEnd(b.id)));
    let running = 0;
    let max = 0;
    const order: string[] = [];
    for (const s of hh.statuses) {
      running += s.status === 'started' ? 1 : -1;
      max = Math.max(max, running);
      if (s.status === 'started') order.push(hh.store.build(s.buildId).job ?? '');
    }
    return { max, order };
  }

  it('serial runs one build of the job at a time', async () => {
    h = await harness({ jobs: [job('s', [sh('t', 'sleep 0.2')], { serial: true })] });
    const r = await runManual(h, ['s', 's', 's']);
    expect(r.max).toBe(1);
    expect(h.builds('s').map((b) => b.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
  });

  it('serial_groups run one at a time across jobs, in creation order', async () => {
    h = await harness({
      jobs: [
        job('x', [sh('t', 'sleep 0.1')], { serial_groups: ['g'] }),
        job('y', [sh('t', 'sleep 0.1')], { serial_groups: ['g'] }),
      ],
    });
    const r = await runManual(h, ['x', 'y', 'x', 'y']);
    expect(r.max).toBe(1);
    expect(r.order).toEqual(['x', 'y', 'x', 'y']);
  });

  it('max_in_flight limits concurrent builds of a job', async () => {
    h = await harness({ jobs: [job('m', [sh('t', 'sleep 0.3')], { max_in_flight: 2 })] });
    const r = await runManual(h, ['m', 'm', 'm', 'm']);
    expect(r.max).toBe(2);
  });
});

describe('--watch', () => {
  it('keeps checking on check_every and builds each new version until interrupted', async () => {
    h = await harness({
      resources: [fileRes('r', { check_every: '10ms' })],
      jobs: [job('j', [{ get: 'r', trigger: true }, ok])],
    });
    const hh = h;
    const succeeded = (n: number) =>
      hh.waitFor(() => hh.statuses.filter((s) => s.status === 'succeeded').length >= n);
    hh.push('r');
    const first = succeeded(1);
    const watching = hh.runner.watch(10);
    await first;
    const second = succeeded(2);
    hh.push('r');
    await second;
    hh.runner.abort();
    await watching;
    expect(versionsUsed(hh, 'j', 'r')).toEqual(['1', '2']);
  });
});
