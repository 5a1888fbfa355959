// `git ls-remote`: the remote's refs without fetching anything — one round trip.
import type { Git } from './git-process.js';

export interface RemoteRefs {
  /** Full ref name → object id (for annotated tags, the tag object). */
  refs: Map<string, string>;
  /** The branch the remote's HEAD points at (`refs/heads/main`), when the server says. */
  headTarget: string | undefined;
}

/**
 * Lists `patterns` (full ref names such as `refs/heads/main` or `HEAD`; all refs when empty) on
 * `uri`. Only exact names are kept: git matches patterns by suffix, so `main` alone would also
 * match `refs/heads/feature/main`.
 */
export async function lsRemote(git: Git, uri: string, patterns: readonly string[] = []): Promise<RemoteRefs> {
  const output = await git.run(['ls-remote', '--symref', '--', uri, ...patterns]);
  const refs = new Map<string, string>();
  let headTarget: string | undefined;
  for (const line of output.split('\n')) {
    const [left, name] = line.split('\t');
    if (!left || !name) continue;
    if (left.startsWith('ref: ')) {
      if (name === 'HEAD') headTarget = left.slice(5);
      continue;
    }
    if (patterns.length === 0 || patterns.includes(name)) refs.set(name, left);
  }
  return { refs, headTarget };
}
