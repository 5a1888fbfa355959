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

/** Decodes stdin strictly: UTF-8, one JSON object. */
export function decodeRequest(bytes: Uint8Array, script: ScriptName): RawRequest {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
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
  const version = optionalVersion(request['version']);
  if (script === 'in' && !version)
    throw new ConfigError(`request has no 'version': in needs the version to fetch`);
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
