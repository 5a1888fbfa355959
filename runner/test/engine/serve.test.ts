// `hangar serve`'s Scheduler in-process: every pipeline in the state is watched by its own
// PipelineRunner, whoever saved it; paused pipelines and jobs wait; changed configs reload;
// archiving aborts pending builds.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PipelineRunner } from '../../src/engine/pipeline-runner.js';
import { Scheduler } from '../../src/engine/scheduler.js';
import { setPipelineFromFile } from '../../src/engine/state.js';
import { HostRuntime } from '../../src/runtime/host.js';
import { ResourceTypeRegistry } from '../../src/runtime/registry.js';
import type { BuildRow } from '../../src/store/store.js';
import { fileRes, fileResource, type Harness, harness, job, setsInstancedChildren, sh } from './harness.js';

let h: Harness | undefined;
let scheduler: Scheduler | undefined;
afterEach(async () => {
  await scheduler?.stop();
  scheduler = undefined;
  h?.close();
});

/** A scheduler over the harness's state, its runners made as `hangar serve` makes them. */
function serve(hh: Harness) {
  const registry = new ResourceTypeRegistry();
  registry.register('file', [process.execPath, fileResource]);
  const runtime = new HostRuntime(registry);
  const waiters: { match: (b: BuildRow) => boolean; resolve: (b: BuildRow) => void }[] = [];
  const finished = (b: BuildRow): void => {
    for (const w of waiters.filter((x) => x.match(b))) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(b);
    }
  };
  const s: Scheduler = new Scheduler({
    store: hh.store,
    tickMs: 20,
    runnerFor: (name) =>
      new PipelineRunner({
        store: hh.store,
        runtime,
        stateDir: join(hh.dir, '.hangar'),
        pipelineName: name,
        build: { noCache: false, overrides: new Map(), externalUrl: 'http://127.0.0.1:9' },
        onBuildFinished: finished,
        onPipelineSet: (n) => s.pipelineSet(n),
      }),
  });
  scheduler = s;
  return {
    scheduler: s,
    /** Resolves with the first build finishing (from now on) that matches. */
    finishes: (pipeline: string, job: string, status?: string) =>
      new Promise<BuildRow>((resolve) =>
        waiters.push({
          match: (b) =>
            b.pipeline === pipeline && b.job === job && (status === undefined || b.status === status),
          resolve,
        }),
      ),
  };
}

