// The typed pipeline model: what the rest of the runner works with.
import type { DataPath } from './source.js';
import type {
  DisplayConfig,
  GroupConfig,
  PrototypeConfig,
  ResourceConfig,
  ResourceTypeConfig,
  TaskConfig,
  VarSourceConfig,
} from './schema.js';

export type { DisplayConfig, GroupConfig, PrototypeConfig, ResourceConfig, ResourceTypeConfig, TaskConfig };
export type { VarSourceConfig };

type Params = Record<string, unknown>;

interface StepBase {
  /** Where the step's map is in the data (for file:line:col). */
  path: DataPath;
}

export interface GetStep extends StepBase {
  kind: 'get';
  name: string;
  /** `resource:` or, when absent, the step name. */
  resource: string;
  passed: string[];
  trigger: boolean;
  /** `latest` (default), `every`, a pinned version map, or a `((var))` resolved later. */
  version: string | Record<string, unknown> | undefined;
  params: Params | undefined;
  tags: string[];
  timeout: string | undefined;
}

export interface PutStep extends StepBase {
  kind: 'put';
  name: string;
  resource: string;
  params: Params | undefined;
  /** `detect` (default), `all`, or a list of artifact names. */
  inputs: string | string[];
  getParams: Params | undefined;
  noGet: boolean;
  tags: string[];
  timeout: string | undefined;
}

export interface TaskStep extends StepBase {
  kind: 'task';
  name: string;
  /** Inline config; undefined when `file:` is used (loaded at run time). */
  config: TaskConfig | undefined;
  /** Unknown keys of the inline config, reported by validation. */
  configUnknownFields: string[];
  file: string | undefined;
  image: string | undefined;
  privileged: boolean;
  hermetic: boolean;
  vars: Params | undefined;
  params: Params | undefined;
  inputMapping: Record<string, string>;
  outputMapping: Record<string, string>;
  containerLimits: TaskConfig['container_limits'];
  tags: string[];
  timeout: string | undefined;
}

export interface RunStep extends StepBase {
  kind: 'run';
  message: string;
  type: string;
  params: Params | undefined;
  privileged: boolean;
  tags: string[];
  timeout: string | undefined;
}

export interface SetPipelineStep extends StepBase {
  kind: 'set_pipeline';
  name: string;
  file: string;
  team: string | undefined;
  vars: Params | undefined;
  varFiles: string[];
  instanceVars: Params | undefined;
}

export interface LoadVarStep extends StepBase {
  kind: 'load_var';
  name: string;
  file: string;
  format: string | undefined;
  reveal: boolean;
}

export interface TryStep extends StepBase {
  kind: 'try';
  step: StepEnvelope;
}

export interface DoStep extends StepBase {
  kind: 'do';
  steps: StepEnvelope[];
  tags: string[];
}

export interface InParallelStep extends StepBase {
  kind: 'in_parallel';
  steps: StepEnvelope[];
  limit: number | undefined;
  failFast: boolean;
  tags: string[];
}

export interface AcrossVar {
  var: string;
  values: unknown[] | string | undefined;
  /** 'all' or a number (default 1). */
  maxInFlight: 'all' | number | undefined;
}

export interface AcrossStep extends StepBase {
  kind: 'across';
  vars: AcrossVar[];
  failFast: boolean;
  step: Step;
}

export interface AttemptsStep extends StepBase {
  kind: 'attempts';
  attempts: number | string;
  step: Step;
}

export interface TimeoutStep extends StepBase {
  kind: 'timeout';
  duration: string;
  step: Step;
}

export type HookKind = 'on_success' | 'on_failure' | 'on_abort' | 'on_error' | 'ensure';

export interface HookStep extends StepBase {
  kind: HookKind;
  step: Step;
  hook: StepEnvelope;
}

export type CoreStep = GetStep | PutStep | TaskStep | RunStep;
export type Step =
  | CoreStep
  | SetPipelineStep
  | LoadVarStep
  | TryStep
  | DoStep
  | InParallelStep
  | AcrossStep
  | AttemptsStep
  | TimeoutStep
  | HookStep;

/** A step as written in YAML: the outermost modifier plus keys nothing claimed. */
export interface StepEnvelope {
  step: Step;
  unknownFields: string[];
  path: DataPath;
}

export interface BuildLogRetention {
  builds: number | undefined;
  days: number | undefined;
  minimumSucceededBuilds: number | undefined;
}

export interface Job {
  name: string;
  oldName: string | undefined;
  /** The job's plan, wrapped in its hooks (inner to outer: on_success, on_failure, on_abort, on_error, ensure). */
  step: Step;
  plan: StepEnvelope[];
  public: boolean;
  serial: boolean;
  serialGroups: string[];
  maxInFlight: number | undefined;
  buildLogRetention: BuildLogRetention | undefined;
  buildLogsToRetain: number | undefined;
  disableManualTrigger: boolean;
  disableReruns: boolean;
  interruptible: boolean;
  tags: string[];
  path: DataPath;
}

export interface Named<T> {
  config: T;
  path: DataPath;
}

export interface Pipeline {
  jobs: Job[];
  resources: Named<ResourceConfig>[];
  resourceTypes: Named<ResourceTypeConfig>[];
  prototypes: Named<PrototypeConfig>[];
  varSources: Named<VarSourceConfig>[];
  groups: Named<GroupConfig>[];
  display: Named<DisplayConfig> | undefined;
  userData: unknown;
}
