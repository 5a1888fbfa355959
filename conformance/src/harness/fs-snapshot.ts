// Content snapshots of directory trees, to find what a call wrote and where.
import { createHash } from 'node:crypto';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import path from 'node:path';

/** Relative path -> content fingerprint. Directories are recorded too, so created empty dirs count as writes. */
export type Snapshot = Map<string, string>;

export async function snapshotTree(root: string, limit = 20_000): Promise<Snapshot> {
  const snapshot: Snapshot = new Map();
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (snapshot.size >= limit) return;
      const full = path.join(dir, entry.name);
      const rel = path.relative(root, full);
      if (entry.isDirectory()) {
        snapshot.set(rel, 'dir');
        await walk(full);
      } else if (entry.isSymbolicLink()) {
        snapshot.set(rel, `link:${await readlink(full).catch(() => '?')}`);
      } else if (entry.isFile()) {
        snapshot.set(rel, await fingerprint(full));
      } else {
        snapshot.set(rel, 'special');
      }
    }
  };
  await walk(root);
  return snapshot;
}

async function fingerprint(file: string): Promise<string> {
  const info = await lstat(file);
  if (info.size > 64 * 1024 * 1024) return `size:${info.size}:${info.mtimeMs}`;
  return createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
}

/** Paths created or changed (and removed, prefixed with `-`) between two snapshots. */
export function diffSnapshots(before: Snapshot, after: Snapshot): string[] {
  const changes: string[] = [];
  for (const [rel, print] of after) if (before.get(rel) !== print) changes.push(rel);
  for (const rel of before.keys()) if (!after.has(rel)) changes.push(`-${rel}`);
  return changes.sort();
}

export function isInside(rel: string, dirRel: string): boolean {
  const clean = rel.startsWith('-') ? rel.slice(1) : rel;
  return clean === dirRel || clean.startsWith(dirRel + path.sep);
}
