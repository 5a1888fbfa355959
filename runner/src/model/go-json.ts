// How Concourse decodes a pipeline: Go's encoding/json over the atc structs (atc/config.go,
// job_config.go, steps.go, task.go, container_limits.go), with each custom UnmarshalJSON. Only
// the errors matter here: the first one Go would return, word for word, with the data path it
// belongs to. Go reads object keys in byte order (the JSON comes from a Go map), saves the first
// type mismatch and carries on, but stops at once on an error from a custom unmarshaler.
import { goDurationError, parseGoDuration } from './duration.js';
import { isMap } from './decode.js';
import type { DataPath } from './source.js';

export const noStepConfigured = 'no step configured';
export const noCoreStep = 'no core step type declared (e.g. get, put, task, etc.)';

export class GoJsonError extends Error {
  constructor(
    message: string,
    readonly path: DataPath,
    /** Set for Go's *json.UnmarshalTypeError, whose text each enclosing decoder rewrites. */
    readonly typeError?: TypeErrorParts,
  ) {
    super(message);
    this.name = 'GoJsonError';
  }
}

interface TypeErrorParts {
  value: string;
  type: string;
  struct: string | undefined;
  field: string;
}

function typeError(parts: TypeErrorParts, path: DataPath): GoJsonError {
  const where =
    parts.struct === undefined && parts.field === ''
      ? 'Go value'
      : `Go struct field ${parts.struct ?? ''}.${parts.field}`;
  return new GoJsonError(
    `json: cannot unmarshal ${parts.value} into ${where} of type ${parts.type}`,
    path,
    parts,
  );
}

/** decodeState.addErrorContext: a type error leaving a nested decode gets the outer field path. */
function inContext(err: GoJsonError, context: Context): GoJsonError {
  if (err.typeError === undefined || (context.struct === undefined && context.fields.length === 0))
    return err;
  const field = [...context.fields, err.typeError.field].filter(Boolean).join('.');
  return typeError({ ...err.typeError, struct: context.struct, field }, err.path);
}

type Custom = (value: unknown, path: DataPath) => void;

export type GoType =
  | { kind: 'string' | 'bool' | 'int' | 'uint' | 'any' }
  | { kind: 'slice'; name: string; elem: GoType }
  | { kind: 'map'; name: string; elem: GoType }
  | { kind: 'struct'; name: string; fields: () => Record<string, GoType> }
  /** A type with its own UnmarshalJSON; `pointer` types skip a JSON null. */
  | { kind: 'custom'; pointer: boolean; decode: Custom };

const str: GoType = { kind: 'string' };
const bool: GoType = { kind: 'bool' };
const int: GoType = { kind: 'int' };
const any: GoType = { kind: 'any' };
const slice = (elem: GoType, name = `[]${goName(elem)}`): GoType => ({ kind: 'slice', name, elem });
const map = (elem: GoType, name = `map[string]${goName(elem)}`): GoType => ({ kind: 'map', name, elem });
const struct = (name: string, fields: () => Record<string, GoType>): GoType => ({
  kind: 'struct',
  name,
  fields,
});
const custom = (decode: Custom, pointer = true): GoType => ({ kind: 'custom', pointer, decode });

function goName(t: GoType): string {
  switch (t.kind) {
    case 'any':
      return 'interface {}';
    case 'slice':
    case 'map':
      return t.name;
    case 'struct':
      return `atc.${t.name}`;
    case 'custom':
      return 'custom';
    default:
      return t.kind === 'uint' ? 'uint64' : t.kind;
  }
}

/** The JSON kind Go names in "cannot unmarshal X": `number 1.5` where a number does not fit. */
function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (isMap(value)) return 'object';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return 'number';
  return 'string';
}

