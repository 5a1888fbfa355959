// `hangar serve`'s scheduler: one PipelineRunner watch loop (the one `hangar run --watch` uses) per
// pipeline in the state, started for pipelines that appear however they were saved (hangar run, a
// set_pipeline step, fly set-pipeline through the API) and stopped for archived or destroyed ones.
// Pausing is the runner's business: a paused pipeline's loop checks and starts nothing.
import type { Store } from '../store/store.js';
import type { PipelineRunner } from './pipeline-runner.js';

export interface SchedulerOptions {
  store: Store;
  /** The runner of a pipeline (the web hub's, so the API acts on the same runner). */
  runnerFor: (pipeline: string) => PipelineRunner;
  /** How often each runner looks for due checks and startable builds, and the state for new pipelines. */
  tickMs?: number;
  /** A runner's loop failed (its config no longer loads): it restarts when the config changes. */
  onError?: (pipeline: string, err: unknown) => void;
}

interface Watch {
  runner: PipelineRunner;
  stop: AbortController;
}

export class Scheduler {
  readonly #o: SchedulerOptions;
  readonly #watches = new Map<number, Watch>();
  /** Pipelines whose loop failed, with the config version it failed on. */
  readonly #failed = new Map<number, number>();
  readonly #stopped = new AbortController();
  /** Every loop still running, released ones included, so that stop() waits for them all. */
  readonly #loops = new Set<Promise<void>>();
  #wake: (() => void) | undefined;
  #loop: Promise<void> | undefined;

  constructor(options: SchedulerOptions) {
    this.#o = options;
  }

  /** Starts scheduling: every pipeline present now gets its loop at once, later ones within a tick. */
  start(): void {
    this.#sync();
    this.#loop ??= this.#run();
  }

  /**
   * A pipeline was saved (created or changed) by anyone: its loop starts, or reloads it, now
   * rather than at the next tick. The API calls this after storing a config.
   */
  pipelineSet(name?: string): void {
    const id = name === undefined ? undefined : this.#o.store.pipeline(name)?.id;
    if (id !== undefined) this.#watches.get(id)?.runner.wake();
    this.#wake?.();
  }

  /** Stops every loop; running builds are aborted (their hooks run) and waited for. */
  async stop(): Promise<void> {
    this.#stopped.abort();
    this.#wake?.();
    for (const w of this.#watches.values()) w.runner.abort();
    await Promise.all(this.#loops);
    await this.#loop;
  }

  get watching(): string[] {
    return [...this.#watches.values()].map((w) => w.runner.pipelineName);
  }

  async #run(): Promise<void> {
    const tickMs = this.#o.tickMs ?? 1000;
    while (!this.#stopped.signal.aborted) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, tickMs);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = undefined;
      if (!this.#stopped.signal.aborted) this.#sync();
    }
  }

  #sync(): void {
    const states = this.#o.store.pipelineStates();
    const present = new Set(states.map((p) => p.id));
    for (const [id, watch] of this.#watches) if (!present.has(id)) this.#release(id, watch);
    for (const p of states) {
      const watch = this.#watches.get(p.id);
      if (p.archived) {
        if (watch) this.#release(p.id, watch);
        this.#abortPending(p.name);
        continue;
      }
      if (watch || this.#failed.get(p.id) === p.configVersion) continue;
      this.#failed.delete(p.id);
      this.#watch(p.id, p.name, p.configVersion);
    }
  }

  #watch(id: number, name: string, configVersion: number): void {
    let runner: PipelineRunner;
    try {
      runner = this.#o.runnerFor(name);
    } catch (err) {
      this.#failed.set(id, configVersion);
      this.#o.onError?.(name, err);
      return;
    }
    const stop = new AbortController();
    const done = runner
      .watch(this.#o.tickMs ?? 1000, stop.signal)
      .catch((err: unknown) => {
        this.#watches.delete(id);
        // a pipeline destroyed under its loop is no error
        const saved = this.#o.store.pipelineById(id);
        if (stop.signal.aborted || !saved) return;
        this.#failed.set(id, saved.configVersion);
        this.#o.onError?.(runner.pipelineName, err);
      })
      .finally(() => this.#loops.delete(done));
    this.#loops.add(done);
    this.#watches.set(id, { runner, stop });
  }

  /** Stops watching; builds already running finish on their own. */
  #release(id: number, watch: Watch): void {
    watch.stop.abort();
    this.#watches.delete(id);
  }

  /** Concourse aborts the pending builds of an archived pipeline. */
  #abortPending(name: string): void {
    const pipeline = this.#o.store.pipeline(name);
    if (!pipeline) return;
    const pending = this.#o.store.builds({ pipelineId: pipeline.id, status: 'pending' });
    if (pending.length === 0) return;
    const runner = this.#o.runnerFor(name);
    for (const b of pending) runner.abortBuild(b.id);
  }
}
