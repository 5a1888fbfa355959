// One build from start to finish: a temporary work directory, the plan run through the step
// dispatcher, the outcome mapped to a status (abort -> aborted, error -> errored, ok -> succeeded,
// else failed), events and the final status stored.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Job, Step } from '../model/types.js';
import type { Runtime } from '../runtime/runtime.js';
import type { BuildContext, BuildOptions, PipelineRef, ResolvedInput } from '../steps/context.js';
import { errorMessage, isAborted, StepError } from '../steps/errors.js';
import { runStep } from '../steps/run-step.js';
import { Scope } from '../steps/scope.js';
import type { BuildRow, BuildStatus, Store } from '../store/store.js';
import { Redactor } from '../vars/redact.js';
import { EventSink, type EventListener } from './events.js';

export interface BuildSpec {
  store: Store;
  runtime: Runtime;
  stateDir: string;
  options: BuildOptions;
  pipeline: PipelineRef | undefined;
  job: Job | undefined;
  build: BuildRow;
  inputs: ReadonlyMap<string, ResolvedInput>;
  listeners: readonly EventListener[];
  step: Step;
  /** First interrupt: aborts running steps, hooks still run. */
  abort: AbortSignal;
  /** Second interrupt: stops hooks too. */
  kill: AbortSignal;
  /** Artifacts present before the plan starts (`hangar execute -i`). */
  artifacts?: ReadonlyMap<string, string>;
  /** Called with the build's scope after the plan ran (execute copies outputs out). */
  afterPlan?: (scope: Scope) => Promise<void>;
}

export interface BuildResult {
  status: BuildStatus;
  /** Exit status of the last finished task, for fly-like exit codes. */
  lastTaskExit: number | undefined;
}

export async function runBuild(spec: BuildSpec): Promise<BuildResult> {
  const redactor = new Redactor();
  let lastTaskExit: number | undefined;
  const listeners: EventListener[] = [
    (_id, event) => {
      if (event.event === 'finish-task') {
        const code = event.data.exit_status;
        if (typeof code === 'number') lastTaskExit = code;
      }
    },
    ...spec.listeners,
  ];
  const events = new EventSink(spec.store, spec.build.id, redactor, listeners);
  const workDir = await mkdtemp(join(tmpdir(), `hangar-build-${spec.build.id}-`));
  let plan = 0;
  const ctx: BuildContext = {
    store: spec.store,
    runtime: spec.runtime,
    build: spec.build,
    pipeline: spec.pipeline,
    job: spec.job,
    inputs: spec.inputs,
    events,
    redactor,
    workDir,
    stateDir: spec.stateDir,
    options: spec.options,
    warned: new Set(),
    nextPlanId: () => (++plan).toString(16).padStart(8, '0'),
    killSignal: spec.kill,
  };
  const scope = new Scope();
  for (const [name, dir] of spec.artifacts ?? []) scope.registerArtifact(name, dir);
  events.emit('status', { status: 'started' });
  let status: BuildStatus;
  try {
    const ok = await runStep(spec.step, ctx, { signal: spec.abort, scope, hookStatus: undefined });
    status = ok ? 'succeeded' : 'failed';
  } catch (err) {
    if (isAborted(err)) {
      status = 'aborted';
      events.error(undefined, 'interrupted');
    } else {
      status = 'errored';
      if (!(err instanceof StepError && err.reported)) events.error(undefined, errorMessage(err));
    }
  }
  try {
    await spec.afterPlan?.(scope);
  } catch (err) {
    events.error(undefined, errorMessage(err));
  }
  events.emit('status', { status });
  spec.store.finishBuild(spec.build.id, status);
  if (spec.options.containers) await spec.options.containers.buildFinished(spec.build, workDir);
  else await rm(workDir, { recursive: true, force: true }).catch(() => undefined);
  return { status, lastTaskExit };
}
