// Runs one pipeline on this machine: checks resources, creates builds by the trigger rule, starts
// pending builds as concurrency allows, and loops until idle (or forever with --watch, and under
// `hangar serve`, whose Scheduler watches one runner per pipeline). Paused pipelines and jobs are
// not scheduled; a changed config (set_pipeline, fly set-pipeline) is reloaded before scheduling.
import { setMaxListeners } from 'node:events';
import { parsePipeline } from '../model/parse.js';
import { parseGoDuration } from '../model/duration.js';
import type { Job, Pipeline } from '../model/types.js';
import type { Runtime } from '../runtime/runtime.js';
import type { BuildOptions, ResolvedInput } from '../steps/context.js';
import { varSourceLookup } from '../steps/runtime-vars.js';
import type { BuildRow, BuildStatus, Store } from '../store/store.js';
import { runBuild, type BuildResult } from './build-runner.js';
import { checkResource, type CheckOutcome } from './checker.js';
import { inFlightLimit, relatedJobs } from './concurrency.js';
import type { EventListener } from './events.js';
import { inputSpecs, resolveInputs, type InputSpec, type Resolution } from './inputs.js';
import { buildsToReap, logRetention } from './retention.js';

export interface RunnerOptions {
  store: Store;
  runtime: Runtime;
  stateDir: string;
  pipelineName: string;
  build: BuildOptions;
  listeners?: EventListener[];
  /** Only these jobs are scheduled automatically (`--job`); empty = all. */
  jobs?: string[];
  /** Lines about checks and scheduling decisions. */
  onMessage?: (text: string) => void;
  /** Called when a build starts (before its first event). */
  onBuildStarted?: (build: BuildRow) => void;
  onBuildFinished?: (build: BuildRow, result: BuildResult) => void;
  onCheckStarted?: (resource: string) => void;
  onCheckFinished?: (resource: string, outcome: CheckOutcome, ms: number) => void;
  /** A set_pipeline step of this pipeline saved pipeline `name` (a scheduler picks it up). */
  onPipelineSet?: (name: string) => void;
}

export interface Decision {
  job: string;
  resolution: Resolution;
  action: string;
}

const defaultCheckEvery = 60_000;
const reapEveryMs = 60_000;

export class PipelineRunner {
  readonly #o: RunnerOptions;
  #pipeline!: Pipeline;
  #pipelineId!: number;
  #name: string;
  #configVersion = 0;
  #loaded = false;
  /** Cuts the current watch tick short (a webhook, a pipeline set, an unpause). */
  #wakeTick: (() => void) | undefined;
  /** wake() came while no tick was waiting: the next one ends at once. */
  #woken = false;
  readonly #running = new Map<number, Promise<void>>();
  readonly #abort = new AbortController();
  readonly #kill = new AbortController();
  readonly #results = new Map<number, BuildResult>();
  /** One controller per running build, so a single build can be aborted (UI, API). */
  readonly #buildAborts = new Map<number, AbortController>();
  /** Jobs whose inputs may have changed since they were last scheduled (Concourse's "needs scheduling"). */
  readonly #dirty = new Set<string>();
  readonly #specs = new Map<string, InputSpec[]>();
  /** Each resource's last check error, so an unchanged error is printed once, not on every check. */
  readonly #checkErrors = new Map<string, string>();

