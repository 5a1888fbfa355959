// Canonical YAML like `fly format-pipeline`: the file is decoded into Concourse's config structs and
// encoded again, so struct keys come out sorted, empty optional fields disappear, `yes` becomes
// `true`, unknown top-level keys and comments are dropped, while free-form maps (source, params,
// vars, version ...) keep their keys and order. Vars are not interpolated.
import { Document } from 'yaml';
import { isMap } from './decode.js';
import { pipelineTopLevelKeys } from './schema.js';
import { stepPrecedence } from './steps.js';

type Shape = {
  /** Fields always written, even when empty (no `omitempty` in Concourse's structs). */
  always?: readonly string[];
  /** Fields whose value is copied as is. */
  opaque?: readonly string[];
  /** Fields holding a nested struct or a list of them. */
  nested?: Readonly<Record<string, ShapeName>>;
};

type ShapeName =
  | 'pipeline'
  | 'group'
  | 'resource'
  | 'resourceType'
  | 'varSource'
  | 'display'
  | 'job'
  | 'retention'
  | 'step'
  | 'steps'
  | 'inParallel'
  | 'acrossVar'
  | 'taskConfig'
  | 'imageResource'
  | 'taskInput'
  | 'taskCache'
  | 'taskRun'
  | 'limits';

const shapes: Record<ShapeName, Shape> = {
  pipeline: {
    opaque: ['user_data'],
    nested: {
      groups: 'group',
      resources: 'resource',
      resource_types: 'resourceType',
      prototypes: 'resourceType',
      var_sources: 'varSource',
      jobs: 'job',
      display: 'display',
    },
  },
  group: { always: ['name'] },
  resource: { always: ['name', 'type', 'source'], opaque: ['source', 'version'] },
  resourceType: { always: ['name', 'type', 'source'], opaque: ['source', 'params', 'defaults'] },
  varSource: { always: ['name', 'type', 'config'], opaque: ['config'] },
  display: { always: ['background_image'] },
  job: {
    always: ['name', 'plan'],
    nested: {
      plan: 'steps',
      build_log_retention: 'retention',
      on_success: 'step',
      on_failure: 'step',
      on_abort: 'step',
      on_error: 'step',
      ensure: 'step',
    },
  },
  retention: {},
  step: {
    opaque: ['params', 'get_params', 'vars', 'version', 'input_mapping', 'output_mapping', 'instance_vars'],
    nested: {
      config: 'taskConfig',
      container_limits: 'limits',
      across: 'acrossVar',
      do: 'steps',
      try: 'step',
      in_parallel: 'inParallel',
      on_success: 'step',
      on_failure: 'step',
      on_abort: 'step',
      on_error: 'step',
      ensure: 'step',
    },
  },
  steps: {},
  inParallel: { nested: { steps: 'steps' } },
  acrossVar: { always: ['var'], opaque: ['values'] },
  taskConfig: {
    opaque: ['params'],
    nested: {
      image_resource: 'imageResource',
      inputs: 'taskInput',
      outputs: 'taskInput',
      caches: 'taskCache',
      run: 'taskRun',
      container_limits: 'limits',
    },
  },
  imageResource: { always: ['type', 'source'], opaque: ['source', 'params', 'version'] },
  taskInput: { always: ['name'] },
  taskCache: { always: ['path'] },
  taskRun: { always: ['path'], opaque: ['args'] },
  limits: {},
};

const stepKeys: ReadonlySet<string> = new Set(stepPrecedence);

function isEmpty(value: unknown): boolean {
  return (
    value === undefined ||
    value === null ||
    value === false ||
    value === 0 ||
    value === '' ||
    (Array.isArray(value) && value.length === 0) ||
    (isMap(value) && Object.keys(value).length === 0)
  );
}

function canon(shape: ShapeName, value: unknown): unknown {
  if (shape === 'steps') return Array.isArray(value) ? value.map((s) => canon('step', s)) : (value ?? null);
  if (Array.isArray(value)) return value.map((v) => canon(shape, v));
  if (shape === 'inParallel' && Array.isArray(value)) return canon('steps', value);
  if (!isMap(value)) return value;
  const spec = shapes[shape];
  const out: Record<string, unknown> = {};
  const keys = Object.keys(value).sort();
  if (shape === 'job') for (const k of spec.always ?? []) if (!keys.includes(k)) keys.push(k);
  keys.sort();
  for (const key of keys) {
    if (shape === 'pipeline' && !(pipelineTopLevelKeys as readonly string[]).includes(key)) continue;
    const raw = value[key];
    const always = spec.always?.includes(key) === true || (shape === 'step' && stepKeys.has(key));
    if (!always && isEmpty(raw)) continue;
    const nested = spec.nested?.[key];
    if (spec.opaque?.includes(key)) out[key] = raw ?? null;
    else if (nested === 'inParallel' && Array.isArray(raw)) out[key] = canon('steps', raw);
    else if (nested) out[key] = canon(nested, raw);
    else out[key] = raw ?? null;
  }
  return out;
}

/** The canonical document for already-parsed pipeline data. */
export function canonicalPipeline(data: unknown): unknown {
  return canon('pipeline', data ?? {});
}

/** Renders pipeline data as canonical YAML text. */
export function formatPipelineData(data: unknown): string {
  const canonical = canonicalPipeline(data);
  if (!isMap(canonical)) return '{}\n';
  let text = '';
  for (const [key, value] of Object.entries(canonical)) {
    const doc = new Document({ [key]: value }, { version: '1.1' });
    const rendered = doc.toString({ indentSeq: false, lineWidth: 0, nullStr: 'null' });
    const [first = '', ...rest] = rendered.replace(/\n$/, '').split('\n');
    text += [first, ...rest.map((line) => (line === '' ? line : `  ${line}`))].join('\n') + '\n';
  }
  return text;
}
