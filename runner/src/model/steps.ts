// One YAML step map -> the nested step model, consuming keys in Concourse's fixed precedence:
// ensure > on_error > on_abort > on_failure > on_success > across > attempts > timeout? > core.
// Modifiers wrap whatever follows; the first non-modifier ends parsing and its own fields are
// taken; every key left over is an "unknown field" (a validation error, not a decode error).
import {
  DecodeError,
  isMap,
  list,
  nullUnset,
  optionalMap,
  optionalString,
  optionalText,
  readFields,
  same,
  stringList,
  struct,
  text,
  textList,
  textOrUnset,
  unknownKeys,
  type Readers,
} from './decode.js';
import { noCoreStep, noStepConfigured, unmarshalTaskConfig } from './go-json.js';
import type { StepKey } from './schema.js';
import type { DataPath } from './source.js';
import type { AcrossVar, Step, StepEnvelope, TaskConfig } from './types.js';

const textMap = (value: unknown): unknown =>
  isMap(value) ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, text(v)])) : value;
const containerLimits = struct({ cpu: same, memory: same });

/** Fields each step kind owns, read after the key precedence below picked the kind. */
export const stepFields: Record<StepKey, Readers> = {
  get: {
    get: text,
    resource: optionalText,
    passed: textList,
    trigger: nullUnset,
    version: same,
    params: same,
    tags: textList,
    timeout: textOrUnset,
  },
  put: {
    put: text,
    resource: optionalText,
    params: same,
    inputs: same,
    get_params: same,
    no_get: nullUnset,
    tags: textList,
    timeout: textOrUnset,
  },
  task: {
    task: text,
    config: same,
    file: optionalText,
    image: optionalText,
    privileged: nullUnset,
    hermetic: nullUnset,
    vars: same,
    params: same,
    input_mapping: textMap,
    output_mapping: textMap,
    container_limits: containerLimits,
    tags: textList,
    timeout: textOrUnset,
  },
  run: {
    run: text,
    type: optionalText,
    params: same,
    privileged: nullUnset,
    tags: textList,
    container_limits: containerLimits,
    timeout: textOrUnset,
  },
  set_pipeline: {
    set_pipeline: text,
    file: optionalText,
    team: optionalText,
    vars: same,
    var_files: textList,
    instance_vars: same,
  },
  load_var: { load_var: text, file: optionalText, format: optionalText, reveal: nullUnset },
  try: { try: same },
  do: { do: same, tags: textList },
  in_parallel: {
    in_parallel: struct({ steps: same, limit: nullUnset, fail_fast: nullUnset }),
    tags: textList,
  },
  across: {
    across: list(struct({ var: text, values: same, max_in_flight: same })),
    fail_fast: nullUnset,
  },
  // an int, not a pointer: null is Go's zero value, which validation rejects
  attempts: { attempts: (value) => value ?? 0 },
  timeout: { timeout: text },
  ensure: { ensure: same },
  on_error: { on_error: same },
  on_abort: { on_abort: same },
  on_failure: { on_failure: same },
  on_success: { on_success: same },
};

/** The fields of atc.TaskConfig. */
export const taskConfigFields: Readers = {
  platform: optionalText,
  image_resource: struct({ type: text, source: same, params: same, version: same, tags: textList }),
  rootfs_uri: optionalText,
  inputs: list(struct({ name: optionalText, path: optionalText, optional: nullUnset })),
  outputs: list(struct({ name: optionalText, path: optionalText })),
  caches: list(struct({ path: text, ttl: textOrUnset })),
  params: same,
  run: struct({ path: optionalText, args: same, dir: optionalText, user: optionalText }),
  container_limits: containerLimits,
};

/** Keys in the order Concourse tries them (atc/steps.go). `timeout` sits after get so core steps own it. */
export const stepPrecedence: readonly StepKey[] = [
  'ensure',
  'on_error',
  'on_abort',
  'on_failure',
  'on_success',
  'across',
  'attempts',
  'run',
  'task',
  'put',
  'get',
  'timeout',
  'set_pipeline',
  'load_var',
  'try',
  'do',
  'in_parallel',
];

