// Shared helpers for turning zod results into Concourse-like decode errors with a data path.
import type { z } from 'zod';
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

/** Parses with a zod schema; the first issue becomes a DecodeError at its exact path. */
export function decodeWith<T extends z.ZodType>(
  schema: T,
  data: unknown,
  path: DataPath,
  prefix = '',
): z.infer<T> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issue = deepestIssue(result.error.issues);
  const where = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
  const field = where.replace(/^\./, '');
  throw new DecodeError(`${prefix}${field === '' ? '' : `${field}: `}${issue.message}`, [
    ...path,
    ...(issue.path as (string | number)[]),
  ]);
}

type Issue = z.core.$ZodIssue;

/** For unions zod reports the whole value; descend into the branch that got furthest. */
function deepestIssue(issues: readonly Issue[]): Issue {
  let best = issues[0] as Issue;
  for (const issue of issues) {
    if (issue.code === 'invalid_union') {
      for (const branch of issue.errors) {
        if (branch.length === 0) continue;
        const inner = deepestIssue(branch);
        const candidate = { ...inner, path: [...issue.path, ...inner.path] } as Issue;
        if (candidate.path.length > best.path.length) best = candidate;
      }
    }
  }
  return best;
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
