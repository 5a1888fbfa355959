// A persistent bare, partial ("blobless" or "treeless") clone reused between checks. Concourse
// keeps a check container for minutes to an hour, so after the first check each one costs a
// single incremental fetch. Caches are keyed by remote and shape, so several resources in one
// container keep separate caches.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { GitCommandError, type Git } from './git-process.js';

export interface BareCacheOptions {
  /** Directory holding the caches, e.g. `$TMPDIR/hangar-git-cache`. */
  root: string;
  uri: string;
  /** Track only this branch (as `refs/heads/<branch>`); all branches when absent. */
  branch?: string | undefined;
  /** Also mirror tags (moved tags are updated, deleted ones pruned). */
  tags?: boolean;
  /**
   * `tree:0` fetches commits only (enough for history without paths); `blob:none` adds trees
   * (needed for path filters); `none` fetches everything.
   */
  filter: 'tree:0' | 'blob:none' | 'none';
}

export interface BareCache {
  /** Git bound to the bare repository. */
  readonly git: Git;
  readonly dir: string;
  /** True when this call created the cache (a full initial clone). */
  readonly created: boolean;
}

/** The cache directory for these options (stable across processes). */
export function bareCacheDir(options: BareCacheOptions): string {
  const key = JSON.stringify([options.uri, options.branch ?? '*', Boolean(options.tags), options.filter]);
  return join(options.root, createHash('sha256').update(key).digest('hex').slice(0, 24));
}

function refspecs(options: BareCacheOptions): string[] {
  const heads = options.branch
    ? [`+refs/heads/${options.branch}:refs/heads/${options.branch}`]
    : ['+refs/heads/*:refs/heads/*'];
  return options.tags ? [...heads, '+refs/tags/*:refs/tags/*'] : heads;
}

/**
 * Opens (cloning on first use) and fetches the cache. A cache that is not a valid repository any
 * more is removed and cloned again. A failed first clone leaves nothing behind.
 */
export async function syncBareCache(git: Git, options: BareCacheOptions): Promise<BareCache> {
  const dir = bareCacheDir(options);
  const cache = git.at(dir);
  if (existsSync(join(dir, 'HEAD'))) {
    const fetched = await cache.exec([
      'fetch',
      '--quiet',
      '--no-tags',
      '--prune',
      '--force',
      'origin',
      ...refspecs(options),
    ]);
    if (fetched.code === 0) return { git: cache, dir, created: false };
    // A remote failure is reported as such; a cache that is no longer a repository is rebuilt.
    if (await cache.succeeds(['rev-parse', '--git-dir'])) throw new GitCommandError(['fetch'], fetched);
  }
  await rm(dir, { recursive: true, force: true });
  await mkdir(options.root, { recursive: true });
  const staging = `${dir}.${randomBytes(4).toString('hex')}.tmp`;
  const filter = options.filter === 'none' ? [] : [`--filter=${options.filter}`];
  const branch = options.branch ? ['--single-branch', '--branch', options.branch] : [];
  try {
    await git.run([
      'clone',
      '--quiet',
      '--bare',
      '--no-tags',
      ...filter,
      ...branch,
      '--',
      options.uri,
      staging,
    ]);
    const staged = git.at(staging);
    // Record the refspecs so later fetches (and `git fetch origin` by hand) keep the same shape.
    await staged.run(['config', '--unset-all', 'remote.origin.fetch']).catch(() => undefined);
    for (const spec of refspecs(options)) await staged.run(['config', '--add', 'remote.origin.fetch', spec]);
    // Checks must not pay for background maintenance; the container is gone within the hour.
    await staged.run(['config', 'gc.auto', '0']);
    await staged.run(['config', 'maintenance.auto', 'false']);
    if (options.tags)
      await staged.run(['fetch', '--quiet', '--no-tags', 'origin', '+refs/tags/*:refs/tags/*']);
    await rename(staging, dir).catch(async (error: unknown) => {
      // Another check created it first: use theirs.
      if (!existsSync(join(dir, 'HEAD'))) throw error;
      await rm(staging, { recursive: true, force: true });
    });
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  return { git: cache, dir, created: true };
}
