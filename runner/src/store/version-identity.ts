// A version's identity: SHA-256 of its JSON with keys sorted (what Go's json.Marshal of a map gives).
import { createHash } from 'node:crypto';

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function versionSha(version: Record<string, string>): string {
  return createHash('sha256').update(canonicalJson(version)).digest('hex');
}
