// override_files and module_override_files: linked into the configuration for one put, then removed.
import { lstat, rm, stat, symlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { ConfigError } from '@hangar/resource-sdk';
import { putPath } from './put-paths.js';

async function requireFile(path: string, field: string, shown: string): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new ConfigError(`invalid '${field}': '${shown}' does not exist`);
  if (!info.isFile()) throw new ConfigError(`invalid '${field}': '${shown}' is a directory; give files`);
}

async function link(target: string, path: string, field: string): Promise<void> {
  if (await lstat(path).catch(() => undefined))
    throw new ConfigError(`invalid '${field}': '${path}' already exists; the override would replace it`);
  await symlink(target, path);
}

/** Links each override into place; returns the cleanup that removes exactly those links. */
export async function linkOverrides(
  sources: string,
  moduleDir: string,
  overrideFiles: readonly string[] = [],
  moduleOverrideFiles: readonly { src: string; dst: string }[] = [],
): Promise<() => Promise<void>> {
  const created: string[] = [];
  const cleanup = async () => {
    for (const path of created) await rm(path, { force: true });
  };
  try {
    for (const [index, file] of overrideFiles.entries()) {
      const field = `override_files[${index}]`;
      const path = putPath(sources, file);
      await requireFile(path, field, file);
      const destination = join(moduleDir, basename(file));
      await link(path, destination, field);
      created.push(destination);
    }
    for (const [index, { src, dst }] of moduleOverrideFiles.entries()) {
      const field = `module_override_files[${index}]`;
      const path = putPath(sources, src);
      await requireFile(path, `${field}.src`, src);
      const dir = putPath(sources, dst);
      const info = await stat(dir).catch(() => undefined);
      if (!info) throw new ConfigError(`invalid '${field}.dst': '${dst}' does not exist`);
      if (!info.isDirectory())
        throw new ConfigError(`invalid '${field}.dst': '${dst}' is a file; give the module's directory`);
      const destination = join(dir, basename(src));
      await link(path, destination, field);
      created.push(destination);
    }
  } catch (error) {
    await cleanup();
    throw error;
  }
  return cleanup;
}
