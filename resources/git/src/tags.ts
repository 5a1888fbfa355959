// Tag mode (tag_filter / tag_regex): versions are tags, oldest first by creation date.
import type { Git } from '@hangar/git';
import { RemoteError, type Version } from '@hangar/resource-sdk';
import { type CommitFilters, listCommits, needsOnlyGraph } from './commits.js';
import type { Source } from './source.js';

interface Tag {
  name: string;
  commit: string;
}

async function tagExists(git: Git, name: string): Promise<boolean> {
  return git.succeeds(['rev-parse', '--verify', '--quiet', `refs/tags/${name}^{commit}`]);
}

/** Tags matching the filter, oldest first; `--merged` the branch and from the cursor on when given. */
async function candidateTags(git: Git, source: Source, cursorTag: string | undefined): Promise<Tag[]> {
  const args = [
    'tag',
    '--list',
    '--sort=creatordate',
    '--format=%(refname:strip=2)%09%(objectname)%09%(*objectname)',
  ];
  if (source.branch) {
    if (!(await git.succeeds(['rev-parse', '--verify', '--quiet', `refs/heads/${source.branch}`])))
      throw new RemoteError(`branch '${source.branch}' (source.branch) does not exist on the remote`);
    args.push(`--merged=refs/heads/${source.branch}`);
  }
  if (source.branch && cursorTag) args.push(`--contains=refs/tags/${cursorTag}`);
  args.push('--', source.tag_filter ?? '*');
  const regex = source.tag_regex === undefined ? undefined : new RegExp(`^(?:${source.tag_regex})$`);
  const tags = (await git.lines(args))
    .map((line) => {
      const [name = '', object = '', peeled = ''] = line.split('\t');
      return { name, commit: peeled || object };
    })
    .filter((tag) => !regex || regex.test(tag.name));
  if (!cursorTag || source.branch) return tags;
  // No branch: the cursor's position in creation order (exact name, not a substring match).
  const at = tags.findIndex((tag) => tag.name === cursorTag);
  return at < 0 ? tags : tags.slice(at);
}

/**
 * `match_tagged`: one version `{ref: tag, commit}` per eligible tag. Without a cursor the newest
 * `version_depth`; with one, every tag from the cursor on (the reference keeps only the newest).
 */
export async function checkTags(
  git: Git,
  source: Source,
  filters: CommitFilters,
  cursor: Version | undefined,
): Promise<Version[]> {
  const depth = source.version_depth ?? 1;
  const cursorTag = cursor?.['ref'] && (await tagExists(git, cursor['ref'])) ? cursor['ref'] : undefined;
  if (source.tag_behaviour === 'match_tag_ancestors')
    return checkTagAncestors(git, source, filters, cursor, depth);
  let tags = await candidateTags(git, source, cursorTag);
  if (!needsOnlyGraph(filters)) {
    const eligible = new Set(await listCommits(git, ['--all'], filters));
    tags = tags.filter((tag) => eligible.has(tag.commit));
  }
  const chosen = cursorTag ? tags : tags.slice(-depth);
  return chosen.map((tag) => ({ ref: tag.name, commit: tag.commit }));
}

/** `match_tag_ancestors`: commits (`{ref: sha}`) that are eligible tags or their ancestors. */
async function checkTagAncestors(
  git: Git,
  source: Source,
  filters: CommitFilters,
  cursor: Version | undefined,
  depth: number,
): Promise<Version[]> {
  const tags = await candidateTags(git, source, undefined);
  if (!tags.length) return [];
  const tips = [...new Set(tags.map((tag) => tag.commit))];
  const sha = cursor?.['ref'];
  let cursorValid = false;
  if (sha !== undefined && /^[0-9a-f]{40,64}$/.test(sha))
    for (const tip of tips)
      if ((cursorValid = await git.succeeds(['merge-base', '--is-ancestor', sha, tip]))) break;
  const revs = cursorValid ? [...tips, `^${sha}^@`] : tips;
  const commits = await listCommits(git, revs, filters, cursorValid ? undefined : depth);
  return commits.reverse().map((ref) => ({ ref }));
}
