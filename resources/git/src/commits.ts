// Which commits are versions: first-parent history, limited to `paths` minus `ignore_paths`, then
// the commit_filter greps and the [ci skip] rule. Each stage is one git process; the later
// stages re-read the previous stage's commits with `rev-list --stdin --no-walk=unsorted`, which
// keeps their order.
import type { Git } from '@hangar/git';
import type { Source } from './source.js';

/** Messages containing either marker are skipped unless disable_ci_skip is set. */
const CI_SKIP_PATTERNS = ['\\[ci\\sskip\\]', '\\[skip\\sci\\]'];

export interface CommitFilters {
  paths: readonly string[];
  ignorePaths: readonly string[];
  include: readonly string[];
  includeAllMatch: boolean;
  exclude: readonly string[];
  excludeAllMatch: boolean;
  ciSkip: boolean;
}

export function commitFilters(source: Source): CommitFilters {
  return {
    paths: source.paths ?? [],
    ignorePaths: source.ignore_paths ?? [],
    include: source.commit_filter?.include ?? [],
    includeAllMatch: Boolean(source.commit_filter?.include_all_match),
    exclude: source.commit_filter?.exclude ?? [],
    excludeAllMatch: Boolean(source.commit_filter?.exclude_all_match),
    ciSkip: !source.disable_ci_skip,
  };
}

/** True when only the commit graph matters (no trees, no messages). */
export function needsOnlyGraph(filters: CommitFilters): boolean {
  return !hasPathFilter(filters) && !filters.include.length && !filters.exclude.length && !filters.ciSkip;
}

export const hasPathFilter = (filters: CommitFilters): boolean =>
  filters.paths.length > 0 || filters.ignorePaths.length > 0;

function pathspec(filters: CommitFilters): string[] {
  if (!hasPathFilter(filters)) return [];
  const positive = filters.paths.length ? filters.paths : ['.'];
  return ['--', ...positive, ...filters.ignorePaths.map((path) => `:!${path}`)];
}

const greps = (patterns: readonly string[]) => patterns.map((pattern) => `--grep=${pattern}`);

/**
 * Commits reachable from `revs` (rev-list syntax, e.g. `refs/heads/main`, `^abc^@`) that pass
 * the filters, newest first. `limit` caps the result (applied inside git when possible).
 */
export async function listCommits(
  git: Git,
  revs: readonly string[],
  filters: CommitFilters,
  limit?: number,
): Promise<string[]> {
  // Each stage keeps (or, for `drop`, removes) the commits matching its greps.
  const stages: { drop: boolean; args: string[] }[] = [];
  if (filters.include.length)
    stages.push({
      drop: false,
      args: [...greps(filters.include), ...(filters.includeAllMatch ? ['--all-match'] : [])],
    });
  if (filters.exclude.length)
    stages.push({
      drop: true,
      args: [...greps(filters.exclude), ...(filters.excludeAllMatch ? ['--all-match'] : [])],
    });
  if (filters.ciSkip) stages.push({ drop: true, args: greps(CI_SKIP_PATTERNS) });

  // The first stage runs inside the history walk (as --invert-grep when it drops on any match);
  // so does the limit when nothing else follows.
  const [first, ...rest] = stages;
  const inWalk = first && (!first.drop || !first.args.includes('--all-match'));
  const walkArgs = !first || !inWalk ? [] : first.drop ? ['--invert-grep', ...first.args] : first.args;
  const later = inWalk ? rest : stages;
  const max = limit !== undefined && later.length === 0 ? [`--max-count=${limit}`] : [];
  let commits = await git.lines([
    'rev-list',
    '--first-parent',
    ...max,
    ...walkArgs,
    ...revs,
    ...pathspec(filters),
  ]);
  for (const stage of later) {
    if (!commits.length) break;
    const matching = new Set(
      await git.lines(['rev-list', '--stdin', '--no-walk=unsorted', ...stage.args], {
        input: `${commits.join('\n')}\n`,
      }),
    );
    commits = commits.filter((commit) => matching.has(commit) !== stage.drop);
  }
  return limit === undefined ? commits : commits.slice(0, limit);
}