/** Go's `%v` of a decoded JSON value. */
export function goValue(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (Array.isArray(value)) return `[${value.map(goValue).join(' ')}]`;
  if (isMap(value)) {
    const keys = Object.keys(value).sort();
    return `map[${keys.map((k) => `${k}:${goValue(value[k])}`).join(' ')}]`;
  }
  if (typeof value === 'number') return goFloat(value);
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** strconv.FormatFloat(f, 'g', -1, 64), which is what `%v` prints for a JSON number. */
function goFloat(n: number): string {
  const exp = n === 0 ? 0 : Math.floor(Math.log10(Math.abs(n)));
  if (exp < -4 || exp >= 21) {
    const [mantissa, e] = n.toExponential().split('e');
    const sign = (e ?? '+0').startsWith('-') ? '-' : '+';
    const digits = (e ?? '0').replace(/^[+-]/, '').padStart(2, '0');
    return `${mantissa}e${sign}${digits}`;
  }
  return String(n);
}

const byteOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** One json.Unmarshal call: the first saved error, and the field stack of Go's errorContext. */
class Decoder {
  saved: GoJsonError | undefined;
  constructor(
    readonly disallowUnknownFields: boolean,
    /** sigs.k8s.io/yaml turns YAML numbers and booleans into strings for string fields it can see (not behind an UnmarshalJSON). */
    readonly yamlStrings: boolean,
  ) {}

  save(error: GoJsonError): void {
    this.saved ??= error;
  }

  mismatch(value: unknown, type: GoType, path: DataPath, context: Context): void {
    const kind = jsonKind(value);
    const shown =
      kind === 'number' && (type.kind === 'int' || type.kind === 'uint')
        ? `number ${goFloat(value as number)}`
        : kind;
    const parts = {
      value: shown,
      type: goName(type),
      struct: context.struct,
      field: context.fields.join('.'),
    };
    this.save(typeError(parts, path));
  }

  value(value: unknown, type: GoType, path: DataPath, context: Context): void {
    if (type.kind === 'custom') {
      if (value === null && type.pointer) return;
      try {
        type.decode(value, path);
      } catch (err) {
        throw err instanceof GoJsonError ? inContext(err, context) : err;
      }
      return;
    }
    if (value === null || value === undefined || type.kind === 'any') return;
    switch (type.kind) {
      case 'string':
        if (this.yamlStrings && (typeof value === 'number' || typeof value === 'boolean')) return;
        if (typeof value !== 'string') this.mismatch(value, type, path, context);
        return;
      case 'bool':
        if (typeof value !== 'boolean') this.mismatch(value, type, path, context);
        return;
      case 'int':
      case 'uint':
        if (
          typeof value !== 'number' ||
          !Number.isSafeInteger(value) ||
          (type.kind === 'uint' && value < 0)
        ) {
          this.mismatch(value, type, path, context);
        }
        return;
      case 'slice':
        if (!Array.isArray(value)) return this.mismatch(value, type, path, context);
        value.forEach((item, i) => this.value(item, type.elem, [...path, i], context));
        return;
      case 'map':
        if (!isMap(value)) return this.mismatch(value, type, path, context);
        for (const key of Object.keys(value).sort(byteOrder))
          this.value(value[key], type.elem, [...path, key], context);
        return;
      case 'struct': {
        if (!isMap(value)) return this.mismatch(value, type, path, context);
        const fields = type.fields();
        for (const key of Object.keys(value).sort(byteOrder)) {
          const name = fieldFor(fields, key);
          if (name === undefined) {
            if (this.disallowUnknownFields)
              this.save(new GoJsonError(`json: unknown field ${goQuote(key)}`, [...path, key]));
            continue;
          }
          this.value(value[key], fields[name] as GoType, [...path, key], {
            struct: type.name,
            fields: [...context.fields, name],
          });
        }
        return;
      }
    }
  }
}

interface Context {
  struct: string | undefined;
  fields: string[];
}

/** Go matches a JSON key to a field exactly, else case-insensitively. */
function fieldFor(fields: Record<string, GoType>, key: string): string | undefined {
  if (Object.hasOwn(fields, key)) return key;
  const folded = key.toLowerCase();
  return Object.keys(fields).find((f) => f.toLowerCase() === folded);
}

/** strconv.Quote for the usual cases (what `%q` prints). */
function goQuote(text: string): string {
  return JSON.stringify(text).replace(
    /[\u007f-\u009f\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** json.Unmarshal(data, &target): throws the error Go would return, if any. */
function unmarshal(value: unknown, type: GoType, path: DataPath, disallowUnknownFields = false): void {
  decode(new Decoder(disallowUnknownFields, false), value, type, path);
}

function decode(d: Decoder, value: unknown, type: GoType, path: DataPath): void {
  d.value(value, type, path, { struct: undefined, fields: [] });
  if (d.saved) throw d.saved;
}

/** An error a custom UnmarshalJSON returns, wrapping whatever the inner decode said. */
function wrap(prefix: string, body: () => void): void {
  try {
    body();
  } catch (err) {
    if (err instanceof GoJsonError) throw new GoJsonError(`${prefix}${err.message}`, err.path);
    throw err;
  }
}

const rawMessageMap = map(any, 'map[string]*json.RawMessage');

// --- custom unmarshalers -------------------------------------------------------------------

/** sigs.k8s.io/yaml.Unmarshal(Strict) of a whole pipeline into atc.Config: throws Go's first error. */
export function unmarshalPipeline(data: unknown, strict: boolean): void {
  decode(new Decoder(strict, true), data, pipelineType, []);
}

/** atc.Tags: a []string. */
const tags = custom((value, path) => unmarshal(value, slice(str), path), false);

/** atc.CheckEvery: "never", "" or a Go duration. */
const checkEvery = custom((value, path) => {
  if (typeof value !== 'string') throw new GoJsonError('non-string value provided', path);
  if (value === '' || value === 'never') return;
  const error = goDurationError(value);
  if (error !== undefined) throw new GoJsonError(error, path);
});

/** atc.VersionConfig: "latest", "every" (any string, really) or a map of strings. */
const versionConfig = custom((value, path) => {
  if (typeof value === 'string') return;
  if (isMap(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (typeof v !== 'string')
        throw new GoJsonError(`the value ${goValue(v)} of ${k} is not a string`, [...path, k]);
    }
    return;
  }
  throw new GoJsonError('unknown type for version', path);
});

/** atc.InputsConfig: "all", "detect" (any string) or a list of strings. */
const inputsConfig = custom((value, path) => {
  if (typeof value === 'string') return;
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      if (typeof v !== 'string') throw new GoJsonError(`non-string put input: ${goValue(v)}`, [...path, i]);
    });
    return;
  }
  throw new GoJsonError('unknown type for put inputs', path);
});

/** atc.MaxInFlightConfig: "all" or an int. */
const maxInFlight = custom((value, path) => {
  if (typeof value === 'string') {
    if (value !== 'all') throw new GoJsonError(`invalid max_in_flight ${goQuote(value)}`, path);
    return;
  }
  unmarshal(value, int, path);
});

const cpuLimit = custom((value, path) => {
  if (value !== null && typeof value !== 'number')
    throw new GoJsonError('cpu limit must be an integer', path);
});

const memoryPattern = /^([0-9]+)(([KMG])(i)?B?)?$/i;
const memoryLimit = custom((value, path) => {
  if (typeof value !== 'string') return;
  const digits = memoryPattern.exec(value)?.[1];
  if (digits === undefined) throw new GoJsonError('could not parse container memory limit', path);
  if (BigInt(digits) > 18446744073709551615n) {
    throw new GoJsonError(`strconv.ParseUint: parsing ${goQuote(digits)}: value out of range`, path);
  }
});

const containerLimits = struct('ContainerLimits', () => ({ cpu: cpuLimit, memory: memoryLimit }));
const params = map(any, 'atc.Params');
const source = map(any, 'atc.Source');

/** atc.TaskEnv: a map whose values are coerced to strings (anything goes). */
const taskEnv = custom(
  (value, path) => unmarshal(value, map(any, 'map[string]atc.CoercedString'), path),
  false,
);

const taskCache = custom((value, path) => {
  unmarshal(
    value,
    struct('alias', () => ({ path: str, ttl: str })),
    path,
  );
  const ttl = isMap(value) ? value.ttl : undefined;
  if (typeof ttl !== 'string' || ttl === '') return;
  const error = goDurationError(ttl);
  if (error !== undefined) throw new GoJsonError(`invalid cache ttl '${ttl}': ${error}`, [...path, 'ttl']);
  if ((parseGoDuration(ttl) ?? 0) < 1000)
    throw new GoJsonError(`cache ttl must be at least 1s, got '${ttl}'`, [...path, 'ttl']);
});

const taskConfigFields = (): Record<string, GoType> => ({
  platform: str,
  image_resource: struct('ImageResource', () => ({
    name: str,
    type: str,
    source,
    version: map(str, 'atc.Version'),
    params,
    tags,
  })),
  rootfs_uri: str,
  container_limits: containerLimits,
  params: taskEnv,
  run: struct('TaskRunConfig', () => ({ path: str, args: slice(str), dir: str, user: str })),
  inputs: slice(
    struct('TaskInputConfig', () => ({ name: str, path: str, optional: bool })),
    '[]atc.TaskInputConfig',
  ),
  outputs: slice(
    struct('TaskOutputConfig', () => ({ name: str, path: str })),
    '[]atc.TaskOutputConfig',
  ),
  caches: slice(taskCache, '[]atc.TaskCacheConfig'),
});

const taskConfig = custom((value, path) => {
  unmarshal(value, rawMessageMap, path);
  unmarshal(value, struct('taskConfigAlias', taskConfigFields), path);
});

/** A task file as Concourse decodes it into atc.TaskConfig: throws Go's first error. */
export function unmarshalTaskConfig(data: unknown): void {
  unmarshal(data, taskConfig, []);
}

/** A `Step` field (not a pointer): a JSON null still reaches UnmarshalJSON. */
const step: GoType = { kind: 'custom', pointer: false, decode: (value, path) => decodeStep(value, path) };
/** A `*Step` field (job hooks): null leaves it unset. */
const stepPointer: GoType = {
  kind: 'custom',
  pointer: true,
  decode: (value, path) => decodeStep(value, path),
};

/** atc.InParallelConfig: a list of steps, or {steps, limit, fail_fast}. */
const inParallelConfig = custom((value, path) => {
  if (Array.isArray(value)) {
    wrap('failed to unmarshal parallel steps: ', () => unmarshal(value, slice(step, '[]atc.Step'), path));
  } else if (isMap(value)) {
    const fields = { steps: slice(step, '[]atc.Step'), limit: int, fail_fast: bool };
    wrap('failed to unmarshal parallel config: ', () =>
      unmarshal(
        value,
        struct('target', () => fields),
        path,
      ),
    );
  } else {
    throw new GoJsonError(`wrong type for parallel config: ${goValue(value)}`, path);
  }
}, false);

const acrossVar = custom((value, path) => {
  const fields = { var: str, values: any, max_in_flight: maxInFlight };
  unmarshal(
    value,
    struct('target', () => fields),
    path,
    true,
  );
}, false);

/** Each step type's struct, in atc.StepPrecedence order; `wraps` marks the modifiers. */
const stepTypes: { key: string; name: string; wraps: boolean; fields: Record<string, GoType> }[] = [
  ...(['ensure', 'on_error', 'on_abort', 'on_failure', 'on_success'] as const).map((key) => ({
    key,
    name: `${key.replace(/(^|_)(\w)/g, (_m, _s, c: string) => c.toUpperCase())}Step`,
    wraps: true,
    fields: { [key]: step },
  })),
  {
    key: 'across',
    name: 'AcrossStep',
    wraps: true,
    fields: { across: slice(acrossVar, '[]atc.AcrossVarConfig'), fail_fast: bool },
  },
  { key: 'attempts', name: 'RetryStep', wraps: true, fields: { attempts: int } },
  {
    key: 'run',
    name: 'RunStep',
    wraps: false,
    fields: {
      run: str,
      type: str,
      params,
      privileged: bool,
      tags,
      container_limits: containerLimits,
      timeout: str,
    },
  },
  {
    key: 'task',
    name: 'TaskStep',
    wraps: false,
    fields: {
      task: str,
      privileged: bool,
      hermetic: bool,
      file: str,
      container_limits: containerLimits,
      config: taskConfig,
      params: taskEnv,
      vars: params,
      tags,
      input_mapping: map(str),
      output_mapping: map(str),
      image: str,
      timeout: str,
    },
  },
  {
    key: 'put',
    name: 'PutStep',
    wraps: false,
    fields: {
      put: str,
      resource: str,
      params,
      inputs: inputsConfig,
      tags,
      get_params: params,
      timeout: str,
      no_get: bool,
    },
  },
  {
    key: 'get',
    name: 'GetStep',
    wraps: false,
    fields: {
      get: str,
      resource: str,
      version: versionConfig,
      params,
      passed: slice(str),
      trigger: bool,
      tags,
      timeout: str,
    },
  },
  { key: 'timeout', name: 'TimeoutStep', wraps: true, fields: { timeout: str } },
  {
    key: 'set_pipeline',
    name: 'SetPipelineStep',
    wraps: false,
    fields: {
      set_pipeline: str,
      file: str,
      team: str,
      vars: params,
      var_files: slice(str),
      instance_vars: map(any, 'atc.InstanceVars'),
    },
  },
  {
    key: 'load_var',
    name: 'LoadVarStep',
    wraps: false,
    fields: { load_var: str, file: str, format: str, reveal: bool },
  },
  { key: 'try', name: 'TryStep', wraps: false, fields: { try: step } },
  { key: 'do', name: 'DoStep', wraps: false, fields: { do: slice(step, '[]atc.Step'), tags } },
  {
    key: 'in_parallel',
    name: 'InParallelStep',
    wraps: false,
    fields: { in_parallel: inParallelConfig, tags },
  },
];

/** atc.Step.UnmarshalJSON: each step type present, in precedence order, decodes the whole map. */
function decodeStep(value: unknown, path: DataPath): void {
  unmarshal(value, rawMessageMap, path);
  const remaining: Record<string, unknown> = { ...(isMap(value) ? value : {}) };
  let configured = false;
  for (const type of stepTypes) {
    if (!Object.hasOwn(remaining, type.key)) continue;
    configured = true;
    wrap(`malformed ${type.key} step: `, () =>
      unmarshal(
        remaining,
        struct(type.name, () => type.fields),
        path,
      ),
    );
    if (!type.wraps) return;
    for (const known of Object.keys(type.fields)) delete remaining[known];
  }
  throw new GoJsonError(configured ? noCoreStep : noStepConfigured, path);
}

const resourceTypeFields = (): Record<string, GoType> => ({
  name: str,
  type: str,
  source,
  defaults: source,
  privileged: bool,
  check_every: checkEvery,
  tags,
  params,
});

/** atc.Config, the whole pipeline. */
const pipelineType: GoType = struct('Config', () => ({
  groups: slice(
    struct('GroupConfig', () => ({ name: str, jobs: slice(str), resources: slice(str) })),
    'atc.GroupConfigs',
  ),
  var_sources: slice(
    struct('VarSourceConfig', () => ({ name: str, type: str, config: any })),
    'atc.VarSourceConfigs',
  ),
  resources: slice(
    struct('ResourceConfig', () => ({
      name: str,
      old_name: str,
      public: bool,
      webhook_token: str,
      type: str,
      source,
      check_every: checkEvery,
      check_timeout: str,
      tags,
      version: map(str, 'atc.Version'),
      icon: str,
      expose_build_created_by: bool,
    })),
    'atc.ResourceConfigs',
  ),
  resource_types: slice(struct('ResourceType', resourceTypeFields), 'atc.ResourceTypes'),
  prototypes: slice(struct('Prototype', resourceTypeFields), 'atc.Prototypes'),
  jobs: slice(
    struct('JobConfig', () => ({
      name: str,
      old_name: str,
      public: bool,
      disable_manual_trigger: bool,
      disable_reruns: bool,
      serial: bool,
      interruptible: bool,
      serial_groups: slice(str),
      max_in_flight: int,
      tags,
      build_logs_to_retain: int,
      build_log_retention: struct('BuildLogRetention', () => ({
        builds: int,
        minimum_succeeded_builds: int,
        days: int,
      })),
      on_success: stepPointer,
      on_failure: stepPointer,
      on_abort: stepPointer,
      on_error: stepPointer,
      ensure: stepPointer,
      plan: slice(step, '[]atc.Step'),
    })),
    'atc.JobConfigs',
  ),
  display: struct('DisplayConfig', () => ({ background_image: str, background_filter: str })),
  user_data: any,
}));
