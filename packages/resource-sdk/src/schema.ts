import * as z from 'zod/mini';
import { ConfigError } from './errors.js';
import { nearestKey } from './nearest.js';

// Resources write their schemas with `zod/mini` (import it directly: re-exporting the namespace
// would defeat tree-shaking). Classic zod alone doubles a resource's start-up time.

/** Any zod schema, classic or mini. */
export type Schema = z.core.$ZodType;

/** Renders a path like `source.tag_filter` or `params.files[2].name`. */
export function formatPath(root: string, path: readonly PropertyKey[]): string {
  let out = root;
  for (const segment of path)
    out += typeof segment === 'number' ? `[${segment}]` : `${out ? '.' : ''}${String(segment)}`;
  return out;
}

type Def = Record<string, unknown> & { type: string };
const defOf = (schema: Schema): Def => schema._zod.def as unknown as Def;

/** The side of a pipe that describes the value: its output, when its input is only a transform. */
function pipeSide(def: Def): unknown {
  const input = def['in'] as Schema;
  return defOf(input).type === 'transform' ? def['out'] : input;
}

/**
 * Peels wrappers (optional, default, pipe, …) until a schema that has a shape or elements. The
 * tolerant readers (`goOptional`, `jq*`) are a transform piped into the schema: seen through.
 */
function unwrap(schema: Schema): Schema {
  let current = schema;
  for (let depth = 0; depth < 20; depth++) {
    const def = defOf(current);
    const inner =
      def['innerType'] ??
      (def.type === 'pipe' ? pipeSide(def) : undefined) ??
      (def.type === 'lazy' ? (def['getter'] as () => Schema)() : undefined);
    if (!inner) return current;
    current = inner as Schema;
  }
  return current;
}

/** The keys an object schema accepts at `path`, or [] when unknown (unions, records). */
export function knownKeysAt(schema: Schema, path: readonly PropertyKey[]): string[] {
  let current: Schema | undefined = unwrap(schema);
  for (const segment of path) {
    const def = defOf(current);
    if (def.type === 'object') current = (def['shape'] as Record<string, Schema>)[String(segment)];
    else if (def.type === 'array') current = def['element'] as Schema;
    else if (def.type === 'record') current = def['valueType'] as Schema;
    else return [];
    if (!current) return [];
    current = unwrap(current);
  }
  const def = defOf(current);
  return def.type === 'object' ? Object.keys(def['shape'] as object) : [];
}

const typeOf = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : Number.isNaN(value) ? 'NaN' : typeof value;

/** Our own wording: zod/mini carries no locale, and these read better in a build log anyway. */
function explain(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected}, got ${typeOf(issue.input)}`;
    case 'too_small':
      return issue.origin === 'string' || issue.origin === 'array'
        ? `must have at least ${String(issue.minimum)} ${issue.origin === 'string' ? 'characters' : 'items'}`
        : `must be ${issue.inclusive ? '>=' : '>'} ${String(issue.minimum)}`;
    case 'too_big':
      return issue.origin === 'string' || issue.origin === 'array'
        ? `must have at most ${String(issue.maximum)} ${issue.origin === 'string' ? 'characters' : 'items'}`
        : `must be ${issue.inclusive ? '<=' : '<'} ${String(issue.maximum)}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
    case 'invalid_format':
      return `must be a valid ${issue.format}${issue.format === 'regex' && issue.pattern ? ` matching ${issue.pattern}` : ''}`;
    case 'invalid_union':
      return 'does not match any allowed form';
    default:
      return issue.message && issue.message !== 'Invalid input'
        ? issue.message
        : issue.code.replace(/_/g, ' ');
  }
}

/** One message per unknown key: `unknown key 'source.brnach' (did you mean 'branch'?)`. */
function unknownKeyMessages(
  schema: Schema,
  where: string,
  issue: z.core.$ZodIssueUnrecognizedKeys,
): string[] {
  const known = knownKeysAt(schema, issue.path);
  return issue.keys.map((key) => {
    const suggestion = nearestKey(key, known);
    const hint = suggestion
      ? ` (did you mean '${suggestion}'?)`
      : known.length
        ? ` (known keys: ${known.join(', ')})`
        : '';
    return `unknown key '${formatPath(where, [key])}'${hint}`;
  });
}

function describeIssue(schema: Schema, root: string, issue: z.core.$ZodIssue): string {
  const where = formatPath(root, issue.path);
  if (issue.code === 'unrecognized_keys') return unknownKeyMessages(schema, where, issue).join('; ');
  if (issue.code === 'invalid_type' && issue.input === undefined) return `missing required field '${where}'`;
  return `invalid '${where}': ${explain(issue)}`;
}

export interface ParseConfigOptions {
  /**
   * Where the reference ignores keys it does not know (Go's json.Unmarshal, `jq`): each unknown
   * key is reported here (`unknown key 'source.brnach' (did you mean 'branch'?)`) and dropped,
   * instead of failing. Without it unknown keys are errors.
   */
  onUnknownKey?: (message: string) => void;
}

/** A copy of `value` without the keys the issues name. */
function withoutKeys(value: unknown, issues: readonly z.core.$ZodIssueUnrecognizedKeys[]): unknown {
  const copy = structuredClone(value);
  for (const issue of issues) {
    let parent: unknown = copy;
    for (const segment of issue.path) parent = (parent as Record<PropertyKey, unknown>)[segment];
    for (const key of issue.keys) delete (parent as Record<string, unknown>)[key];
  }
  return copy;
}

/**
 * Validates `value` against `schema`, throwing a ConfigError whose one-line message names each
 * offending field path (`source.branch`) and, for unknown keys, the nearest known key.
 */
export function parseConfig<S extends Schema>(
  schema: S,
  value: unknown,
  root: string,
  { onUnknownKey }: ParseConfigOptions = {},
): z.output<S> {
  let result = z.safeParse(schema, value, { reportInput: true });
  if (!result.success && onUnknownKey) {
    const unknown = result.error.issues.filter(
      (issue): issue is z.core.$ZodIssueUnrecognizedKeys => issue.code === 'unrecognized_keys',
    );
    for (const issue of unknown)
      for (const message of unknownKeyMessages(schema, formatPath(root, issue.path), issue))
        onUnknownKey(message);
    if (unknown.length) result = z.safeParse(schema, withoutKeys(value, unknown), { reportInput: true });
  }
  if (result.success) return result.data;
  // A typo'd key usually also makes a required field "missing": name the typo first.
  const issues = [...result.error.issues].sort(
    (a, b) => Number(b.code === 'unrecognized_keys') - Number(a.code === 'unrecognized_keys'),
  );
  const messages = issues.slice(0, 5).map((issue) => describeIssue(schema, root, issue));
  throw new ConfigError(messages.join('; '));
}
