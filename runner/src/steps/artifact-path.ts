// `<artifact>/<path>` references (task `file`, load_var and set_pipeline `file`).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Scope } from './scope.js';
import { StepError } from './errors.js';

export async function readArtifactFile(scope: Scope, ref: string, what: string): Promise<string> {
  const slash = ref.indexOf('/');
  if (slash <= 0) throw new StepError(`${what} path '${ref}' does not specify where the file lives`);
  const name = ref.slice(0, slash);
  const dir = scope.artifact(name);
  if (dir === undefined) throw new StepError(`unknown artifact source: '${name}' in file path '${ref}'`);
  try {
    return await readFile(join(dir, ref.slice(slash + 1)), 'utf8');
  } catch {
    throw new StepError(`${what} '${ref}' not found`);
  }
}
