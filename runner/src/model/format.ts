// Canonical YAML like `fly format-pipeline`: the file is decoded into Concourse's config structs and
// encoded again, so struct keys come out sorted, empty optional fields disappear, `yes` becomes
// `true`, unknown top-level keys and comments are dropped, while free-form maps (source, params,
// vars, version ...) keep their keys and order. Vars are not interpolated.
import { Document, visit, type Tags } from 'yaml';
import { goDurationString, parseGoDuration } from './duration.js';
import { goYamlTags } from './source.js';
import { goYamlStringTag, needsDoubleQuotes } from './go-yaml-scalar.js';
import { isMap } from './decode.js';
import { pipelineTopLevelKeys } from './parse.js';
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
  imageResource: { always: ['name', 'type', 'source'], opaque: ['source', 'params', 'version'] },
  taskInput: { always: ['name'] },
  taskCache: { always: ['path'] },
  taskRun: { always: ['path'], opaque: ['args'] },
  limits: {},
};

/** atc.MemoryLimit is written back in bytes (`1GB` is 1073741824: binary units). */
function memoryBytes(value: unknown): unknown {
  const m = typeof value === 'string' ? /^([0-9]+)(?:([KMG])i?B?)?$/i.exec(value) : null;
  if (!m) return value;
  const unit =
    { K: 1024n, M: 1024n ** 2n, G: 1024n ** 3n }[(m[2] ?? '').toUpperCase() as 'K' | 'M' | 'G'] ?? 1n;
  return Number(BigInt(m[1] ?? '0') * unit);
}

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

/** go-yaml v2's key order (sorter.go): digit runs compare as numbers, non-letters before letters. */
export function goYamlKeyOrder(a: string, b: string): number {
  const ar = [...a];
  const br = [...b];
  const letter = (c: string): boolean => /\p{L}/u.test(c);
  const digit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
  for (let i = 0; i < ar.length && i < br.length; i++) {
    const ac = ar[i] as string;
    const bc = br[i] as string;
    if (ac === bc) continue;
    const al = letter(ac);
    const bl = letter(bc);
    if (al && bl) return ac < bc ? -1 : 1;
    if (al || bl) return bl ? -1 : 1;
    let an = 0n;
    let bn = 0n;
    if (ac === '0' || bc === '0') {
      for (let j = i - 1; j >= 0 && digit(ar[j]); j--) {
        if (ar[j] !== '0') {
          an = 1n;
          bn = 1n;
          break;
        }
      }
    }
    let ai = i;
    let bi = i;
    for (; digit(ar[ai]); ai++) an = an * 10n + BigInt(Number(ar[ai]));
    for (; digit(br[bi]); bi++) bn = bn * 10n + BigInt(Number(br[bi]));
    if (an !== bn) return an < bn ? -1 : 1;
    if (ai !== bi) return ai < bi ? -1 : 1;
    return ac < bc ? -1 : 1;
  }
  return ar.length - br.length;
}

/** Every map sorted, as go-yaml v2 writes a decoded document (free-form maps included). */
function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (!isMap(value)) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort(goYamlKeyOrder)
      .map((k) => [k, sorted(value[k])]),
  );
}

/** atc.CheckEvery as Go writes it back: `never`, or the interval in Go's Duration.String(). */
function checkEveryText(text: string): string {
  if (text === 'never' || text === '') return text;
  const ms = parseGoDuration(text);
  return ms === undefined ? text : goDurationString(ms);
}

/** A task step (not a prototype `run`): its params are an atc.TaskEnv. */
const isTaskStep = (step: Record<string, unknown>): boolean => 'task' in step && !('run' in step);

/** atc.TaskEnv: every value becomes a string (null is empty, maps and lists their JSON). */
function taskEnv(raw: unknown): unknown {
  if (!isMap(raw)) return raw ?? null;
  const coerce = (v: unknown): string => {
    if (v === null || v === undefined) return '';
    if (typeof v === 'string') return v;
    return typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(sorted(v));
  };
  return Object.fromEntries(
    Object.keys(raw)
      .sort(goYamlKeyOrder)
      .map((k) => [k, coerce(raw[k])]),
  );
}

