// Adds a directory from disk (an unpacked .deb, a resource bundle) to a LayerTree under a prefix.
import { lstat, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '@hangar/resource-sdk';
import { compareLayerPaths, normaliseLayerPath } from './layer-path.js';
import type { LayerTree } from './tree.js';

export interface AddFromDiskOptions {
  /** Layer path the directory's contents go under ('' = the layer root). */
  prefix?: string;
  /**
   * 'normalise' (default): 0755 for directories and for files with any execute bit, 0644 for
   * other files, so the builder's umask never leaks in. 'preserve': keep the permission bits
   * (including setuid/setgid/sticky) exactly.
   */
  modes?: 'normalise' | 'preserve';
  /** 'link' (default): files sharing an inode become tar hardlinks. 'copy': each gets its own content. */
  hardlinks?: 'link' | 'copy';
  /** Called with each relative path ('usr/share/doc'); return false to leave it (and its children) out. */
  filter?: (relativePath: string) => boolean;
  /** Replace entries already in the tree at the same paths. */
  replace?: boolean;
  /** Owner for a relative path; default 0:0 for everything. */
  ownership?: (relativePath: string) => { uid: number; gid: number } | undefined;
}

function modeFor(kind: 'file' | 'directory', diskMode: number, policy: 'normalise' | 'preserve'): number {
  if (policy === 'preserve') return diskMode & 0o7777;
  if (kind === 'directory') return 0o755;
  return diskMode & 0o111 ? 0o755 : 0o644;
}

/**
 * Walks `dir` (without following symlinks) and adds every directory, regular file, symlink and
 * hardlink to `tree` under `prefix`, owned by 0:0. Sockets, fifos and devices are refused.
 * Returns the number of entries added.
 */
export async function addFromDisk(
  tree: LayerTree,
  dir: string,
  options: AddFromDiskOptions = {},
): Promise<number> {
  const prefix = normaliseLayerPath(options.prefix ?? '');
  const policy = options.modes ?? 'normalise';
  const seenInodes = new Map<string, string>();
  const replace = { replace: options.replace ?? false };
  let added = 0;
  if (prefix) {
    tree.add({ path: prefix, type: 'directory' }, replace);
    added += 1;
  }

  const walk = async (relativeDir: string): Promise<void> => {
    const names = (await readdir(join(dir, relativeDir))).sort(compareLayerPaths);
    for (const name of names) {
      const relative = relativeDir ? `${relativeDir}/${name}` : name;
      if (options.filter && !options.filter(relative)) continue;
      const diskPath = join(dir, relative);
      const layerPath = prefix ? `${prefix}/${relative}` : relative;
      const stats = await lstat(diskPath);
      const owner = options.ownership?.(relative);
      const ids = owner ? { uid: owner.uid, gid: owner.gid } : {};
      if (stats.isDirectory()) {
        tree.add(
          { ...ids, path: layerPath, type: 'directory', mode: modeFor('directory', stats.mode, policy) },
          replace,
        );
        added += 1;
        await walk(relative);
      } else if (stats.isSymbolicLink()) {
        tree.add({ ...ids, path: layerPath, type: 'symlink', linkTarget: await readlink(diskPath) }, replace);
        added += 1;
      } else if (stats.isFile()) {
        const mode = modeFor('file', stats.mode, policy);
        const inode = `${stats.dev}:${stats.ino}`;
        const first = stats.nlink > 1 && options.hardlinks !== 'copy' ? seenInodes.get(inode) : undefined;
        if (first) {
          tree.add({ ...ids, path: layerPath, type: 'hardlink', linkTarget: first, mode }, replace);
        } else {
          if (stats.nlink > 1) seenInodes.set(inode, layerPath);
          tree.add(
            { ...ids, path: layerPath, type: 'file', sourcePath: diskPath, size: stats.size, mode },
            replace,
          );
        }
        added += 1;
      } else {
        throw new ConfigError(
          `cannot add '${diskPath}' to a layer: only files, directories and links are supported`,
        );
      }
    }
  };
  await walk('');
  return added;
}
