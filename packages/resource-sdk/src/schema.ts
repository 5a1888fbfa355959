import { z } from 'zod';
import { ConfigError } from './errors.js';
import { nearestKey } from './nearest.js';

export { z };

type Schema = z.ZodType;

/** Renders a path like `source.tag_filter` or `params.files[2].name`. */
export function formatPath(root: string, path: readonly PropertyKey[]): string {
  let out = root;
  for (const segment of path)
    out += typeof segment === 'number' ? `[${segment}]` : `${out ? '.' : ''}${String(segment)}`;
  return out;
}

/** Peels wrappers (optional, default, pipe, …) until a schema that has a shape or elements. */
function unwrap(schema: Schema): Schema {
  let current = schema;
  for (let depth = 0; depth < 20; depth++) {
    const def = current.def as unknown as Record<string, unknown>;
    const inner =
      def['innerType'] ??
      def['in'] ??
      (def['type'] === 'lazy' ? (def['getter'] as () => Schema)() : undefined);
    if (!inner) return current;
    current = inner as Schema;
  }
  return current;
}

/** The keys an object schema accepts at `path`, or [] when unknown (unions, records). */
export function knownKeysAt(schema: Schema, path: readonly PropertyKey[]): string[] {
  let current: Schema | undefined = unwrap(schema);
  for (const segment of path) {
    if (!current) return [];
    if (current instanceof z.ZodObject) current = (current.shape as Record<string, Schema>)[String(segment)];
    else if (current instanceof z.ZodArray) current = current.element as Schema;
    else if (current instanceof z.ZodRecord) current = current.valueType as Schema;
    else return [];
    if (current) current = unwrap(current);
  }
  return current instanceof z.ZodObject ? Object.keys(current.shape) : [];
}

function describeIssue(schema: Schema, root: string, issue: z.core.$ZodIssue): string {
  const where = formatPath(root, issue.path);
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeysAt(schema, issue.path);
    return issue.keys
      .map((key) => {
        const suggestion = nearestKey(key, known);
        const hint = suggestion
          ? ` (did you mean '${suggestion}'?)`
          : known.length
            ? ` (known keys: ${known.join(', ')})`
            : '';
        return `unknown key '${formatPath(where, [key])}'${hint}`;
      })
      .join('; ');
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) return `missing required field '${where}'`;
  return `invalid '${where}': ${issue.message.replace(/^Invalid input: /, '')}`;
}

/**
 * Validates `value` against `schema`, throwing a ConfigError whose one-line message names each
 * offending field path (`source.branch`) and, for unknown keys, the nearest known key.
 */
export function parseConfig<S extends Schema>(schema: S, value: unknown, root: string): z.output<S> {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  // A typo'd key usually also makes a required field "missing": name the typo first.
  const issues = [...result.error.issues].sort(
    (a, b) => Number(b.code === 'unrecognized_keys') - Number(a.code === 'unrecognized_keys'),
  );
  const messages = issues.slice(0, 5).map((issue) => describeIssue(schema, root, issue));
  throw new ConfigError(messages.join('; '));
}

/** JSON Schema (draft 2020-12) of what users write, for editor autocompletion of pipeline YAML. */
export function toJsonSchema(schema: Schema, title: string): Record<string, unknown> {
  return { title, ...z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) };
}
