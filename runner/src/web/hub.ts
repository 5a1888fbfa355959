// What the web server shares with the engine: the store, one PipelineRunner per pipeline (made on
// first use, or handed in by `hangar run --ui`), the metrics, and wake-ups for event streams.
import type { EventListener } from '../engine/events.js';
import type { PipelineRunner, RunnerOptions } from '../engine/pipeline-runner.js';
import type { Runtime } from '../runtime/runtime.js';
import type { BuildOptions } from '../steps/context.js';
import type { Store } from '../store/store.js';
import { Metrics } from './metrics.js';

/** The runner callbacks the web layer needs; session.makeRunner merges them with its own. */
export type EngineHooks = Required<
  Pick<RunnerOptions, 'onBuildStarted' | 'onBuildFinished' | 'onCheckStarted' | 'onCheckFinished'>
> & { listener: EventListener };

/** What a build without a pipeline runner needs (`fly execute`): handed in by `hangar serve`. */
export interface OneOffEngine {
  runtime: Runtime;
  stateDir: string;
  build: BuildOptions;
}

export type RunnerFactory = (pipeline: string, hooks: EngineHooks) => PipelineRunner;

/** Streams re-read the database at least this often, for builds another process is running. */
const pollMs = 500;

export class Hub {
  readonly metrics: Metrics;
  readonly #runners = new Map<string, PipelineRunner>();
  readonly #waiters = new Map<number, Set<() => void>>();
  readonly hooks: EngineHooks;

  constructor(
    readonly store: Store,
    readonly factory: RunnerFactory,
    readonly oneOff?: OneOffEngine,
  ) {
    this.metrics = new Metrics(store);
    this.hooks = {
      listener: (buildId) => this.#wake(buildId),
      onBuildStarted: (b) => this.metrics.buildStarted(b),
      onBuildFinished: (b) => this.metrics.buildFinished(b),
      onCheckStarted: () => this.metrics.checkStarted(),
      onCheckFinished: (_r, outcome) => this.metrics.checkFinished(outcome),
    };
  }

  /** Registers a runner made with `hooks` elsewhere (`hangar run --ui`). */
  adopt(name: string, runner: PipelineRunner): void {
    this.#runners.set(name, runner);
  }

  runner(pipeline: string): PipelineRunner {
    let runner = this.#runners.get(pipeline);
    if (!runner) this.#runners.set(pipeline, (runner = this.factory(pipeline, this.hooks)));
    return runner;
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
