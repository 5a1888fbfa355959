// The real Concourse, built by scripts/bootstrap from its pinned source: the oracle that judges
// hangar. Only the bootstrap cache counts (a `fly` on PATH may be another version); a missing
// binary is a setup error, never a skip.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cacheBinDir } from './bin.js';

function concourseBinary(name: 'fly' | 'concourse'): string {
  const path = join(cacheBinDir(), name);
  if (!existsSync(path)) throw new Error(`${name} not found: run scripts/bootstrap`);
  return path;
}

/** Absolute path of the `fly` that scripts/bootstrap built (~/.cache/hangar/bin/fly). */
export const flyBinary = (): string => concourseBinary('fly');

/** Absolute path of the `concourse` binary (web and worker) that scripts/bootstrap built. */
export const concourseBinaryPath = (): string => concourseBinary('concourse');
