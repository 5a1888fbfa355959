// The metadata list shown in the build log and the `.git/*` files tasks read, both from one
// `git log` plus one `for-each-ref`.
import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import type { MetadataField } from '@hangar/resource-sdk';
import type { Git } from '@hangar/git';
import { commitUrl } from './commit-url.js';

/** The reference truncates the message in metadata (not in .git/commit_message) to this many bytes. */
const MESSAGE_LIMIT = 10_240;

export interface CommitInfo {
  commit: string;
  authorName: string;
  authorEmail: string;
  authorDate: string;
  committerName: string;
  committerEmail: string;
  committerDate: string;
  /** Committer date in the requested timestamp_format. */
  timestamp: string;
  message: string;
  /** Local branches whose tip is HEAD. */
  branches: string[];
  /** Tags pointing at HEAD, sorted. */
  tags: string[];
}

export async function readCommitInfo(git: Git, timestampFormat: string): Promise<CommitInfo> {
  // %D with full names, limited to local branches and tags, replaces a for-each-ref call.
  const format = ['%H', '%an', '%ae', '%ai', '%cn', '%ce', '%ci', '%cd', '%D', '%B'].join('%x00');
  const log = await git.run([
    'log',
    '-1',
    '--decorate=full',
    '--decorate-refs=refs/heads/',
    '--decorate-refs=refs/tags/',
    `--date=${timestampFormat}`,
    `--format=${format}`,
    'HEAD',
  ]);
  const [
    commit = '',
    authorName = '',
    authorEmail = '',
    authorDate = '',
    committerName = '',
    committerEmail = '',
    committerDate = '',
    timestamp = '',
    decorations = '',
    ...rest
  ] = log.split('\0');
  const refs = decorations
    .split(', ')
    .map((entry) => entry.replace(/^HEAD -> /, '').replace(/^tag: /, ''))
    .filter((ref) => ref.startsWith('refs/heads/') || ref.startsWith('refs/tags/'));
  return {
    commit,
    authorName,
    authorEmail,
    authorDate,
    committerName,
    committerEmail,
    committerDate,
    timestamp,
    message: rest.join('\0').replace(/\n$/, ''),
    branches: refs.filter((ref) => ref.startsWith('refs/heads/')).map((ref) => ref.slice(11)),
    tags: refs
      .filter((ref) => ref.startsWith('refs/tags/'))
      .map((ref) => ref.slice(10))
      .sort(),
  };
}

function truncateBytes(text: string, limit: number): string {
  const bytes = Buffer.from(text);
  return bytes.length <= limit
    ? text
    : bytes
        .subarray(0, limit)
        .toString()
        .replace(/\uFFFD$/, '');
}

/**
 * Metadata in the reference's order. Fixed: `committer`/`committer_date` appear when they differ
 * from the author's (the reference shows them only when they are equal). `branch` falls back to
 * the tracked branch for a commit that is not a branch tip.
 */
export function buildMetadata(
  info: CommitInfo,
  origin: string,
  trackedBranch: string | undefined,
): MetadataField[] {
  const fields: MetadataField[] = [
    { name: 'commit', value: info.commit },
    { name: 'author', value: info.authorName },
    { name: 'author_date', value: info.authorDate },
  ];
  const sameAsAuthor =
    info.authorName === info.committerName &&
    info.authorEmail === info.committerEmail &&
    info.authorDate === info.committerDate;
  if (!sameAsAuthor)
    fields.push(
      { name: 'committer', value: info.committerName },
      { name: 'committer_date', value: info.committerDate },
    );
  const branch = info.branches.length ? info.branches.join(',') : trackedBranch;
  if (branch) fields.push({ name: 'branch', value: branch });
  if (info.tags.length) fields.push({ name: 'tags', value: info.tags.join(',') });
  fields.push({ name: 'message', value: truncateBytes(info.message, MESSAGE_LIMIT) });
  const url = commitUrl(origin, info.commit);
  if (url) fields.push({ name: 'url', value: url });
  return fields;
}

export interface RefFiles {
  ref: string;
  shortRefFormat: string;
  describeRef: string;
}

/** Writes `.git/ref`, `short_ref`, `commit`, `committer`, … as listed in the README. */
export async function writeGitFiles(
  gitDir: string,
  info: CommitInfo,
  metadata: readonly MetadataField[],
  files: RefFiles,
): Promise<void> {
  const value = (name: string) => metadata.find((field) => field.name === name)?.value ?? '';
  const contents: Record<string, string> = {
    ref: `${files.ref}\n`,
    short_ref: files.shortRefFormat.replaceAll('%s', files.ref.slice(0, 7)),
    commit: info.commit,
    // As in the reference (and its README), `committer` and `committer_name` hold the author.
    committer: info.authorEmail,
    committer_name: info.authorName,
    author: info.authorName,
    author_date: info.authorDate,
    committer_date: info.committerDate,
    branch: value('branch'),
    tags: value('tags'),
    url: value('url'),
    commit_message: info.message,
    commit_timestamp: info.timestamp,
    describe_ref: files.describeRef,
    'metadata.json': JSON.stringify(metadata),
  };
  await Promise.all(Object.entries(contents).map(([name, text]) => writeFile(join(gitDir, name), text)));
}
