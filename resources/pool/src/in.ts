// `in`: the lock changed by the version's commit (the latest commit to the pool at or before
// it), written as `name` and `metadata`. Fails when a claimed lock has moved since ("no longer
// acquired"). A lock that is unclaimed at the version is fetched as in the reference, with a
// warning (unless this build's own put made the commit); `allow_unclaimed: false` makes it an
// error, `true` silences the warning.
import { join } from 'node:path';
import { RemoteError, writeFileAtomic, type InContext, type VersionResult } from '@hangar/resource-sdk';
import { trailer } from './commit-message.js';
import { PoolRepo } from './pool-repo.js';
import { openSourceSession, poolPath, validateSource } from './session.js';
import type { GetParams, Source } from './source.js';

export async function getLock(context: InContext<Source, GetParams>): Promise<VersionResult> {
  const { version, params, destination, env, log, build, signal } = context;
  const source = validateSource(context.source);
  const pool = poolPath(source.pool);
  // Like the reference: no version means the branch tip.
  const ref = version['ref'] || 'HEAD';
  const depth = typeof params.depth === 'number' && params.depth > 0 ? params.depth : undefined;

  await using session = await openSourceSession(source, env);
  // Like the reference, the destination is a checkout of the lock branch at the version (tasks
  // read `<get>/<pool>/claimed/...`), plus the files `name` and `metadata`.
  const repo = await PoolRepo.clone(session.git, {
    uri: source.uri,
    branch: source.branch,
    pool,
    dir: destination,
    ...(depth ? { depth } : {}),
    signal,
  });
  if (!(await repo.git.succeeds(['checkout', '--quiet', '--detach', ref, '--'])))
    throw new RemoteError(
      `version ${ref} is not on branch '${source.branch}'${depth ? ` within params.depth ${depth}` : ''}`,
    );
  const head = await repo.head();
  const changed = await repo.git.lines(['log', '-1', '--name-only', '--format=', 'HEAD', '--', pool]);
  const names = lockNames(changed, pool);
  const metadata = [
    { name: 'lock_name', value: names.join(', ') },
    { name: 'pool_name', value: source.pool },
  ];
  if (!names.length) {
    log.info(`version ${head} changes no lock in pool ${source.pool}`);
    return { version: { ref: head }, metadata };
  }

  const contents: string[] = [];
  let found = false;
  for (const name of names) {
    const claimed = await repo.exists('claimed', name);
    const unclaimed = await repo.exists('unclaimed', name);
    if (claimed) {
      const moved = await repo.git.output([
        'log',
        '--format=%H',
        `HEAD..${repo.remoteRef}`,
        '--',
        repo.path('claimed', name),
      ]);
      if (moved) throw new RemoteError('lock instance is no longer acquired');
    } else if (unclaimed && params.allow_unclaimed === false) {
      throw new RemoteError(
        `lock '${name}' is not claimed at version ${head.slice(0, 12)} and params.allow_unclaimed is false`,
      );
    } else if (unclaimed && params.allow_unclaimed === undefined) {
      const message = await repo.git.output(['log', '-1', '--format=%B', 'HEAD']);
      if (!madeByThisBuild(message, build.id, build.url))
        log.warn(
          `getting an unclaimed lock: this build does not hold '${name}' (params.allow_unclaimed: true silences this, false makes it an error)`,
        );
    }
    if (claimed) contents.push(await repo.readMetadata('claimed', name));
    if (unclaimed) contents.push(await repo.readMetadata('unclaimed', name));
    found ||= claimed || unclaimed;
  }
  if (!found) {
    log.info('lock does not exist');
    return { version: { ref: head }, metadata };
  }
  await writeFileAtomic(join(destination, 'name'), `${names.join('\n')}\n`);
  await writeFileAtomic(join(destination, 'metadata'), contents.join(''));
  return { version: { ref: head }, metadata };
}

/** Lock names among changed paths: files directly in <pool>/claimed or <pool>/unclaimed, no dotfiles. */
export function lockNames(paths: readonly string[], pool: string): string[] {
  const names: string[] = [];
  for (const path of paths) {
    if (!path.startsWith(`${pool}/`)) continue;
    const [state, name, ...rest] = path.slice(pool.length + 1).split('/');
    if (rest.length || !name || name.startsWith('.')) continue;
    if (state !== 'claimed' && state !== 'unclaimed') continue;
    if (!names.includes(name)) names.push(name);
  }
  return names;
}

/** True for the implicit get after this build's own put (same BUILD_ID, or same build URL). */
function madeByThisBuild(
  message: string,
  buildId: string | undefined,
  buildUrl: string | undefined,
): boolean {
  const committedId = trailer(message, 'Hangar-Build-Id');
  if (buildId && committedId) return buildId === committedId;
  const committedUrl = trailer(message, 'Build URL');
  return Boolean(buildUrl && committedUrl && committedUrl === buildUrl);
}
