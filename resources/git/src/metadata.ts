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
 * Metadata in the reference's order, with its `type` hints, and under its conditions:
 * `committer`/`committer_date` only when the committer's name and date equal the author's (the
 * reference's condition, kept as it is), `branch` only when HEAD is the tip of local branches,
 * `tags` only when tags point at HEAD.
 */
export function buildMetadata(info: CommitInfo, origin: string): MetadataField[] {
  const fields: MetadataField[] = [
    { name: 'commit', value: info.commit },
    { name: 'author', value: info.authorName },
    { name: 'author_date', value: info.authorDate, type: 'time' },
  ];
  if (info.authorName === info.committerName && info.authorDate === info.committerDate)
    fields.push(
      { name: 'committer', value: info.committerName },
      { name: 'committer_date', value: info.committerDate, type: 'time' },
    );
  if (info.branches.length) fields.push({ name: 'branch', value: info.branches.join(',') });
  if (info.tags.length) fields.push({ name: 'tags', value: info.tags.join(',') });
  fields.push({ name: 'message', value: truncateBytes(info.message, MESSAGE_LIMIT), type: 'message' });
  const url = commitUrl(origin, info.commit);
  if (url) fields.push({ name: 'url', value: url });
  return fields;
}

export interface RefFiles {
  ref: string;
  shortRefFormat: string;
  describeRef: string;
}

/**
 * Writes `.git/ref`, `short_ref`, `commit`, `committer`, … byte for byte as the reference does:
 * values it writes with `echo` or `jq -r` end with a newline, optional ones it leaves empty.
 */
export async function writeGitFiles(
  gitDir: string,
  info: CommitInfo,
  metadata: readonly MetadataField[],
  files: RefFiles,
): Promise<void> {
  const line = (name: string) => {
    const field = metadata.find((entry) => entry.name === name);
    return field ? `${field.value}\n` : '';
  };
  const contents: Record<string, string> = {
    ref: `${files.ref}\n`,
    short_ref: files.shortRefFormat.replaceAll('%s', files.ref.slice(0, 7)),
    commit: line('commit'),
    // As in the reference (and its README), `committer` and `committer_name` hold the author.
    committer: info.authorEmail,
    committer_name: info.authorName,
    author: line('author'),
    author_date: line('author_date'),
    committer_date: line('committer_date'),
    branch: line('branch'),
    tags: line('tags'),
    url: line('url'),
    commit_message: info.message,
    commit_timestamp: `${info.timestamp}\n`,
    describe_ref: `${files.describeRef}\n`,
    'metadata.json': `${JSON.stringify(metadata, null, 2)}\n`,
  };
  await Promise.all(Object.entries(contents).map(([name, text]) => writeFile(join(gitDir, name), text)));
}
