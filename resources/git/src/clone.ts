// Clone for `in`: one `git clone` that also brings notes (and all tags when asked), then the
// checkout of the requested commit, deepening a shallow clone until the commit is there.
import { RemoteError, type Logger } from '@hangar/resource-sdk';
import { GitCommandError, lsRemote, type Git } from '@hangar/git';

export interface CloneOptions {
  uri: string;
  destination: string;
  branch: string | undefined;
  depth: number;
  allBranches: boolean;
  /** true: all tags; false: none; undefined: git's default (tags on fetched history). */
  fetchTags: boolean | undefined;
  noCheckout: boolean;
}

export async function cloneRepository(git: Git, options: CloneOptions): Promise<void> {
  const args = ['clone', '--quiet', '-c', 'remote.origin.fetch=+refs/notes/*:refs/notes/*'];
  if (options.fetchTags === true) args.push('-c', 'remote.origin.fetch=+refs/tags/*:refs/tags/*');
  if (options.fetchTags === false) args.push('--no-tags');
  if (!options.allBranches) args.push('--single-branch');
  if (options.depth > 0) args.push(`--depth=${options.depth}`);
  if (options.branch) args.push('--branch', options.branch);
  if (options.noCheckout) args.push('--no-checkout');
  args.push('--', options.uri, options.destination);
  await git.run(args);
}

const DEEP_CLONE_THRESHOLD = 127;

export const hasCommit = (git: Git, rev: string) =>
  git.succeeds(['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]);

/**
 * Makes `ref` (and `depth - 1` ancestors) available in a shallow clone: deepen by doubling steps,
 * then fall back to a full fetch once the clone is `DEEP_CLONE_THRESHOLD` deep. The steps and the
 * log lines are the reference's (its `deepen_shallow_clone_until_ref_is_found_then_check_out`).
 */
export async function deepenUntilFound(git: Git, ref: string, depth: number, log: Logger): Promise<void> {
  const target = depth > 1 ? `${ref}~${depth - 1}` : ref;
  let total = depth;
  let step = depth;
  while (!(await hasCommit(git, target))) {
    // Asked of git, not of `.git/shallow`: in a submodule `.git` is a file pointing elsewhere.
    if ((await git.output(['rev-parse', '--is-shallow-repository'])) !== 'true') {
      log.info(
        "Reached max depth of the origin repo while deepening the shallow clone, it's a deep clone now",
      );
      return;
    }
    log.info(`Could not find ref ${ref}~${depth - 1} in a shallow clone of depth ${total}`);
    if (total >= DEEP_CLONE_THRESHOLD) {
      log.info(`Reached depth threshold ${DEEP_CLONE_THRESHOLD}, falling back to deep clone...`);
      await git.run(['fetch', '--quiet', '--unshallow', 'origin']);
      return;
    }
    step *= 2;
    log.info(`Deepening the shallow clone by an additional ${step}...`);
    await git.run(['fetch', '--quiet', `--deepen=${step}`, 'origin']);
    total += step;
  }
}

/** search_remote_refs: fetch every remote ref whose tip is `sha` (e.g. Gerrit `refs/changes/*`). */
export async function fetchRemoteRefsPointingAt(git: Git, uri: string, sha: string): Promise<boolean> {
  const { refs } = await lsRemote(git, uri);
  const matching = [...refs].filter(([name, id]) => id === sha && name !== 'HEAD').map(([name]) => name);
  if (!matching.length) return false;
  await git.run(['fetch', '--quiet', 'origin', ...matching]);
  return hasCommit(git, sha);
}

/**
 * Checks out `ref` (a sha or a tag) detached, as the reference does; fails with `missing` when the
 * clone does not hold it.
 */
export async function checkoutRef(git: Git, ref: string, missing: string): Promise<void> {
  const result = await git.exec(['checkout', '--quiet', '--force', '--detach', `${ref}^{commit}`]);
  if (result.code === 0) return;
  if (
    /reference is not a tree|invalid reference|unknown revision|not a commit|did not match|does not take a path/i.test(
      result.stderr,
    )
  )
    throw new RemoteError(missing, { exitCode: result.code }); // git's 128, as the reference exits
  throw new GitCommandError(['checkout'], result);
}
