// check: the versions since the cursor, oldest first. A warm persistent cache answers with one
// incremental fetch; `git ls-remote` answers without any history when none is needed.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, RemoteError, type CheckContext, type Version } from '@hangar/resource-sdk';
import { bareCacheDir, lsRemote, retryTransient, syncBareCache, type Git } from '@hangar/git';
import { existsSync } from 'node:fs';
import { commitFilters, hasPathFilter, listCommits, needsOnlyGraph, type CommitFilters } from './commits.js';
import { openSourceSession, validateSource } from './remote-session.js';
import type { Source } from './source.js';
import { checkTags } from './tags.js';

/** Where check caches live: `$TMPDIR/hangar-git-cache/<hash of remote and shape>`. */
export function cacheRoot(env: Readonly<Record<string, string | undefined>>): string {
  return join(env['TMPDIR'] || tmpdir(), 'hangar-git-cache');
}

const tagMode = (source: Source) => source.tag_filter !== undefined || source.tag_regex !== undefined;

export async function check({ source, version, env, log }: CheckContext<Source>): Promise<Version[]> {
  validateSource(source, 'check', log);
  // As in the reference, only check refuses both (in and out never read the tag filters' values).
  if (source.tag_filter !== undefined && source.tag_regex !== undefined)
    throw new ConfigError('source.tag_filter and source.tag_regex cannot both be set: choose one');
  const filters = commitFilters(source);
  const depth = source.version_depth ?? 1;
  await using session = await openSourceSession(source, { env, log, extraEnv: { GIT_LFS_SKIP_SMUDGE: '1' } });
  const cacheOptions = {
    root: cacheRoot(env),
    uri: source.uri,
    ...(tagMode(source) ? { tags: true } : { branch: source.branch }),
    filter: hasPathFilter(filters) ? 'blob:none' : 'tree:0',
  } as const;

  if (!tagMode(source)) {
    const cold = !existsSync(bareCacheDir(cacheOptions));
    const graphOnly = needsOnlyGraph(filters) && depth === 1;
    // Without history filters, or before a cache exists, ask the remote for its tip first.
    if (graphOnly || (cold && version?.['ref'])) {
      const head = await remoteHead(session.git, source);
      if (version?.['ref'] === head) return [{ ref: head }];
      if (graphOnly && !version?.['ref']) return [{ ref: head }];
    }
  }
  const cache = await retryTransient(() => syncBareCache(session.git, cacheOptions), {
    onRetry: (error) => log.warn(`fetch failed, retrying: ${(error as Error).message}`),
  });
  // `return await`: the session is disposed after the answer settles, so a rejection is handled.
  if (tagMode(source)) return await checkTags(cache.git, source, filters, version);
  return await checkCommits(
    cache.git,
    source.branch ? `refs/heads/${source.branch}` : 'HEAD',
    filters,
    depth,
    version,
  );
}

async function remoteHead(git: Git, source: Source): Promise<string> {
  const ref = source.branch ? `refs/heads/${source.branch}` : 'HEAD';
  const { refs } = await retryTransient(() => lsRemote(git, source.uri, [ref]));
  const head = refs.get(ref);
  if (!head)
    throw new RemoteError(
      source.branch
        ? `branch '${source.branch}' (source.branch) does not exist on the remote`
        : 'the remote has no HEAD: is it empty?',
    );
  return head;
}

/** Commit mode: `{ref: sha}` versions on the branch's first-parent history. */
export async function checkCommits(
  git: Git,
  tip: string,
  filters: CommitFilters,
  depth: number,
  cursor: Version | undefined,
): Promise<Version[]> {
  const sha = cursor?.['ref'];
  // A cursor that is gone (force-push) or not on the branch any more counts as no cursor.
  const cursorValid =
    sha !== undefined &&
    /^[0-9a-f]{4,64}$/.test(sha) &&
    (await git.succeeds(['merge-base', '--is-ancestor', sha, tip]));
  const commits = cursorValid
    ? await listCommits(git, [tip, `^${sha}^@`], filters)
    : await listCommits(git, [tip], filters, depth);
  return commits.reverse().map((ref) => ({ ref }));
}