const modifiers: ReadonlySet<StepKey> = new Set([
  'ensure',
  'on_error',
  'on_abort',
  'on_failure',
  'on_success',
  'across',
  'attempts',
  'timeout',
]);

type Wrapper = (inner: Step) => Step;

export function parseStep(data: unknown, path: DataPath): StepEnvelope {
  if (!isMap(data)) {
    throw new DecodeError(`json: cannot unmarshal ${jsonKind(data)} into Go value of type atc.Step`, path);
  }
  const remaining: Record<string, unknown> = { ...data };
  const wrappers: Wrapper[] = [];
  let core: Step | undefined;
  for (const key of stepPrecedence) {
    if (!Object.hasOwn(remaining, key)) continue;
    const fields = readFields(remaining, stepFields[key]);
    for (const known of Object.keys(stepFields[key])) delete remaining[known];
    if (modifiers.has(key)) {
      wrappers.push(wrapperFor(key, fields, path));
      continue;
    }
    core = coreFor(key, fields, path);
    break;
  }
  if (core === undefined) {
    throw new DecodeError(wrappers.length === 0 ? noStepConfigured : noCoreStep, path);
  }
  let step = core;
  for (const wrap of wrappers.reverse()) step = wrap(step);
  return { step, unknownFields: Object.keys(remaining), path };
}

function jsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value === 'string' ? 'string' : typeof value === 'number' ? 'number' : typeof value;
}

function nested(key: string, data: unknown, path: DataPath): StepEnvelope {
  try {
    return parseStep(data, path);
  } catch (err) {
    if (err instanceof DecodeError) throw new DecodeError(`malformed ${key} step: ${err.message}`, err.path);
    throw err;
  }
}

function nestedList(key: string, data: unknown, path: DataPath): StepEnvelope[] {
  if (!Array.isArray(data)) return [];
  return data.map((item, i) => nested(key, item, [...path, i]));
}

function wrapperFor(key: StepKey, f: Record<string, unknown>, path: DataPath): Wrapper {
  switch (key) {
    case 'ensure':
    case 'on_error':
    case 'on_abort':
    case 'on_failure':
    case 'on_success': {
      const hook = nested(key, f[key], [...path, key]);
      return (step) => ({ kind: key, step, hook, path });
    }
    case 'across': {
      const vars: AcrossVar[] = (Array.isArray(f.across) ? f.across : []).map((raw: unknown) => {
        const item = raw as { var: string; values?: unknown; max_in_flight?: unknown };
        return {
          var: item.var,
          values: Array.isArray(item.values) || typeof item.values === 'string' ? item.values : undefined,
          maxInFlight:
            item.max_in_flight === 'all' || typeof item.max_in_flight === 'number'
              ? item.max_in_flight
              : undefined,
        };
      });
      const failFast = f.fail_fast === true;
      return (step) => ({ kind: 'across', vars, failFast, step, path });
    }
    case 'attempts': {
      const attempts = f.attempts as number | string;
      return (step) => ({ kind: 'attempts', attempts, step, path });
    }
    case 'timeout': {
      const duration = f.timeout as string;
      return (step) => ({ kind: 'timeout', duration, step, path });
    }
    default:
      throw new Error(`not a modifier: ${key}`);
  }
}

