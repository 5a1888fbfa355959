// Plain YAML data -> typed Pipeline. Pure. Unknown top-level keys are dropped, as the ATC does
// (handy for `anchors:` blocks); with `strict` every unknown key is a decode error, like `fly --strict`.
import { z } from 'zod';
import { DecodeError, decodeWith, isMap, optionalString, stringList, unknownKeys } from './decode.js';
import {
  displaySchema,
  groupSchema,
  jobSchema,
  pipelineTopLevelKeys,
  prototypeSchema,
  resourceSchema,
  resourceTypeSchema,
  varSourceSchema,
} from './schema.js';
import { atKey, type DataPath } from './source.js';
import { firstUnknownKey } from './strict.js';
import { parseStep } from './steps.js';
import type { HookKind, Job, Named, Pipeline, Step, StepEnvelope } from './types.js';

export interface ParseOptions {
  strict: boolean;
}

const jobHooks: readonly HookKind[] = ['on_success', 'on_failure', 'on_abort', 'on_error', 'ensure'];

function rejectUnknown(
  data: unknown,
  schema: z.ZodType | readonly string[],
  path: DataPath,
  strict: boolean,
): void {
  if (!strict || !isMap(data)) return;
  const found = Array.isArray(schema)
    ? unknownKeys(data, schema).map((key) => [...path, key])[0]
    : firstUnknownKey(schema as z.ZodType, data, path);
  const key = found?.[found.length - 1];
  if (found !== undefined && key !== undefined) {
    throw new DecodeError(`json: unknown field ${JSON.stringify(String(key))}`, [...found, atKey]);
  }
}

function section<T extends z.ZodObject>(
  data: Record<string, unknown>,
  key: string,
  schema: T,
  strict: boolean,
): Named<z.infer<T>>[] {
  const list = data[key];
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) {
    throw new DecodeError(`json: cannot unmarshal ${typeof list} into Go struct field Config.${key}`, [key]);
  }
  return list.map((item: unknown, i) => {
    const path = [key, i];
    rejectUnknown(item, schema, path, strict);
    // Go leaves missing strings empty; validation then reports "has no name" / "has no type".
    const filled = isMap(item) ? { ...zeroStrings(schema), ...item } : item;
    return { config: decodeWith(schema, filled, path, `${key}[${i}].`), path };
  });
}

function zeroStrings(schema: z.ZodObject): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of ['name', 'type']) if (key in schema.shape) out[key] = '';
  return out;
}

export function parsePipeline(data: unknown, options: ParseOptions = { strict: false }): Pipeline {
  const { strict } = options;
  if (data === null || data === undefined) data = {};
  if (!isMap(data))
    throw new DecodeError('json: cannot unmarshal non-map into Go value of type atc.Config', []);
  rejectUnknown(data, pipelineTopLevelKeys, [], strict);

  const display =
    data.display === undefined || data.display === null
      ? undefined
      : (() => {
          rejectUnknown(data.display, displaySchema, ['display'], strict);
          return {
            config: decodeWith(displaySchema, data.display, ['display'], 'display.'),
            path: ['display'],
          };
        })();

  return {
    groups: section(data, 'groups', groupSchema, strict),
    resources: section(data, 'resources', resourceSchema, strict),
    resourceTypes: section(data, 'resource_types', resourceTypeSchema, strict),
    prototypes: section(data, 'prototypes', prototypeSchema, strict),
    varSources: section(data, 'var_sources', varSourceSchema, strict),
    jobs: section(data, 'jobs', jobSchema, strict).map(({ config, path }) => toJob(config, path)),
    display,
    userData: data.user_data,
  };
}

function toJob(config: z.infer<typeof jobSchema>, path: DataPath): Job {
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
