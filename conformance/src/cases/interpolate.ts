// `${a.b.c}` references in case files. A string that is exactly one reference takes the referenced value
// as is (so `version: ${steps.put.version}` is a whole version); references inside longer strings are text.
const WHOLE = /^\$\{\s*([\w.-]+)\s*\}$/;
const INNER = /\$\{\s*([\w.-]+)\s*\}/g;

export class InterpolationError extends Error {}

function lookup(scope: Record<string, unknown>, ref: string): unknown {
  let value: unknown = scope;
  for (const key of ref.split('.')) {
    if (typeof value !== 'object' || value === null || !(key in value))
      throw new InterpolationError(`\${${ref}} does not resolve (no "${key}")`);
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

export function interpolate(value: unknown, scope: Record<string, unknown>): unknown {
  if (typeof value === 'string') {
    const whole = WHOLE.exec(value);
    if (whole) return lookup(scope, whole[1]!);
    return value.replace(INNER, (_, ref: string) => {
      const found = lookup(scope, ref);
      return typeof found === 'string' ? found : JSON.stringify(found);
    });
  }
  if (Array.isArray(value)) return value.map((v) => interpolate(v, scope));
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, scope)]));
  return value;
}
