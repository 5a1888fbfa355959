import { ConfigError } from './errors.js';
import { nearestKey } from './nearest.js';
import type { ScriptName, Version } from './types.js';

/** The stdin payload Concourse sends, before the resource's own schemas look at it. */
export interface RawRequest {
  source: Record<string, unknown>;
  params: Record<string, unknown>;
  version: Version | undefined;
}

const TOP_LEVEL_KEYS: Record<ScriptName, readonly string[]> = {
  check: ['source', 'version'],
  in: ['source', 'version', 'params'],
  out: ['source', 'params'],
};

const describe = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;

const BYTE = { quote: 0x22, backslash: 0x5c, open: [0x7b, 0x5b], close: [0x7d, 0x5d] };
/** JSON's whitespace: space, tab, line feed, carriage return. */
const isSpace = (byte: number): boolean => byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;

/**
 * Where the JSON object or array at the start of `bytes` ends, or undefined when the input does
 * not start with one or it never closes. Only brackets and strings matter for its end, and they
 * are ASCII, which never occurs inside a multi-byte UTF-8 character: scanning bytes is exact.
 */
function firstValueEnd(bytes: Uint8Array): number | undefined {
  let start = 0;
  while (start < bytes.length && isSpace(bytes[start] ?? 0)) start++;
  if (!BYTE.open.includes(bytes[start] ?? 0)) return undefined;
  let depth = 0;
  let inString = false;
  for (let i = start; i < bytes.length; i++) {
    const byte = bytes[i] ?? 0;
    if (inString) {
      if (byte === BYTE.backslash) i++;
      else if (byte === BYTE.quote) inString = false;
    } else if (byte === BYTE.quote) inString = true;
    else if (BYTE.open.includes(byte)) depth++;
    else if (BYTE.close.includes(byte) && --depth === 0) return i + 1;
  }
  return undefined;
}

/**
 * Decodes stdin: the first JSON value, UTF-8, must be the request object. Anything after that
 * value is ignored, as Go's json.Decoder (and so every Go reference resource) does; `note` hears
 * about it for the debug log.
 */
export function decodeRequest(
  bytes: Uint8Array,
  script: ScriptName,
  note: (message: string) => void = () => {},
): RawRequest {
  const end = firstValueEnd(bytes) ?? bytes.length;
  const trailing = bytes.subarray(end);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, end));
  } catch (error) {
    throw new ConfigError('request on stdin is not valid UTF-8', { cause: error });
  }
  if (!text.trim())
    throw new ConfigError(`no request on stdin: ${script} expects a JSON object with 'source'`);
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(`request on stdin is not valid JSON (${reason})`);
  }
  if (!trailing.every(isSpace))
    note(`ignoring ${trailing.length} bytes after the request's JSON value on stdin`);
  return validateRequest(payload, script);
}

function validateRequest(payload: unknown, script: ScriptName): RawRequest {
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) {
    throw new ConfigError(`request must be a JSON object with 'source', got ${describe(payload)}`);
  }
  const request = payload as Record<string, unknown>;
  const allowed = TOP_LEVEL_KEYS[script];
  for (const key of Object.keys(request)) {
    if (allowed.includes(key)) continue;
    const suggestion = nearestKey(key, allowed);
    throw new ConfigError(
      `unknown key '${key}' in the ${script} request${suggestion ? ` (did you mean '${suggestion}'?)` : ` (expected ${allowed.join(', ')})`}`,
    );
  }
  if (!('source' in request)) throw new ConfigError(`request has no 'source'`);
  // `in` without a version is what a Go reference decodes into its zero struct and what
  // `jq .version.ref` reads as null: the handler sees `{}` and decides (git: the branch tip).
  const version = optionalVersion(request['version']) ?? (script === 'in' ? {} : undefined);
  return {
    source: optionalObject(request['source'], 'source'),
    params: optionalObject(request['params'], 'params'),
    version,
  };
}

/** `null` and absence both mean "nothing": Concourse omits empty params and sends `source: null`. */
function optionalObject(value: unknown, field: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(`'${field}' must be an object, got ${describe(value)}`);
  }
  return value as Record<string, unknown>;
}

function optionalVersion(value: unknown): Version | undefined {
  if (value === undefined || value === null) return undefined;
  const version = optionalObject(value, 'version');
  for (const [key, field] of Object.entries(version)) {
    if (typeof field !== 'string')
      throw new ConfigError(`'version.${key}' must be a string, got ${describe(field)}`);
  }
  return version as Version;
}