/** Go's zero value of a field written without omitempty. */
const zeroOf = (key: string): unknown => (['source', 'config', 'plan'].includes(key) ? null : '');

function canon(shape: ShapeName, value: unknown): unknown {
  if (shape === 'steps') return Array.isArray(value) ? value.map((s) => canon('step', s)) : (value ?? null);
  if (shape === 'inParallel' && Array.isArray(value)) return canon('inParallel', { steps: value });
  if (Array.isArray(value)) return value.map((v) => canon(shape, v));
  if (!isMap(value)) return value;
  const spec = shapes[shape];
  const out: Record<string, unknown> = {};
  const keys = Object.keys(value);
  for (const k of spec.always ?? []) if (!keys.includes(k)) keys.push(k);
  for (const key of keys.sort(goYamlKeyOrder)) {
    if (shape === 'pipeline' && !(pipelineTopLevelKeys as readonly string[]).includes(key)) continue;
    const raw = Object.hasOwn(value, key) ? value[key] : zeroOf(key);
    // Pointers Go writes even when empty: container_limits: {}, inputs: [].
    const present =
      (key === 'container_limits' && isMap(raw)) ||
      (key === 'inputs' && shape === 'step' && Array.isArray(raw));
    const always = present || spec.always?.includes(key) === true || (shape === 'step' && stepKeys.has(key));
    if (!always && isEmpty(raw)) continue;
    const nested = spec.nested?.[key];
    if (key === 'check_every' && typeof raw === 'string') out[key] = checkEveryText(raw);
    else if (key === 'memory' && shape === 'limits') out[key] = memoryBytes(raw);
    else if (key === 'params' && (shape === 'taskConfig' || (shape === 'step' && isTaskStep(value)))) {
      out[key] = taskEnv(raw);
    } else if (spec.opaque?.includes(key)) out[key] = sorted(raw ?? null);
    else if (nested) out[key] = canon(nested, raw);
    else out[key] = raw ?? null;
  }
  return out;
}

/** The canonical document for already-parsed pipeline data. */
export function canonicalPipeline(data: unknown): unknown {
  return canon('pipeline', data ?? {});
}

/** Strings go-yaml v2 would resolve to another type (resolve.go), which it writes double-quoted. */
const ambiguousPatterns = [
  /^$/,
  /^(?:~|null|Null|NULL)$/,
  /^(?:[yY]|yes|Yes|YES|[nN]|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
  /^[-+]?(?:0b[01_]+|0x[0-9a-fA-F_]+|0o?[0-7_]+|[0-9][0-9_]*)$/,
  /^[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?$/,
  /^[-+]?\.(?:inf|Inf|INF)$/,
  /^\.(?:nan|NaN|NAN)$/,
  /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/,
  /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?$/,
];
const ambiguous = (text: string): boolean => ambiguousPatterns.some((re) => re.test(text));

/** The tags we read with, strings written as go-yaml v2 writes them. */
const writeTags = (tags: Tags): Tags =>
  goYamlTags(tags).map((t) =>
    typeof t !== 'string' && t.tag === 'tag:yaml.org,2002:str' && !('collection' in t)
      ? goYamlStringTag(t)
      : t,
  );

/** Renders pipeline data as canonical YAML text, laid out as go-yaml v2 writes it. */
export function formatPipelineData(data: unknown): string {
  const canonical = canonicalPipeline(data);
  if (!isMap(canonical)) return '{}\n';
  const doc = new Document(canonical, {
    version: '1.1',
    customTags: writeTags,
    aliasDuplicateObjects: false,
  });
  visit(doc, {
    Scalar(_key, node) {
      const text = node.value;
      if (typeof text !== 'string') return;
      if ((!text.includes('\n') && ambiguous(text)) || needsDoubleQuotes(text)) {
        node.type = 'QUOTE_DOUBLE';
      }
    },
  });
  return doc.toString({
    indentSeq: false,
    lineWidth: 0,
    nullStr: 'null',
    singleQuote: true,
    blockQuote: 'literal',
  });
}
