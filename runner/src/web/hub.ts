// What the web server shares with the engine: the store, one PipelineRunner per pipeline (made on
// first use, or handed in by `hangar run --ui`), the scheduler under `hangar serve`, the metrics,
// and wake-ups for event streams.
import type { EventListener } from '../engine/events.js';
import type { PipelineRunner, RunnerOptions } from '../engine/pipeline-runner.js';
import type { Scheduler } from '../engine/scheduler.js';
import type { BuildRow, Store } from '../store/store.js';
import { Metrics } from './metrics.js';

/** The runner callbacks the web layer needs; session.makeRunner merges them with its own. */
export type EngineHooks = Required<
  Pick<
    RunnerOptions,
    'onBuildStarted' | 'onBuildFinished' | 'onCheckStarted' | 'onCheckFinished' | 'onPipelineSet'
  >
> & { listener: EventListener };

export type RunnerFactory = (pipeline: string, hooks: EngineHooks) => PipelineRunner;

/** Streams re-read the database at least this often, for builds another process is running. */
const pollMs = 500;

export class Hub {
  readonly metrics: Metrics;
  /** By pipeline id, so a renamed pipeline keeps its runner. */
  readonly #runners = new Map<number, PipelineRunner>();
  readonly #waiters = new Map<number, Set<() => void>>();
  readonly hooks: EngineHooks;
  /** Set by `hangar serve`: every pipeline in the state is scheduled. */
  scheduler: Scheduler | undefined;

  constructor(
    readonly store: Store,
    readonly factory: RunnerFactory,
  ) {
    this.metrics = new Metrics(store);
    this.hooks = {
      listener: (buildId) => this.#wake(buildId),
      onBuildStarted: (b) => this.metrics.buildStarted(b),
      onBuildFinished: (b) => this.metrics.buildFinished(b),
      onCheckStarted: () => this.metrics.checkStarted(),
      onCheckFinished: (_r, outcome) => this.metrics.checkFinished(outcome),
      onPipelineSet: (name) => this.pipelineSet(name),
    };
  }

  /** Registers a runner made with `hooks` elsewhere (`hangar run --ui`). */
  adopt(_name: string, runner: PipelineRunner): void {
    this.#runners.set(runner.pipelineId, runner);
  }

  runner(pipeline: string): PipelineRunner {
    const id = this.store.pipeline(pipeline)?.id;
    let runner = id === undefined ? undefined : this.#runners.get(id);
    if (!runner) {
      runner = this.factory(pipeline, this.hooks);
      this.#runners.set(runner.pipelineId, runner);
    }
    return runner;
  }

  /**
   * Call after destroying a pipeline: its runner goes, and the scheduler lets it go at once
   * (SQLite may give its id to the next pipeline).
   */
  pipelineDestroyed(id: number): void {
    this.#runners.delete(id);
    this.scheduler?.pipelineSet();
  }

  /**
   * Call after saving a pipeline's config (fly set-pipeline, unpause, unarchive ...): under
   * `hangar serve` it is scheduled (or reloaded) at once.
   */
  pipelineSet(name: string): void {
    this.scheduler?.pipelineSet(name);
  }

  /**
   * `fly rerun-build`: a pending build `N.k` of the same job with build N's inputs, started as the
   * job's concurrency allows (by the scheduler under `hangar serve`, else right here).
   */
  rerunBuild(buildId: number): BuildRow {
    const build = this.store.build(buildId);
    if (build.pipeline === null) throw new Error(`build ${buildId} is a one-off build: it cannot be rerun`);
    const runner = this.runner(build.pipeline);
    const rerun = runner.rerun(buildId);
    if (!this.scheduler) runner.runBuildToEnd(rerun.id).catch(() => undefined);
    return rerun;
  }

  /** Resolves when the build has new events, after `pollMs`, or when `signal` aborts. */
  waitForEvents(buildId: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      let set = this.#waiters.get(buildId);
      if (!set) this.#waiters.set(buildId, (set = new Set()));
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        set.delete(done);
        resolve();
      };
      const timer = setTimeout(done, pollMs);
      signal.addEventListener('abort', done, { once: true });
      set.add(done);
    });
  }

  #wake(buildId: number): void {
    const set = this.#waiters.get(buildId);
    if (!set) return;
    this.#waiters.delete(buildId);
    for (const done of set) done();
  }
}
