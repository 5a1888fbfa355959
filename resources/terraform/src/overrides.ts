// override_files and module_override_files: linked into the configuration for one put, then removed.
import { lstat, rm, stat, symlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { ConfigError, resolveInside } from '@hangar/resource-sdk';

async function requireFile(path: string, field: string, shown: string): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) throw new ConfigError(`invalid '${field}': '${shown}' is not a file`);
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
      const path = resolveInside(sources, file);
      await requireFile(path, field, file);
      const destination = join(moduleDir, basename(file));
      await link(path, destination, field);
      created.push(destination);
    }
    for (const [index, { src, dst }] of moduleOverrideFiles.entries()) {
      const field = `module_override_files[${index}]`;
      const path = resolveInside(sources, src);
      await requireFile(path, `${field}.src`, src);
      const dir = resolveInside(sources, dst);
      if (!(await stat(dir).catch(() => undefined))?.isDirectory())
        throw new ConfigError(`invalid '${field}.dst': '${dst}' is not a directory`);
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
