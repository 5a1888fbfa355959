// The whole of `fly validate-pipeline` as one pure function over the file's text:
// YAML (duplicate keys, limits) -> static vars -> decode (strict or lenient) -> validation.
import { interpolate, InterpolationError } from '../vars/template.js';
import { staticLookup } from '../vars/static.js';
import { VarSyntaxError } from '../vars/reference.js';
import { DecodeError, isMap } from './decode.js';
import { GoJsonError, unmarshalPipeline } from './go-json.js';
import { parsePipeline } from './parse.js';
import {
  parseYamlSource,
  SourceError,
  type DataPath,
  type Position,
  type SourceLimits,
  type YamlSource,
} from './source.js';
import type { Pipeline } from './types.js';
import { validatePipeline, type ValidationResult } from './validate.js';

export interface CheckOptions {
  strict?: boolean;
  /** Static vars (already merged with fly's precedence, see vars/static.ts). */
  vars?: Record<string, unknown>;
  limits?: SourceLimits;
}

export interface Located {
  message: string;
  position: Position;
}

export type CheckResult =
  | { kind: 'unreadable'; error: Located }
  | {
      kind: 'checked';
      source: YamlSource;
      /** The pipeline data after static vars, what `--output` prints. */
      data: unknown;
      pipeline: Pipeline;
      unresolvedVars: string[];
      result: ValidationResult;
      /** True when fly would exit 1 (errors, or warnings under --strict). */
      failed: boolean;
    };

export function checkPipelineText(text: string, file: string, options: CheckOptions = {}): CheckResult {
  let source: YamlSource;
  try {
    source = parseYamlSource(text, file, options.limits);
  } catch (err) {
    if (err instanceof SourceError) {
      // fly reads the file with go-yaml v3 before anything else and says so.
      const message = `error parsing yaml before applying templates: ${err.message}`;
      return { kind: 'unreadable', error: { message, position: err.position ?? { file, line: 1, col: 1 } } };
    }
    throw err;
  }
  const at = (path: DataPath): Position => source.locate(path);
  let data: unknown;
  let unresolvedVars: string[];
  try {
    const out = interpolate(source.data, staticLookup(options.vars ?? {}), { allowUnresolved: true });
    data = out.value;
    unresolvedVars = out.unresolved;
  } catch (err) {
    if (err instanceof InterpolationError) {
      return { kind: 'unreadable', error: { message: err.message, position: at(err.path) } };
    }
    if (err instanceof VarSyntaxError) {
      return { kind: 'unreadable', error: { message: err.message, position: at([]) } };
    }
    throw err;
  }
  let pipeline: Pipeline;
  try {
    // Concourse decodes with Go's encoding/json (through sigs.k8s.io/yaml): its errors, word for word.
    unmarshalPipeline(data, options.strict ?? false);
    pipeline = parsePipeline(data);
  } catch (err) {
    if (err instanceof GoJsonError || err instanceof DecodeError) {
      const message = `error unmarshaling JSON: while decoding JSON: ${err.message}`;
      return { kind: 'unreadable', error: { message, position: at(err.path) } };
    }
    throw err;
  }
  const result = validatePipeline(pipeline);
  const failed = result.errors.length > 0 || (options.strict === true && result.warnings.length > 0);
  return { kind: 'checked', source, data, pipeline, unresolvedVars, result, failed };
}

/** The top-level keys atc.Config has; Concourse's server drops any other before decoding. */
const configKeys = new Set([
  'groups',
  'var_sources',
  'resources',
  'resource_types',
  'prototypes',
  'jobs',
  'display',
  'user_data',
]);

/**
 * What Concourse's server adds to fly's lenient check when it saves a pipeline
 * (atc.UnmarshalConfig): unknown keys below the top level are refused, unknown top-level keys
 * ignored. The server's message, or undefined.
 */
export function serverDecodeError(check: Extract<CheckResult, { kind: 'checked' }>): string | undefined {
  if (!isMap(check.data)) return undefined;
  const known = Object.fromEntries(Object.entries(check.data).filter(([key]) => configKeys.has(key)));
  try {
    unmarshalPipeline(known, true);
    return undefined;
  } catch (err) {
    if (err instanceof GoJsonError)
      return `malformed config: error unmarshaling JSON: while decoding JSON: ${err.message}`;
    throw err;
  }
}

/** Every error message, flattened, each with its position. */
export function locatedErrors(
  check: Extract<CheckResult, { kind: 'checked' }>,
): (Located & { section: string })[] {
  return check.result.errors.flatMap((group) =>
    group.errors.map((e) => ({
      section: group.section,
      message: e.message,
      position: check.source.locate(e.path),
    })),
  );
}
