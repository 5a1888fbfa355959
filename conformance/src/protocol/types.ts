// Shapes of the Concourse resource protocol (v1) as the harness sees them: untrusted JSON from a black box.

export type Script = 'check' | 'in' | 'out';
export const SCRIPTS: readonly Script[] = ['check', 'in', 'out'];

/** A version as Concourse stores it: a flat map of strings. */
export type Version = Record<string, string>;

/** A request body; built by the harness, so `unknown` leaves are allowed (bad input goes through `rawStdin`). */
export interface ResourceRequest {
  source: unknown;
  params?: unknown;
  version?: unknown;
}

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Encodes a request the way ATC does: key order source, params, version; params/version omitted when empty. */
export function encodeRequest(request: ResourceRequest): string {
  const body: Record<string, unknown> = { source: request.source };
  if (request.params !== undefined && !isEmptyObject(request.params)) body['params'] = request.params;
  if (request.version !== undefined && !isEmptyObject(request.version)) body['version'] = request.version;
  return JSON.stringify(body);
}

function isEmptyObject(value: unknown): boolean {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0
  );
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Coerces every value to a string, so a version with a wrongly typed value can still be compared and re-sent. */
export function normalizeVersion(value: unknown): Version | undefined {
  if (!isPlainObject(value)) return undefined;
  const out: Version = {};
  for (const [k, v] of Object.entries(value)) out[k] = typeof v === 'string' ? v : JSON.stringify(v);
  return out;
}

/** Identity of a version as ATC computes it: the JSON of the map with sorted keys. */
export function versionKey(version: Version): string {
  return JSON.stringify(
    Object.keys(version)
      .sort()
      .map((k) => [k, version[k]]),
  );
}

export function sameVersion(a: Version | undefined, b: Version | undefined): boolean {
  return a !== undefined && b !== undefined && versionKey(a) === versionKey(b);
}

export function showVersion(version: unknown): string {
  return JSON.stringify(version);
}
