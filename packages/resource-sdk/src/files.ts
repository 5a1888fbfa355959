import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { ConfigError } from './errors.js';

/**
 * Writes a file so readers see either the old content or the new, never half of it: the data
 * goes to a temporary sibling, is flushed, then renamed over the target.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o644): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temporary, 'w', mode);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temporary, { force: true });
    throw error;
  }
  await handle.close();
  await rename(temporary, path);
}

/** True when `path` (absolute) is `root` or below it. */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * Resolves an untrusted relative path (an archive entry, a user-supplied file name) under
 * `root`, refusing absolute paths and any `..` that would leave it.
 */
export function resolveInside(root: string, untrusted: string): string {
  if (isAbsolute(untrusted) || /^[a-zA-Z]:[\\/]/.test(untrusted)) {
    throw new ConfigError(`refusing absolute path '${untrusted}': paths must stay inside ${root}`);
  }
  const target = resolve(root, untrusted);
  if (!isInside(resolve(root), target)) {
    throw new ConfigError(`refusing path '${untrusted}': it escapes ${root}`);
  }
  return target;
}