  constructor(options: RunnerOptions) {
    this.#o = options;
    this.#name = options.pipelineName;
    // every running build and step listens to these
    setMaxListeners(0, this.#abort.signal, this.#kill.signal);
    this.load();
  }

  get pipeline(): Pipeline {
    return this.#pipeline;
  }

  get pipelineId(): number {
    return this.#pipelineId;
  }

  /** The pipeline's current name (its ref), which a rename changes. */
  get pipelineName(): string {
    return this.#name;
  }

  get results(): ReadonlyMap<number, BuildResult> {
    return this.#results;
  }

  load(): void {
    const store = this.#o.store;
    const saved = this.#loaded ? store.pipelineById(this.#pipelineId) : store.pipeline(this.#name);
    if (!saved) throw new Error(`pipeline '${this.#name}' not found`);
    this.#pipelineId = saved.id;
    this.#name = saved.name;
    this.#configVersion = saved.configVersion;
    this.#loaded = true;
    this.#pipeline = parsePipeline(saved.config, { strict: false });
    const registry = (this.#o.runtime as { registry?: { setCustomTypes(n: Iterable<string>): void } })
      .registry;
    registry?.setCustomTypes(this.#pipeline.resourceTypes.map((t) => t.config.name));
    this.#specs.clear();
    for (const j of this.#pipeline.jobs) this.#dirty.add(j.name);
  }

  /** A job's input specs (fixed until the pipeline is reloaded). */
  #inputs(job: Job): InputSpec[] {
    let specs = this.#specs.get(job.name);
    if (!specs)
      this.#specs.set(job.name, (specs = inputSpecs(this.#o.store, this.#pipelineId, this.#pipeline, job)));
    return specs;
  }

  /** Jobs with a get of this resource. */
  #markResource(resource: string): void {
    for (const job of this.#pipeline.jobs) {
      if (this.#inputs(job).some((s) => s.resource === resource)) {
        this.#dirty.add(job.name);
      }
    }
  }

  /** After a build of `jobName`: the job itself (every, pending) and jobs with it in `passed`. */
  #markAfterBuild(jobName: string, buildId: number): void {
    this.#dirty.add(jobName);
    const jobId = this.#o.store.jobId(this.#pipelineId, jobName);
    for (const job of this.#pipeline.jobs) {
      if (this.#inputs(job).some((s) => s.passed.includes(jobId))) {
        this.#dirty.add(job.name);
      }
    }
    for (const out of this.#o.store.buildOutputs(buildId)) {
      const name = this.#pipeline.resources.find(
        (r) => this.#o.store.resourceId(this.#pipelineId, r.config.name) === out.resourceId,
      )?.config.name;
      if (name !== undefined) this.#markResource(name);
    }
  }