describe('the serve scheduler', () => {
  it('runs the jobs of pipelines set by a set_pipeline step, instanced and across, with nothing else running', async () => {
    h = await harness(setsInstancedChildren());
    h.push('src');
    const s = serve(h);
    const a = s.finishes('child/branch:a', 'hello');
    const b = s.finishes('child/branch:b', 'hello');
    s.scheduler.start();
    expect((await a).status).toBe('succeeded');
    expect((await b).status).toBe('failed');
    expect(h.store.pipeline('child/branch:a')?.instanceVars).toEqual({ branch: 'a' });
    expect(h.logOf((await a).id)).toContain('hello a\n');
  });

  it('picks up a pipeline stored after it started (as fly set-pipeline stores one) and a changed config', async () => {
    h = await harness({
      resources: [fileRes('src')],
      jobs: [job('one', [{ get: 'src', trigger: true }, sh('t', 'true')])],
    });
    h.push('src');
    const s = serve(h);
    const one = s.finishes('p', 'one');
    s.scheduler.start();
    await one;
    const file = join(h.dir, 'other.yml');
    writeFileSync(
      file,
      JSON.stringify({
        resources: [fileRes('src')],
        jobs: [job('two', [{ get: 'src', trigger: true }, sh('t', 'true')])],
      }),
    );
    const two = s.finishes('other', 'two', 'succeeded');
    await setPipelineFromFile(h.store, file, 'other', { root: h.dir });
    s.scheduler.pipelineSet('other');
    await two;
    // p's config changes: the job added is scheduled, with the version `one` already used
    const changed = join(h.dir, 'p2.yml');
    writeFileSync(
      changed,
      JSON.stringify({
        resources: [fileRes('src')],
        jobs: [
          job('one', [{ get: 'src', trigger: true }, sh('t', 'true')]),
          job('added', [{ get: 'src', trigger: true }, sh('t', 'true')]),
        ],
      }),
    );
    const added = s.finishes('p', 'added', 'succeeded');
    await setPipelineFromFile(h.store, changed, 'p', { root: h.dir });
    s.scheduler.pipelineSet('p');
    await added;
    expect(h.builds('one').map((b) => b.name)).toEqual(['1']);
    expect(s.scheduler.watching.sort()).toEqual(['other', 'p']);
  });

  it('skips a paused pipeline and a paused job until they are unpaused', async () => {
    h = await harness({
      resources: [fileRes('src')],
      jobs: [
        job('kept', [{ get: 'src', trigger: true }, sh('t', 'true')]),
        job('held', [{ get: 'src', trigger: true }, sh('t', 'true')]),
      ],
    });
    const store = h.store;
    const id = h.runner.pipelineId;
    h.push('src');
    store.setPipelinePaused(id, true);
    // paused: scheduling creates and starts nothing
    await h.runner.checkAll();
    h.runner.schedule();
    expect(h.builds()).toEqual([]);

    store.setJobPaused(store.jobId(id, 'held'), true);
    store.setPipelinePaused(id, false);
    const s = serve(h);
    const kept = s.finishes('p', 'kept');
    s.scheduler.start();
    await kept;
    // both jobs were decided in the same pass: the paused one got no build
    expect(h.builds('held')).toEqual([]);
    const manual = await h.runner.trigger('held');
    await expect(h.runner.runBuildToEnd(manual.id)).rejects.toThrow("cannot start: job 'held' is paused");
    expect(store.build(manual.id).status).toBe('pending');

    const held = s.finishes('p', 'held', 'succeeded');
    store.setJobPaused(store.jobId(id, 'held'), false);
    s.scheduler.pipelineSet('p');
    // the manual build and no second automatic one: a job has at most one pending build
    expect((await held).id).toBe(manual.id);
  });

  it("aborts an archived pipeline's pending builds and stops scheduling it", async () => {
    h = await harness({ resources: [fileRes('src')], jobs: [job('j', [{ get: 'src' }, sh('t', 'true')])] });
    const store = h.store;
    const id = h.runner.pipelineId;
    h.push('src');
    store.setJobPaused(store.jobId(id, 'j'), true);
    const pending = await h.runner.trigger('j');
    const s = serve(h);
    s.scheduler.start();
    expect(s.scheduler.watching).toEqual(['p']);
    const aborted = s.finishes('p', 'j', 'aborted');
    store.setPipelineArchived(id, true);
    s.scheduler.pipelineSet('p');
    expect((await aborted).id).toBe(pending.id);
    expect(s.scheduler.watching).toEqual([]);
    expect(store.pipeline('p')).toMatchObject({ archived: true, paused: true });
  });

  it('follows a renamed pipeline and lets go of a destroyed one', async () => {
    h = await harness({
      resources: [fileRes('src', { check_every: '10ms' })],
      jobs: [job('one', [{ get: 'src', trigger: true }, sh('t', 'true')])],
    });
    const store = h.store;
    h.push('src');
    const s = serve(h);
    const first = s.finishes('p', 'one');
    s.scheduler.start();
    await first;
    store.renamePipeline('p', 'renamed');
    const second = s.finishes('renamed', 'one', 'succeeded');
    h.push('src');
    s.scheduler.pipelineSet('renamed');
    expect((await second).name).toBe('2');
    expect(s.scheduler.watching).toEqual(['renamed']);

    store.destroyPipeline('renamed');
    s.scheduler.pipelineSet();
    await expect.poll(() => s.scheduler.watching).toEqual([]);
    expect(store.pipelines()).toEqual([]);
    expect(store.builds({})).toEqual([]);
  });
});
