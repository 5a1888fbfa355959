// Shared helpers of the decoders: the decode error with its data path, and reading typed fields.
import type { DataPath } from './source.js';

/** A config that cannot be decoded at all (Concourse: "error unmarshaling JSON"); parsing stops. */
export class DecodeError extends Error {
  constructor(
    message: string,
    readonly path: DataPath,
  ) {
    super(message);
    this.name = 'DecodeError';
  }
}

export function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

// What the model reads from a field once go-json.ts found the data decodable as Concourse's Go
// structs, so the types are Go's: these only pick the model's form of each value.

/**
 * A Go string field: YAML 1.1 reads `1.10` or `yes` as a number or boolean, whose text Go keeps;
 * absent or null is Go's zero value, ''.
 */
export function text(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : (value as string);
}

/** A string field where empty means unset. */
export function optionalText(value: unknown): string | undefined {
  const t = text(value);
  return t === '' ? undefined : t;
}

/** A string field where only absent or null means unset (a duration: '' is an invalid one). */
export function textOrUnset(value: unknown): string | undefined {
  return value === null || value === undefined ? undefined : text(value);
}

/** A field whose JSON null means unset (Go's zero value, or a nil pointer). */
export function nullUnset<T>(value: T): Exclude<T, null> | undefined {
  return value === null ? undefined : (value as Exclude<T, null>);
}

/** A []string field, each element read as `text`; null (a nil slice) or a `((var))` stays as written. */
export function textList(value: unknown): string[] | string | null | undefined {
  return Array.isArray(value) ? value.map(text) : (value as string | null | undefined);
}

/** How the model reads one field. */
export type Reader = (value: unknown) => unknown;
export type Readers = Record<string, Reader>;

/** A field the model takes as written. */
export const same: Reader = (value) => value;

/**
 * The model's fields of a struct, in declaration order: those `data` has, and those whose unset
 * form is a value (a string field's ''); other keys are dropped.
 */
export function readFields(data: Record<string, unknown>, fields: Readers): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, read] of Object.entries(fields)) {
    const value = read(data[key]);
    if (value !== undefined || Object.hasOwn(data, key)) out[key] = value;
  }
  return out;
}

/** A reader of a nested struct; anything else (null, a `((var))`) is taken as written. */
export function struct(fields: Readers): Reader {
  return (value) => (isMap(value) ? readFields(value, fields) : value);
}

/** A reader of a list whose elements `read` reads; anything else is taken as written. */
export function list(read: Reader): Reader {
  return (value) => (Array.isArray(value) ? value.map(read) : value);
}

/** Keys of `data` the schema does not declare, in document order. */
export function unknownKeys(data: Record<string, unknown>, known: readonly string[]): string[] {
  return Object.keys(data).filter((key) => !known.includes(key));
}

export function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** A string field; empty means unset, as with Go's zero value. */
export function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function optionalMap(value: unknown): Record<string, unknown> | undefined {
  return isMap(value) ? value : undefined;
}
