import { ProtocolError } from './errors.js';
import type { Version, VersionResult } from './types.js';

/** Concourse rejects a version with no keys or with non-string values; catch it before printing. */
function assertVersion(version: unknown, where: string): asserts version is Version {
  if (!version || typeof version !== 'object' || Array.isArray(version))
    throw new ProtocolError(`${where} is not an object`);
  const entries = Object.entries(version);
  if (entries.length === 0) throw new ProtocolError(`${where} is empty; a version needs at least one key`);
  for (const [key, value] of entries) {
    if (typeof value !== 'string') throw new ProtocolError(`${where}.${key} is not a string`);
  }
}

const identity = (version: Version): string =>
  JSON.stringify(
    Object.keys(version)
      .sort()
      .map((key) => [key, version[key]]),
  );

export function validateCheckResult(versions: unknown): Version[] {
  if (!Array.isArray(versions)) throw new ProtocolError('check must return an array of versions');
  const seen = new Set<string>();
  versions.forEach((version, index) => {
    assertVersion(version, `check result [${index}]`);
    const id = identity(version);
    if (seen.has(id)) throw new ProtocolError(`check result [${index}] repeats an earlier version`);
    seen.add(id);
  });
  return versions as Version[];
}

/** What an in/out answer holds when its metadata is empty: `metadata: []`, or no key at all. */
export type EmptyMetadata = 'print' | 'omit';

/** The answer to print: version, metadata (unless empty and omitted), then any extra keys. */
export function validateVersionResult(
  result: VersionResult,
  script: 'in' | 'out',
  emptyMetadata: EmptyMetadata = 'print',
): Record<string, unknown> {
  assertVersion(result?.version, `${script} result version`);
  const metadata = result.metadata ?? [];
  metadata.forEach((field, index) => {
    if (typeof field?.name !== 'string' || typeof field.value !== 'string') {
      throw new ProtocolError(`${script} result metadata[${index}] must have string name and value`);
    }
  });
  const extra = result.extra ?? {};
  for (const key of ['version', 'metadata'])
    if (key in extra)
      throw new ProtocolError(`${script} result extra key '${key}' would hide the answer's own`);
  const printed = metadata.length > 0 || emptyMetadata === 'print' ? { metadata } : {};
  return { version: result.version, ...printed, ...extra };
}
