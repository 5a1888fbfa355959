// The resource protocol seen from the caller: stdin payloads shaped like Concourse's Go marshal
// (`params`/`version` omitted when empty) and stdout read as the first JSON value only.

export type Version = Record<string, string>;
export interface MetadataField {
  name: string;
  value: string;
}
export interface InOutResponse {
  version: Version;
  metadata: MetadataField[];
}

/** A protocol violation: the step errors (not fails). */
export class ProtocolError extends Error {
  override name = 'ProtocolError';
}

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value === 'object') return Object.keys(value).length === 0;
  return false;
}

export function requestJson(source: unknown, params?: unknown, version?: Version): string {
  const body: Record<string, unknown> = { source: source ?? null };
  if (!isEmpty(params)) body.params = params;
  if (!isEmpty(version)) body.version = version;
  return JSON.stringify(body);
}

/** The text of the first JSON value in `text` (trailing bytes ignored), or undefined when empty. */
export function firstJsonValue(text: string): unknown {
  const start = text.search(/\S/);
  if (start < 0) return undefined;
  let depth = 0;
  let inString = false;
  let end = -1;
  const first = text[start];
  if (first !== '{' && first !== '[' && first !== '"') {
    const m = /^(?:true|false|null|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(start));
    if (!m) throw new ProtocolError(`invalid character '${first ?? ''}' looking for beginning of value`);
    return JSON.parse(m[0]) as unknown;
  }
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') {
        inString = false;
        if (depth === 0) {
          end = i;
          break;
        }
      }
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) {
        end = i;
        break;
      }
    }
  }
  if (end < 0) throw new ProtocolError('unexpected EOF');
  try {
    return JSON.parse(text.slice(start, end + 1)) as unknown;
  } catch (err) {
    throw new ProtocolError((err as Error).message);
  }
}

function asVersion(value: unknown, what: string): Version {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ProtocolError(`${what}: version must be an object of strings`);
  }
  const entries = Object.entries(value);
  if (entries.length === 0) {
    throw new ProtocolError(
      'resource output version is empty. Version must contain at least one key-value pair',
    );
  }
  for (const [k, v] of entries) {
    if (typeof v !== 'string') {
      throw new ProtocolError(`${what}: version field '${k}' is not a string`);
    }
  }
  return value as Version;
}

export function parseCheckOutput(stdout: string): Version[] {
  const value = firstJsonValue(stdout);
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new ProtocolError('check output is not a JSON array of versions');
  return value.map((v) => asVersion(v, 'check output'));
}

export function parseInOutOutput(stdout: string, command: string): InOutResponse {
  const value = firstJsonValue(stdout);
  const obj = value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {};
  const version = (obj as { version?: unknown }).version;
  if (version === undefined || version === null) {
    throw new ProtocolError(`resource script (${command}) output a null version`);
  }
  const metadataRaw = (obj as { metadata?: unknown }).metadata ?? [];
  if (!Array.isArray(metadataRaw)) throw new ProtocolError('metadata must be a list of {name, value}');
  const metadata = metadataRaw.map((m: unknown) => {
    const f = m as { name?: unknown; value?: unknown };
    if (typeof f.name !== 'string' || typeof f.value !== 'string') {
      throw new ProtocolError('metadata entries must be {name, value} strings');
    }
    return { name: f.name, value: f.value };
  });
  return { version: asVersion(version, command), metadata };
}
