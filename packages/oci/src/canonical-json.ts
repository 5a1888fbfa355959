// One byte-exact JSON encoding for manifests, configs and indexes, so equal values hash equally.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function normalise(value: unknown, path: string): Json | undefined {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`canonical JSON: ${path} is not a finite number`);
    return value;
  }
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value.map((item, index) => normalise(item, `${path}[${index}]`) ?? null);
  if (typeof value === 'object') {
    const out: { [key: string]: Json } = {};
    for (const key of Object.keys(value).sort()) {
      const item = normalise((value as Record<string, unknown>)[key], `${path}.${key}`);
      if (item !== undefined) out[key] = item;
    }
    return out;
  }
  throw new TypeError(`canonical JSON: ${path} has unsupported type ${typeof value}`);
}

/**
 * Serialises `value` with object keys sorted (UTF-16 code unit order) at every level, no
 * whitespace and `undefined` members dropped.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(normalise(value, '$'));
}

/** canonicalJson as UTF-8 bytes, ready to be stored as a blob. */
export function canonicalJsonBytes(value: unknown): Buffer {
  return Buffer.from(canonicalJson(value), 'utf8');
}
