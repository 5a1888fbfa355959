// `git push --porcelain` and what its answer means: which refs were rejected and whether trying
// again (after a new rebase or merge) can help.
import { RemoteError } from '@hangar/resource-sdk';
import type { Git } from '@hangar/git';

export interface RejectedRef {
  ref: string;
  reason: string;
}

/** Refs marked `!` in porcelain output, with git's reason. */
export function parseRejections(stdout: string): RejectedRef[] {
  const rejected: RejectedRef[] = [];
  for (const line of stdout.split('\n')) {
    const match = /^!\t[^\t]*:([^\t]+)\t\[(?:remote )?rejected\](?: \((.*)\))?/.exec(line);
    if (match) rejected.push({ ref: match[1] ?? '', reason: match[2] ?? 'rejected' });
  }
  return rejected;
}

/** The remote moved under us: a fresh rebase/merge and another push may succeed. */
const RACE =
  /fetch first|non-fast-forward|stale info|cannot lock ref|failed to update ref|incorrect old value|atomic push failed/;

export class PushRejected extends RemoteError {
  constructor(
    readonly uri: string,
    readonly rejected: RejectedRef[],
    detail: string,
  ) {
    const refs = rejected.map(({ ref, reason }) => `${ref} (${reason})`).join(', ');
    super(`push to ${uri} was rejected: ${refs || detail}`);
  }

  /** True when every rejection is a race with another pusher (not e.g. an existing tag). */
  get retryable(): boolean {
    return this.rejected.length > 0 && this.rejected.every(({ reason }) => RACE.test(reason));
  }
}

export interface PushOptions {
  uri: string;
  refspecs: readonly string[];
  force: boolean;
  pushOptions: readonly string[];
}

/** Pushes the refspecs atomically (all or none), so a rejected branch never leaves a stray tag. */
export async function push(git: Git, options: PushOptions): Promise<void> {
  const args = ['push', '--porcelain'];
  if (options.refspecs.length > 1) args.push('--atomic');
  if (options.force) args.push('--force');
  for (const option of options.pushOptions) args.push(`--push-option=${option}`);
  args.push('--', options.uri, ...options.refspecs);
  const result = await git.exec(args);
  if (result.code === 0) return;
  const detail =
    result.stderr
      .split('\n')
      .filter((line) => /^(fatal|error):/.test(line))
      .at(-1) ?? `exit code ${result.code}`;
  throw new PushRejected(
    options.uri,
    parseRejections(result.stdout),
    detail.replace(/^(fatal|error):\s*/, ''),
  );
}

export interface TagSelection {
  /** Full ref names to push (`refs/tags/<name>`). */
  push: string[];
  /** Local tags that differ from the remote's and stay unpushed (no `force`). */
  kept: { name: string; remote: string }[];
}

/**
 * The local tags a put pushes: the one it created, every tag the remote does not have yet, and,
 * with `force`, also those whose remote value differs (the reference's `git push --tags --force`).
 * Without `force` an existing remote tag is never moved.
 */
export async function selectTags(
  git: Git,
  remoteTags: ReadonlyMap<string, string>,
  created: string | undefined,
  force: boolean,
): Promise<TagSelection> {
  const local = await git.lines(['for-each-ref', '--format=%(refname)%09%(objectname)', 'refs/tags/']);
  const selection: TagSelection = { push: [], kept: [] };
  for (const line of local) {
    const [ref = '', id = ''] = line.split('\t');
    const remote = remoteTags.get(ref);
    if (ref === `refs/tags/${created}` || remote === undefined || (force && remote !== id))
      selection.push.push(ref);
    else if (remote !== id) selection.kept.push({ name: ref.slice('refs/tags/'.length), remote });
  }
  return selection;
}