function coreFor(key: StepKey, f: Record<string, unknown>, path: DataPath): Step {
  const tags = stringList(f.tags);
  const timeout = optionalString(f.timeout);
  switch (key) {
    case 'get': {
      const name = f.get as string;
      const version = f.version;
      return {
        kind: 'get',
        name,
        resource: optionalString(f.resource) || name,
        passed: stringList(f.passed),
        trigger: f.trigger === true,
        version: typeof version === 'string' || isMap(version) ? version : undefined,
        params: optionalMap(f.params),
        tags,
        timeout,
        path,
      };
    }
    case 'put': {
      const name = f.put as string;
      const inputs = f.inputs;
      return {
        kind: 'put',
        name,
        resource: optionalString(f.resource) || name,
        params: optionalMap(f.params),
        inputs: typeof inputs === 'string' || Array.isArray(inputs) ? (inputs as string[]) : 'detect',
        getParams: optionalMap(f.get_params),
        noGet: f.no_get === true,
        tags,
        timeout,
        path,
      };
    }
    case 'task': {
      const { config, unknown } = taskConfig(f.config);
      return {
        kind: 'task',
        name: f.task as string,
        config,
        configUnknownFields: unknown,
        file: optionalString(f.file),
        image: optionalString(f.image),
        privileged: f.privileged === true,
        hermetic: f.hermetic === true,
        vars: optionalMap(f.vars),
        params: optionalMap(f.params),
        inputMapping: (optionalMap(f.input_mapping) ?? {}) as Record<string, string>,
        outputMapping: (optionalMap(f.output_mapping) ?? {}) as Record<string, string>,
        containerLimits: f.container_limits as TaskConfig['container_limits'],
        tags,
        timeout,
        path,
      };
    }
    case 'run':
      return {
        kind: 'run',
        message: f.run as string,
        type: optionalString(f.type) ?? '',
        params: optionalMap(f.params),
        privileged: f.privileged === true,
        tags,
        timeout,
        path,
      };
    case 'set_pipeline':
      return {
        kind: 'set_pipeline',
        name: f.set_pipeline as string,
        file: optionalString(f.file) ?? '',
        team: optionalString(f.team),
        vars: optionalMap(f.vars),
        varFiles: stringList(f.var_files),
        instanceVars: optionalMap(f.instance_vars),
        path,
      };
    case 'load_var':
      return {
        kind: 'load_var',
        name: f.load_var as string,
        file: optionalString(f.file) ?? '',
        format: optionalString(f.format),
        reveal: f.reveal === true,
        path,
      };
    case 'try':
      return { kind: 'try', step: nested('try', f.try, [...path, 'try']), path };
    case 'do':
      return { kind: 'do', steps: nestedList('do', f.do, [...path, 'do']), tags, path };
    case 'in_parallel': {
      const config = f.in_parallel;
      if (Array.isArray(config)) {
        return {
          kind: 'in_parallel',
          steps: nestedList('in_parallel', config, [...path, 'in_parallel']),
          limit: undefined,
          failFast: false,
          tags,
          path,
        };
      }
      const c = config as { steps?: unknown; limit?: unknown; fail_fast?: unknown };
      return {
        kind: 'in_parallel',
        steps: nestedList('in_parallel', c.steps, [...path, 'in_parallel', 'steps']),
        limit: typeof c.limit === 'number' ? c.limit : undefined,
        failFast: c.fail_fast === true,
        tags,
        path,
      };
    }
    default:
      throw new Error(`not a core step: ${key}`);
  }
}

const taskConfigKeys = Object.keys(taskConfigFields);

/** An inline task config; unknown keys are kept for validation to report. */
function taskConfig(data: unknown): { config: TaskConfig | undefined; unknown: string[] } {
  if (!isMap(data)) return { config: undefined, unknown: [] };
  return {
    config: readFields(data, taskConfigFields),
    unknown: unknownKeys(data, taskConfigKeys),
  };
}

/**
 * Parses a standalone task file (what a task step's `file:` points at, or `fly execute -c`); Go's
 * first decode error, if any, is thrown as a GoJsonError.
 */
export function parseTaskFile(data: unknown): { config: TaskConfig; unknown: string[] } {
  unmarshalTaskConfig(data);
  const { config, unknown } = taskConfig(data);
  return { config: config ?? {}, unknown };
}
