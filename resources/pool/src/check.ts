// `check`: the commits that touch the pool directory, oldest first, from the cursor (inclusive)
// to the branch tip; without a usable cursor only the latest such commit. Commits to other pools
// and other paths are invisible. A bare single-branch cache under $TMPDIR is reused between checks.
import { createHash } from 'node:crypto';
import { rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Git } from '@hangar/git';
import type { CheckContext, Version } from '@hangar/resource-sdk';
import { openSourceSession, poolPath, validateSource, type PoolSource } from './session.js';
import type { Source } from './source.js';

export async function check(context: CheckContext<Source>): Promise<Version[]> {
  const { version, env, signal, log } = context;
  const source = validateSource(context.source);
  const pool = poolPath(source.pool);
  await using session = await openSourceSession(source, env);
  const key = createHash('sha256').update(`${source.uri}\0${source.branch}`).digest('hex').slice(0, 16);
  const cache = join(env['TMPDIR'] ?? tmpdir(), `pool-resource-repo-cache-${key}`);
  const git = await syncCache(session.git, cache, source, signal, log);
  const tip = `refs/heads/${source.branch}`;

  const cursor = version?.['ref'];
  if (cursor && /^[0-9a-f]{4,64}$/i.test(cursor) && (await isAncestor(git, cursor, tip))) {
    const hasParent = (await git.output(['rev-list', '--parents', '-n', '1', cursor])).split(' ').length > 1;
    const range = hasParent ? [`${cursor}~1..${tip}`] : [tip];
    const refs = await git.lines(['log', '--reverse', '--format=%H', ...range, '--', pool]);
    return refs.map((ref) => ({ ref }));
  }
  const latest = await git.output(['log', '-1', '--format=%H', tip, '--', pool]);
  return latest ? [{ ref: latest }] : [];
}

async function isAncestor(git: Git, ref: string, tip: string): Promise<boolean> {
  return (
    (await git.succeeds(['cat-file', '-e', `${ref}^{commit}`])) &&
    (await git.succeeds(['merge-base', '--is-ancestor', ref, tip]))
  );
}

async function syncCache(
  git: Git,
  cache: string,
  source: PoolSource,
  signal: AbortSignal,
  log: { debug(message: string): void },
): Promise<Git> {
  const cached = git.at(cache);
  if (await stat(join(cache, 'HEAD')).catch(() => undefined)) {
    const fetched = await cached.exec(
      ['fetch', '--quiet', '--force', source.uri, `+refs/heads/${source.branch}:refs/heads/${source.branch}`],
      { signal },
    );
    if (fetched.code === 0) return cached;
    log.debug(`cache fetch failed, cloning again: ${fetched.stderr.trim()}`);
    await rm(cache, { recursive: true, force: true });
  }
  await git.run(
    ['clone', '--quiet', '--bare', '--single-branch', '--branch', source.branch, '--', source.uri, cache],
    { signal },
  );
  return cached;
}
