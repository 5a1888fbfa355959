// Structural `((var))` interpolation: a placeholder that is a whole value takes the var's type;
// one embedded in a longer string only accepts strings and numbers.
import { parseVarRef, varPattern, wholeVarPattern, type VarRef } from './reference.js';

export type Lookup = (ref: VarRef) => { found: true; value: unknown } | { found: false };

export interface InterpolateOptions {
  /** Leave unknown vars as `((...))` (fly set-pipeline / validate) instead of failing. */
  allowUnresolved: boolean;
}

export interface InterpolateResult<T = unknown> {
  value: T;
  /** Vars that were not found, by their text, in first-seen order. */
  unresolved: string[];
}

export class InterpolationError extends Error {
  override name = 'InterpolationError';
  /** Where in the data the failing var is (filled in by interpolate). */
  path: (string | number)[] = [];
}

/** Go's %T spelling of a decoded YAML/JSON value, as Concourse prints it. */
export function goTypeName(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (Array.isArray(value)) return '[]interface {}';
  switch (typeof value) {
    case 'object':
      return 'map[string]interface {}';
    case 'boolean':
      return 'bool';
    case 'number':
      return Number.isInteger(value) ? 'int' : 'float64';
    default:
      return 'string';
  }
}

/** Looks up `ref.fields` inside a var's value. */
export function selectFields(ref: VarRef, value: unknown): unknown {
  let current = value;
  for (const field of ref.fields) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) {
      throw new InterpolationError(
        `cannot access field '${field}' of non-map value ('${goTypeName(current)}') from var: ${ref.raw}`,
      );
    }
    if (!Object.hasOwn(current, field)) {
      throw new InterpolationError(`missing field '${field}' in var: ${ref.raw}`);
    }
    current = (current as Record<string, unknown>)[field];
  }
  return current;
}

export function interpolate<T = unknown>(
  input: unknown,
  lookup: Lookup,
  options: InterpolateOptions,
): InterpolateResult<T> {
  const unresolved: string[] = [];
  const miss = (raw: string): void => {
    if (!unresolved.includes(raw)) unresolved.push(raw);
  };

  const resolveRef = (raw: string): { found: true; value: unknown } | { found: false } => {
    const ref = parseVarRef(raw);
    const hit = lookup(ref);
    if (!hit.found) {
      miss(raw);
      return hit;
    }
    return { found: true, value: selectFields(ref, hit.value) };
  };

  const visitString = (s: string): unknown => {
    // most strings hold no var: skip compiling the Unicode patterns at start-up
    if (!s.includes('((')) return s;
    const whole = wholeVarPattern.exec(s);
    if (whole?.[1] !== undefined) {
      const hit = resolveRef(whole[1]);
      return hit.found ? hit.value : s;
    }
    return s.replace(varPattern, (match, raw: string) => {
      const hit = resolveRef(raw);
      if (!hit.found) return match;
      const v = hit.value;
      if (typeof v === 'string') return v;
      if (typeof v === 'number' || typeof v === 'bigint') return String(v);
      throw new InterpolationError(
        `cannot interpolate non-primitive value (${goTypeName(v)}) from var: ${raw}`,
      );
    });
  };

  const at = (path: (string | number)[], fn: () => unknown): unknown => {
    try {
      return fn();
    } catch (err) {
      if (err instanceof InterpolationError && err.path.length === 0) err.path = path;
      throw err;
    }
  };

  const visit = (v: unknown, path: (string | number)[]): unknown => {
    if (typeof v === 'string') return at(path, () => visitString(v));
    if (Array.isArray(v)) return v.map((item, i) => visit(item, [...path, i]));
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(v)) {
        const newKey = at([...path, key], () => visitString(key));
        out[typeof newKey === 'string' ? newKey : JSON.stringify(newKey)] = visit(item, [...path, key]);
      }
      return out;
    }
    return v;
  };

  const value = visit(input, []) as T;
  if (!options.allowUnresolved && unresolved.length > 0) {
    throw new InterpolationError(`undefined vars: ${unresolved.join(', ')}`);
  }
  return { value, unresolved };
}
