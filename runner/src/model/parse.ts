// Plain YAML data -> typed Pipeline. Pure. The data must be decodable as Concourse's Go structs
// (go-json.ts checks that and says why not), so this only reads each field in the model's form.
// Unknown top-level keys are dropped, as the ATC does (handy for `anchors:` blocks).
import {
  DecodeError,
  isMap,
  nullUnset,
  optionalString,
  optionalText,
  readFields,
  same,
  stringList,
  struct,
  text,
  textList,
  textOrUnset,
  type Readers,
} from './decode.js';
import { unmarshalPipeline } from './go-json.js';
import type {
  DisplayConfig,
  GroupConfig,
  JobData,
  PrototypeConfig,
  ResourceConfig,
  ResourceTypeConfig,
  VarSourceConfig,
} from './schema.js';
import type { DataPath } from './source.js';
import { parseStep } from './steps.js';
import type { HookKind, Job, Named, Pipeline, Step, StepEnvelope } from './types.js';

export interface ParseOptions {
  /** Unknown keys anywhere are Go's decode errors, as with `fly validate-pipeline --strict`. */
  strict: boolean;
}

/** The top-level keys of atc.Config. */
export const pipelineTopLevelKeys = [
  'jobs',
  'resources',
  'resource_types',
  'var_sources',
  'groups',
  'display',
  'prototypes',
  'user_data',
] as const;

const jobHooks: readonly HookKind[] = ['on_success', 'on_failure', 'on_abort', 'on_error', 'ensure'];

const resourceFields: Readers = {
  name: text,
  type: text,
  source: same,
  old_name: optionalText,
  icon: optionalText,
  version: same,
  check_every: textOrUnset,
  check_timeout: textOrUnset,
  expose_build_created_by: nullUnset,
  tags: textList,
  public: nullUnset,
  webhook_token: optionalText,
};

const resourceTypeFields: Readers = {
  name: text,
  type: text,
  source: same,
  privileged: nullUnset,
  params: same,
  check_every: textOrUnset,
  tags: textList,
  defaults: same,
};

const varSourceFields: Readers = { name: text, type: text, config: same };
const groupFields: Readers = { name: text, jobs: textList, resources: textList };
const displayFields: Readers = { background_image: optionalText, background_filter: optionalText };
const retentionFields: Readers = { builds: nullUnset, days: nullUnset, minimum_succeeded_builds: nullUnset };

const jobFields: Readers = {
  name: text,
  old_name: optionalText,
  plan: same,
  public: nullUnset,
  serial: nullUnset,
  serial_groups: textList,
  max_in_flight: nullUnset,
  build_log_retention: struct(retentionFields),
  build_logs_to_retain: nullUnset,
  disable_manual_trigger: nullUnset,
  disable_reruns: nullUnset,
  interruptible: nullUnset,
  tags: textList,
  // *Step pointers: null is no hook
  on_success: nullUnset,
  on_failure: nullUnset,
  on_abort: nullUnset,
  on_error: nullUnset,
  ensure: nullUnset,
};

/** The fields the model reads of each pipeline section (test/schema.test.ts holds schema.ts to them). */
export const sectionFields = {
  groups: groupFields,
  resources: resourceFields,
  resource_types: resourceTypeFields,
  prototypes: resourceTypeFields,
  var_sources: varSourceFields,
  jobs: jobFields,
  display: displayFields,
} as const;

function section<T>(data: Record<string, unknown>, key: keyof typeof sectionFields): Named<T>[] {
  const fields = sectionFields[key];
  const list = data[key];
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) {
    throw new DecodeError(`json: cannot unmarshal ${typeof list} into Go struct field Config.${key}`, [key]);
  }
  return list.map((item: unknown, i) => {
    const path = [key, i];
    if (!isMap(item)) throw new DecodeError(`json: cannot unmarshal ${typeof item} into Go value`, path);
    return { config: readFields(item, fields) as T, path };
  });
}

export function parsePipeline(data: unknown, options: ParseOptions = { strict: false }): Pipeline {
  if (options.strict) unmarshalPipeline(data, true);
  if (data === null || data === undefined) data = {};
  if (!isMap(data))
    throw new DecodeError('json: cannot unmarshal non-map into Go value of type atc.Config', []);
  const display = isMap(data.display)
    ? { config: readFields(data.display, displayFields) as DisplayConfig, path: ['display'] }
    : undefined;
  return {
    groups: section<GroupConfig>(data, 'groups'),
    resources: section<ResourceConfig>(data, 'resources'),
    resourceTypes: section<ResourceTypeConfig>(data, 'resource_types'),
    prototypes: section<PrototypeConfig>(data, 'prototypes'),
    varSources: section<VarSourceConfig>(data, 'var_sources'),
    jobs: section<JobData>(data, 'jobs').map(({ config, path }) => toJob(config, path)),
    display,
    userData: data.user_data,
  };
}

function toJob(config: JobData, path: DataPath): Job {
  const plan: StepEnvelope[] = (config.plan ?? []).map((item, i) => parseStep(item, [...path, 'plan', i]));
  let step: Step = { kind: 'do', steps: plan, tags: [], path: [...path, 'plan'] };
  for (const hook of jobHooks) {
    const data = config[hook];
    if (data === undefined) continue;
    step = { kind: hook, step, hook: parseStep(data, [...path, hook]), path: [...path, hook] };
  }
  const retention = config.build_log_retention;
  const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
  return {
    name: config.name,
    oldName: optionalString(config.old_name),
    step,
    plan,
    public: config.public === true,
    serial: config.serial === true,
    serialGroups: stringList(config.serial_groups),
    maxInFlight: num(config.max_in_flight),
    buildLogRetention: retention
      ? {
          builds: num(retention.builds),
          days: num(retention.days),
          minimumSucceededBuilds: num(retention.minimum_succeeded_builds),
        }
      : undefined,
    buildLogsToRetain: num(config.build_logs_to_retain),
    disableManualTrigger: config.disable_manual_trigger === true,
    disableReruns: config.disable_reruns === true,
    interruptible: config.interruptible === true,
    tags: stringList(config.tags),
    path,
  };
}

/** Calls `visit` on every step of a tree, outer to inner, hooks included. */
export function walkSteps(step: Step, visit: (step: Step) => void): void {
  visit(step);
  switch (step.kind) {
    case 'try':
      walkSteps(step.step.step, visit);
      break;
    case 'do':
    case 'in_parallel':
      for (const child of step.steps) walkSteps(child.step, visit);
      break;
    case 'across':
    case 'attempts':
    case 'timeout':
      walkSteps(step.step, visit);
      break;
    case 'on_success':
    case 'on_failure':
    case 'on_abort':
    case 'on_error':
    case 'ensure':
      walkSteps(step.step, visit);
      walkSteps(step.hook.step, visit);
      break;
    default:
      break;
  }
}

/** Job inputs: every `get` anywhere in the job's step tree (hooks, try, in_parallel ... included). */
export function jobInputs(job: Job): Extract<Step, { kind: 'get' }>[] {
  const gets: Extract<Step, { kind: 'get' }>[] = [];
  walkSteps(job.step, (s) => {
    if (s.kind === 'get') gets.push(s);
  });
  return gets;
}

/** Job outputs: every `put` in the job's step tree. */
export function jobOutputs(job: Job): Extract<Step, { kind: 'put' }>[] {
  const puts: Extract<Step, { kind: 'put' }>[] = [];
  walkSteps(job.step, (s) => {
    if (s.kind === 'put') puts.push(s);
  });
  return puts;
}
