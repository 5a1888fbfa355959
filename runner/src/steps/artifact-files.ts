// Artifacts are directories. Consumers get copies (Concourse mounts copy-on-write clones), so a
// task or put never changes an artifact another step sees.
import { constants } from 'node:fs';
import { cp, mkdir, mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';

export async function copyArtifact(from: string, to: string): Promise<void> {
  await cp(from, to, {
    recursive: true,
    force: true,
    verbatimSymlinks: true,
    mode: constants.COPYFILE_FICLONE,
  });
}

export async function stepDir(buildDir: string, prefix: string): Promise<string> {
  await mkdir(buildDir, { recursive: true });
  return mkdtemp(join(buildDir, `${prefix.replace(/[^\w.-]/g, '_').slice(0, 40)}-`));
}
