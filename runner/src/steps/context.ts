// What every step runs with: the build (shared) and the state of this branch of the plan.
import type { EventSink } from '../engine/events.js';
import type { Job, Pipeline } from '../model/types.js';
import type { Runtime } from '../runtime/runtime.js';
import type { BuildRow, BuildStatus, Version } from '../store/store.js';
import type { Store } from '../store/store.js';
import type { Redactor } from '../vars/redact.js';
import type { Scope } from './scope.js';
import type { ContainerRegistry } from '../engine/containers.js';

export interface ResolvedInput {
  resourceId: number;
  versionId: number;
  version: Version;
}

export interface BuildOptions {
  /** Do not reuse fetched resource versions (`--no-cache`). */
  noCache: boolean;
  /** Local directories used as the result of a `get` with that name (`--override name=path`). */
  overrides: ReadonlyMap<string, string>;
  externalUrl: string;
  /** Set by `hangar serve`: tasks are listed for `fly intercept`, work directories kept. */
  containers?: ContainerRegistry | undefined;
}

export interface PipelineRef {
  id: number;
  name: string;
  pipeline: Pipeline;
  /** Called after a set_pipeline step saved a pipeline (so the scheduler reloads it). */
  onPipelineSet?: (name: string) => void;
}

export interface BuildContext {
  store: Store;
  runtime: Runtime;
  build: BuildRow;
  pipeline: PipelineRef | undefined;
  job: Job | undefined;
  inputs: ReadonlyMap<string, ResolvedInput>;
  events: EventSink;
  redactor: Redactor;
  /** The build's temporary directory (removed when the build ends). */
  workDir: string;
  /** The state directory (`.hangar/`): resource and task caches live under it. */
  stateDir: string;
  options: BuildOptions;
  /** Messages already printed once for this build (image warnings). */
  warned: Set<string>;
  nextPlanId: () => string;
  /** Aborted on a second Ctrl-C: hooks that run after an abort listen to this one. */
  killSignal: AbortSignal;
}

export interface StepState {
  signal: AbortSignal;
  scope: Scope;
  /** Set inside on_success/on_failure/on_error/on_abort hooks: becomes BUILD_STATUS for get/put. */
  hookStatus: BuildStatus | undefined;
  /** Inside `across`: set_pipeline's name and file take the local vars too (as in Concourse). */
  inAcross?: boolean;
}
