// One YAML step map -> the nested step model, consuming keys in Concourse's fixed precedence:
// ensure > on_error > on_abort > on_failure > on_success > across > attempts > timeout? > core.
// Modifiers wrap whatever follows; the first non-modifier ends parsing and its own fields are
// taken; every key left over is an "unknown field" (a validation error, not a decode error).
import { z } from 'zod';
import {
  DecodeError,
  decodeWith,
  isMap,
  optionalMap,
  optionalString,
  stringList,
  unknownKeys,
} from './decode.js';
import { stepFieldSchemas, taskConfigSchema, type StepKey } from './schema.js';
import type { DataPath } from './source.js';
import type { AcrossVar, Step, StepEnvelope, TaskConfig } from './types.js';

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

export const noStepConfigured = 'no step configured';
export const noCoreStep = 'no core step type declared (e.g. get, put, task, etc.)';

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
    const schema = stepFieldSchemas[key];
    const fields = decodeWith(schema, remaining, path, `malformed ${key} step: `) as Record<string, unknown>;
    for (const known of Object.keys(schema.shape)) delete remaining[known];
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
      const { config, unknown } = taskConfig(f.config, [...path, 'config']);
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

const taskConfigKeys = Object.keys(taskConfigSchema.shape);

/** An inline task config; unknown keys are kept for validation to report. */
export function taskConfig(
  data: unknown,
  path: DataPath,
): { config: TaskConfig | undefined; unknown: string[] } {
  if (data === undefined || data === null || !isMap(data)) return { config: undefined, unknown: [] };
  const config = decodeWith(taskConfigSchema, data, path, 'malformed task step: config.');
  return { config, unknown: unknownKeys(data, taskConfigKeys) };
}

/** Parses a standalone task file (what a task step's `file:` points at, or `fly execute -c`). */
export function parseTaskFile(data: unknown, path: DataPath = []): { config: TaskConfig; unknown: string[] } {
  const config = decodeWith(z.union([taskConfigSchema, z.null()]), data, path) ?? {};
  return { config, unknown: isMap(data) ? unknownKeys(data, taskConfigKeys) : [] };
}