  #message(text: string): void {
    this.#o.onMessage?.(text);
  }

  #job(name: string): Job {
    const job = this.#pipeline.jobs.find((j) => j.name === name);
    if (!job) throw new Error(`job '${name}' not found in pipeline '${this.#name}'`);
    return job;
  }

  #autoJobs(): Job[] {
    const only = this.#o.jobs ?? [];
    return this.#pipeline.jobs.filter((j) => only.length === 0 || only.includes(j.name));
  }

  // ---- checks ----

  /** `onLog` also gets the check's stderr lines (`fly check-resource` shows them in its check build). */
  async check(
    resource: string,
    from?: Record<string, string>,
    onLog?: (line: string) => void,
  ): Promise<CheckOutcome> {
    const config = this.#pipeline.resources.find((r) => r.config.name === resource)?.config;
    if (!config) throw new Error(`resource '${resource}' not found in pipeline '${this.#name}'`);
    const started = Date.now();
    this.#o.onCheckStarted?.(resource);
    const outcome = await checkResource({
      store: this.#o.store,
      runtime: this.#o.runtime,
      stateDir: this.#o.stateDir,
      resourceId: this.#o.store.resourceId(this.#pipelineId, resource),
      config,
      resourceTypes: this.#pipeline.resourceTypes.map((t) => t.config),
      from,
      signal: this.#abort.signal,
      onLog: (t) => {
        const line = t.endsWith('\n') ? t : `${t}\n`;
        this.#message(`check ${resource}: ${line}`);
        onLog?.(line);
      },
      lookup: varSourceLookup(this.#pipeline),
    });
    this.#o.onCheckFinished?.(resource, outcome, Date.now() - started);
    if (outcome.newVersions > 0) this.#markResource(resource);
    if (outcome.error) {
      if (this.#checkErrors.get(resource) !== outcome.error)
        this.#message(`check ${resource} errored: ${outcome.error}\n`);
      this.#checkErrors.set(resource, outcome.error);
      return outcome;
    }
    this.#checkErrors.delete(resource);
    if (outcome.newVersions > 0) this.#message(`check ${resource}: ${outcome.newVersions} new version(s)\n`);
    return outcome;
  }

  /** Resources the scheduler checks: inputs of the scheduled jobs, minus `check_every: never`. */
  #checkable(onlyDue: boolean): string[] {
    const names = new Set<string>();
    for (const job of this.#autoJobs()) {
      for (const spec of this.#inputs(job)) names.add(spec.resource);
    }
    const now = Date.now();
    return [...names].filter((name) => {
      const cfg = this.#pipeline.resources.find((r) => r.config.name === name)?.config;
      if (!cfg || cfg.check_every === 'never') return false;
      if (!onlyDue) return true;
      const last = this.#o.store.lastChecked(this.#o.store.resourceId(this.#pipelineId, name));
      const every = (cfg.check_every && parseGoDuration(cfg.check_every)) || defaultCheckEvery;
      return last === null || now - last >= every;
    });
  }

  async checkAll(onlyDue = false): Promise<number> {
    const outcomes = await Promise.all(this.#checkable(onlyDue).map((r) => this.check(r)));
    return outcomes.reduce((n, o) => n + o.newVersions, 0);
  }

  // ---- scheduling ----

  /** What the scheduler would do for each job now (used by --dry-run and by schedule()). */
  decide(only?: ReadonlySet<string>): Decision[] {
    const store = this.#o.store;
    const jobs = this.#autoJobs().filter((j) => only === undefined || only.has(j.name));
    return jobs.map((job) => {
      const jobId = store.jobId(this.#pipelineId, job.name);
      if (store.jobPaused(jobId)) return { job: job.name, resolution: pausedResolution, action: 'paused' };
      const specs = this.#inputs(job);
      const resolution = resolveInputs(store, jobId, specs);
      if (!resolution.ok)
        return { job: job.name, resolution, action: `waiting: ${resolution.input}: ${resolution.error}` };
      const fresh = specs.filter((s) => {
        const r = resolution.inputs.get(s.name);
        return s.trigger && r !== undefined && !store.wasUsed(jobId, s.name, r.versionId);
      });
      if (fresh.length === 0) return { job: job.name, resolution, action: 'no new triggering versions' };
      return { job: job.name, resolution, action: `trigger (new: ${fresh.map((s) => s.name).join(', ')})` };
    });
  }

  /**
   * The pipeline as the store has it now: reloaded when its config changed; undefined when it was
   * destroyed, and `scheduled` false while it is paused or archived.
   */
  #refresh(): { scheduled: boolean } | undefined {
    const saved = this.#o.store.pipelineById(this.#pipelineId);
    if (!saved) return undefined;
    if (saved.configVersion !== this.#configVersion || saved.name !== this.#name) this.load();
    return { scheduled: !saved.paused && !saved.archived };
  }

  /** Creates automatic builds, then starts every pending build that may start. */
  schedule(): void {
    if (!this.#refresh()?.scheduled) return;
    const store = this.#o.store;
    const dirty = new Set(this.#dirty);
    this.#dirty.clear();
    for (const d of this.decide(dirty)) {
      if (d.resolution.ok && d.resolution.hasNext) this.#dirty.add(d.job);
      if (!d.action.startsWith('trigger')) continue;
      const job = this.#job(d.job);
      store.createBuild(this.#pipelineId, store.jobId(this.#pipelineId, job.name), false);
    }
    this.#startPending();
  }

  #startPending(): void {
    if (!this.#refresh()?.scheduled) return;
    const store = this.#o.store;
    // reruns queue as their original (Concourse orders by COALESCE(rerun_of, id), then id)
    const queued = (b: BuildRow): [number, number] => [b.rerunOf ?? b.id, b.id];
    const before = (a: BuildRow, b: BuildRow): boolean =>
      queued(a)[0] < queued(b)[0] || (queued(a)[0] === queued(b)[0] && a.id < b.id);
    const pending = store
      .builds({ pipelineId: this.#pipelineId, status: 'pending' })
      .sort((a, b) => (before(a, b) ? -1 : 1));
    const jobsById = new Map(this.#pipeline.jobs.map((j) => [store.jobId(this.#pipelineId, j.name), j]));
    const startedNow = new Set<number>();
    for (const build of pending) {
      const job = build.jobId === null ? undefined : jobsById.get(build.jobId);
      if (!job || store.jobPaused(build.jobId!)) continue;
      const related = relatedJobs(job, this.#pipeline.jobs).map((j) => store.jobId(this.#pipelineId, j.name));
      const limit = inFlightLimit(job);
      if (limit !== Infinity) {
        const running = store
          .builds({ pipelineId: this.#pipelineId, status: 'started' })
          .filter((b) => b.jobId !== null && related.includes(b.jobId)).length;
        if (running >= limit) continue;
        const older = pending.find(
          (b) => b.jobId !== null && related.includes(b.jobId) && before(b, build) && !startedNow.has(b.id),
        );
        if (older) continue;
      }
      const inputs = this.#inputsOf(build, job);
      if (!inputs) continue;
      startedNow.add(build.id);
      this.#start(build, job, inputs);
    }
  }

  /** A rerun runs with its original's inputs; any other build with the inputs resolved now. */
  #inputsOf(build: BuildRow, job: Job): Map<string, { resourceId: number; versionId: number }> | undefined {
    const store = this.#o.store;
    if (build.rerunOf !== null) return new Map(store.buildInputs(build.rerunOf).map((i) => [i.name, i]));
    const resolution = resolveInputs(store, build.jobId!, this.#inputs(job));
    return resolution.ok ? resolution.inputs : undefined;
  }

  #start(build: BuildRow, job: Job, resolved: Map<string, { resourceId: number; versionId: number }>): void {
    const store = this.#o.store;
    const jobId = build.jobId!;
    const inputs = [...resolved].map(([name, r]) => ({
      name,
      resourceId: r.resourceId,
      versionId: r.versionId,
      firstOccurrence: !store.wasUsed(jobId, name, r.versionId),
    }));
    if (!store.startBuild(build.id, inputs)) return;
    const started = store.build(build.id);
    this.#o.onBuildStarted?.(started);
    const resolvedInputs = new Map<string, ResolvedInput>(
      [...resolved].map(([name, r]) => [name, { ...r, version: store.version(r.versionId).version }]),
    );
    const buildAbort = new AbortController();
    const abort = AbortSignal.any([this.#abort.signal, buildAbort.signal]);
    setMaxListeners(0, abort);
    this.#buildAborts.set(build.id, buildAbort);
    const promise = runBuild({
      store,
      runtime: this.#o.runtime,
      stateDir: this.#o.stateDir,
      options: this.#o.build,
      pipeline: {
        id: this.#pipelineId,
        name: this.#name,
        pipeline: this.#pipeline,
        // the pipeline itself reloads by its config version; others are a scheduler's business
        onPipelineSet: (name) => this.#o.onPipelineSet?.(name),
      },
      job,
      build: started,
      inputs: resolvedInputs,
      listeners: this.#o.listeners ?? [],
      step: job.step,
      abort,
      kill: this.#kill.signal,
    })
      .then((result) => {
        this.#markAfterBuild(job.name, build.id);
        this.#results.set(build.id, result);
        this.#o.onBuildFinished?.(store.build(build.id), result);
        this.reapLogs(job.name);
        if (result.status === 'succeeded') {
          for (const name of store.archiveUnsetChildren(jobId, build.id)) {
            this.#message(`pipeline ${name} archived: ${job.name} #${build.name} no longer sets it\n`);
            this.#o.onPipelineSet?.(name);
          }
        }
      })
      .catch((err: unknown) => {
        this.#dirty.add(job.name);
        store.finishBuild(build.id, 'errored', err instanceof Error ? err.message : String(err));
        this.#results.set(build.id, { status: 'errored', lastTaskExit: undefined });
      })
      .finally(() => {
        this.#running.delete(build.id);
        this.#buildAborts.delete(build.id);
      });
    this.#running.set(build.id, promise);
  }

  /** A manual trigger: checks the job's inputs without `passed` or a pin first, then a pending build. */
  async trigger(jobName: string): Promise<BuildRow> {
    const job = this.#job(jobName);
    if (job.disableManualTrigger) throw new Error(`job '${jobName}' has manual triggering disabled`);
    const specs = this.#inputs(job);
    await Promise.all(
      specs
        .filter((s) => s.passed.length === 0 && !s.pin)
        .filter(
          (s) =>
            this.#pipeline.resources.find((r) => r.config.name === s.resource)?.config.check_every !==
            'never',
        )
        .map((s) => this.check(s.resource)),
    );
    const build = this.#o.store.createBuild(
      this.#pipelineId,
      this.#o.store.jobId(this.#pipelineId, jobName),
      true,
    );
    return build!;
  }

  /**
   * A rerun of build N (`fly rerun-build`): a pending build `N.k` that runs with N's inputs and the
   * job's current config, without checking anything. It starts as the job's concurrency allows.
   */
  rerun(buildId: number): BuildRow {
    const store = this.#o.store;
    const build = store.build(buildId);
    if (build.pipelineId !== this.#pipelineId || build.job === null)
      throw new Error(`build ${buildId} is not a build of a job of pipeline '${this.#name}'`);
    const job = this.#job(build.job);
    if (job.disableReruns) throw new Error(`job '${job.name}' has reruns disabled`);
    const original = build.rerunOf ?? build.id;
    if (store.buildInputs(original).length === 0 && this.#inputs(job).length > 0)
      throw new Error(
        `build ${build.job} #${build.name} cannot be rerun: it never started, so it has no inputs`,
      );
    const rerun = store.createRerunBuild(buildId);
    this.wake();
    return rerun;
  }

  /** Deletes the events of the job's builds beyond its build_log_retention. */
  reapLogs(jobName: string): void {
    const job = this.#pipeline.jobs.find((j) => j.name === jobName);
    const policy = job && logRetention(job);
    if (!policy) return;
    const store = this.#o.store;
    const builds = store
      .builds({ jobId: store.jobId(this.#pipelineId, jobName) })
      .filter((b) => b.reapTime === null)
      .sort((a, b) => (b.rerunOf ?? b.id) - (a.rerunOf ?? a.id) || b.id - a.id);
    const reap = buildsToReap(builds, policy, Date.now());
    if (reap.length > 0) store.reapBuildEvents(reap);
  }

  /** Starts what can start and waits until the given build finished. */
  async runBuildToEnd(buildId: number): Promise<BuildResult> {
    for (;;) {
      this.#startPending();
      const done = this.#results.get(buildId);
      if (done) return done;
      const running = [...this.#running.values()];
      if (running.length === 0) {
        const b = this.#o.store.build(buildId);
        throw new Error(`build ${b.job ?? ''} #${b.name} cannot start: ${this.#whyPending(b)}`);
      }
      await Promise.race(running);
    }
  }

  /** Check, schedule and run until nothing is pending or running and a final check finds nothing new. */
  async runUntilIdle(): Promise<void> {
    if (!this.#refresh()?.scheduled) this.#message(`pipeline ${this.#name} is paused: no build starts\n`);
    await this.checkAll();
    for (;;) {
      if (this.#abort.signal.aborted) {
        await Promise.all(this.#running.values());
        return;
      }
      this.schedule();
      if (this.#running.size > 0) {
        await Promise.race(this.#running.values());
        continue;
      }
      const fresh = await this.checkAll();
      if (fresh > 0) continue;
      this.schedule();
      if (this.#running.size === 0) return;
    }
  }

  #whyPending(build: BuildRow): string {
    const saved = this.#o.store.pipelineById(this.#pipelineId);
    if (saved?.archived) return `pipeline '${this.#name}' is archived`;
    if (saved?.paused) return `pipeline '${this.#name}' is paused`;
    if (build.jobId !== null && this.#o.store.jobPaused(build.jobId))
      return `job '${build.job ?? ''}' is paused`;
    return 'its inputs are not satisfiable';
  }

  /**
   * Keeps checking on each resource's check_every and running builds until aborted, or until
   * `stop` aborts (a scheduler letting go of the pipeline: running builds go on then). While the
   * pipeline is paused nothing is checked or started.
   */
  async watch(tickMs = 1000, stop?: AbortSignal): Promise<void> {
    const stopped = (): boolean => this.#abort.signal.aborted || stop?.aborted === true;
    if (this.#refresh()?.scheduled) await this.checkAll();
    let reaped = 0;
    while (!stopped()) {
      this.schedule();
      // build_log_retention's `days` also ages logs while no build finishes
      if (Date.now() - reaped >= reapEveryMs) {
        reaped = Date.now();
        for (const job of this.#pipeline.jobs) this.reapLogs(job.name);
      }
      const tick = this.#tick(tickMs, stop);
      await Promise.race([tick.done, ...this.#running.values()]);
      tick.cancel();
      if (!stopped() && this.#refresh()?.scheduled) await this.checkAll(true);
    }
    if (this.#abort.signal.aborted) await Promise.all(this.#running.values());
  }

  /** Resolves after `ms`, on abort or stop, or on wake(); cancel() releases its timer and listeners. */
  #tick(ms: number, stop: AbortSignal | undefined): { done: Promise<void>; cancel: () => void } {
    let cancel = (): void => undefined;
    const done = new Promise<void>((resolve) => {
      const signals = [this.#abort.signal, ...(stop ? [stop] : [])];
      const finish = (): void => {
        clearTimeout(timer);
        for (const s of signals) s.removeEventListener('abort', finish);
        if (this.#wakeTick === finish) this.#wakeTick = undefined;
        resolve();
      };
      const timer = setTimeout(finish, ms);
      for (const s of signals) s.addEventListener('abort', finish, { once: true });
      this.#wakeTick = finish;
      cancel = finish;
      if (this.#woken) finish();
      this.#woken = false;
    });
    return { done, cancel };
  }

  /** Makes a watching runner schedule now rather than at its next tick. */
  wake(): void {
    if (this.#wakeTick) this.#wakeTick();
    else this.#woken = true;
  }

  /** First interrupt: abort running builds (their on_abort/ensure hooks run). */
  abort(): void {
    this.#abort.abort();
  }

  /** Second interrupt: stop hooks as well. */
  kill(): void {
    this.#abort.abort();
    this.#kill.abort();
  }

  /**
   * Aborts one build: a running one gets its abort signal (hooks run), a pending one is marked
   * aborted at once. False when the build is not this pipeline's or already finished.
   */
  abortBuild(buildId: number): boolean {
    const running = this.#buildAborts.get(buildId);
    if (running) {
      running.abort();
      return true;
    }
    const store = this.#o.store;
    const build = store.build(buildId);
    if (build.pipelineId !== this.#pipelineId || build.status !== 'pending') return false;
    const event = {
      event: 'status',
      version: '1.0',
      data: { status: 'aborted', time: Math.floor(Date.now() / 1000) },
    };
    store.appendEvent(buildId, store.nextEventSeq(buildId), event); // before finishing: see web/events.ts
    store.finishBuild(buildId, 'aborted');
    for (const listener of this.#o.listeners ?? []) listener(buildId, event);
    this.#o.onBuildFinished?.(store.build(buildId), { status: 'aborted', lastTaskExit: undefined });
    return true;
  }

  /** After a pin changes or a version is enabled/disabled: the jobs getting the resource resolve again. */
  pinChanged(resource: string): void {
    this.#specs.clear();
    this.#markResource(resource);
    this.wake();
  }

  get aborted(): boolean {
    return this.#abort.signal.aborted;
  }

  /** Resources whose last check errored. */
  failingChecks(): string[] {
    return [...this.#checkErrors.keys()];
  }

  pendingBuilds(): BuildRow[] {
    return this.#o.store.builds({ pipelineId: this.#pipelineId, status: 'pending' });
  }
}

const pausedResolution: Resolution = { ok: false, error: 'paused', input: '' };

export function worstStatus(statuses: BuildStatus[]): BuildStatus | undefined {
  const rank: Record<string, number> = { succeeded: 0, failed: 1, errored: 2, aborted: 3 };
  return statuses.reduce<BuildStatus | undefined>(
    (worst, s) => (worst === undefined || (rank[s] ?? 0) > (rank[worst] ?? 0) ? s : worst),
    undefined,
  );
}
