// Fields read the way the reference resources read them (#21): a Go reference decodes JSON into a
// struct, where `""`, `0`, `false` and `null` are all "not set"; a bash reference reads with
// `jq -r`, where `"2"` and `2` are the same text. Each wrapper normalises the raw value first and
// then validates it with the canonical schema, which is also what the published JSON Schema shows
// (zod describes a transform-then-schema pipe by its schema).
import * as z from 'zod/mini';
import type { Schema } from './schema.js';

/** An already optional (or defaulted) schema is kept as is, so `z._default(...)` fills unset values. */
type Unset<T extends Schema> = T extends { _zod: { optin: 'optional' | 'defaulted' } }
  ? T
  : z.ZodMiniOptional<T>;

export type Tolerant<T extends Schema> = z.ZodMiniPipe<z.ZodMiniTransform<unknown, unknown>, Unset<T>>;

function tolerant<T extends Schema>(normalize: (value: unknown) => unknown, inner: T): Tolerant<T> {
  const unset = (inner._zod.optin ? inner : z.optional(inner)) as Unset<T>;
  return z.pipe(z.transform(normalize), unset) as Tolerant<T>;
}

const isGoZero = (value: unknown): boolean =>
  value === null || value === '' || value === 0 || value === false;

/** A field a Go reference decodes into a struct: absent, `null`, `""`, `0` and `false` are unset. */
export function goOptional<T extends Schema>(inner: T): Tolerant<T> {
  return tolerant((value) => (isGoZero(value) ? undefined : value), inner);
}

/** A string a bash reference reads with `jq -r`: numbers and booleans are their text, `null` is unset. */
export function jqString<T extends Schema = z.ZodMiniString>(inner?: T): Tolerant<T> {
  return tolerant(
    (value) =>
      value === null
        ? undefined
        : typeof value === 'number' || typeof value === 'boolean'
          ? String(value)
          : value,
    inner ?? (z.string() as Schema as T),
  );
}

/** A number a bash reference reads with `jq -r`: `"2"` is 2; `null` and `""` are unset. */
export function jqNumber<T extends Schema = z.ZodMiniNumber>(inner?: T): Tolerant<T> {
  return tolerant(
    (value) => {
      if (value === null || value === '') return undefined;
      if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
        return Number(value);
      return value;
    },
    inner ?? (z.number() as Schema as T),
  );
}

/** A boolean a bash reference compares as text: `"true"` is true, `"false"` false; `null`/`""` unset. */
export function jqBoolean<T extends Schema = z.ZodMiniBoolean>(inner?: T): Tolerant<T> {
  return tolerant(
    (value) => {
      if (value === null || value === '') return undefined;
      if (value === 'true') return true;
      if (value === 'false') return false;
      return value;
    },
    inner ?? (z.boolean() as Schema as T),
  );
}
