// out: push the repository's HEAD (and the tag and notes it made) to the branch, optionally
// rebasing onto or merging with what others pushed meanwhile, retrying races with backoff.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  ConfigError,
  RemoteError,
  resolveInside,
  withRetry,
  type OutContext,
  type VersionResult,
} from '@hangar/resource-sdk';
import { assertSafeRefName, lsRemote, type Git } from '@hangar/git';
import { commitFilters, listCommits } from './commits.js';
import { buildMetadata, readCommitInfo } from './metadata.js';
import { PushRejected, push, selectTags } from './push.js';
import { openSourceSession, validateSource } from './remote-session.js';
import type { PutParams, Source } from './source.js';

const DEFAULT_PUSH_RETRIES = 5;

interface Plan {
  repository: string;
  branch: string | undefined;
  target: string | undefined;
  tag: string | undefined;
  annotate: string | undefined;
  notes: string | undefined;
}

async function plan(source: Source, params: PutParams, sources: string): Promise<Plan> {
  const repository = resolveInside(sources, params.repository);
  if (!existsSync(join(repository, '.git')) && !existsSync(join(repository, 'HEAD')))
    throw new ConfigError(`params.repository '${params.repository}' is not a git repository`);
  const branch = params.branch ?? source.branch;
  if (!branch && !params.only_tag)
    throw new ConfigError('params.branch or source.branch is required (unless params.only_tag is true)');
  if (branch) assertSafeRefName(branch, params.branch ? 'params.branch' : 'source.branch');
  if (params.rebase && params.merge)
    throw new ConfigError('params.rebase and params.merge cannot both be true: choose one strategy');
  const prefix = (params.refs_prefix ?? 'refs/heads').replace(/\/+$/, '');
  assertSafeRefName(prefix, 'params.refs_prefix');
  let tag: string | undefined;
  if (params.tag) {
    const name = (await readParamFile(sources, params.tag, 'params.tag')).trim();
    tag = `${params.tag_prefix ?? ''}${name}`;
    assertSafeRefName(tag, `tag name from params.tag (${params.tag})`);
  }
  const annotate = params.annotate ? resolveFile(sources, params.annotate, 'params.annotate') : undefined;
  const notes = params.notes ? resolveNotes(sources, params.repository, params.notes) : undefined;
  return { repository, branch, target: branch ? `${prefix}/${branch}` : undefined, tag, annotate, notes };
}

function resolveFile(sources: string, path: string, field: string): string {
  const file = resolveInside(sources, path);
  if (!existsSync(file)) throw new ConfigError(`${field}: file '${path}' does not exist`);
  return file;
}

/**
 * The notes file: where the reference looks (beside the repository, so `nested/notes` for
 * `repository: nested/repo`), else relative to the put's directory like `tag` and `annotate`.
 */
function resolveNotes(sources: string, repository: string, notes: string): string {
  for (const candidate of [join(dirname(repository), notes), notes]) {
    const file = resolveInside(sources, candidate);
    if (existsSync(file)) return file;
  }
  throw new ConfigError(`params.notes: file '${notes}' does not exist`);
}

const readParamFile = (sources: string, path: string, field: string) =>
  readFile(resolveFile(sources, path, field), 'utf8');

/** A committer identity for rebase, merge, annotated tags and notes when the repo has none. */
async function withIdentity(git: Git): Promise<Git> {
  if ((await git.exec(['config', 'user.name'])).stdout.trim()) return git;
  return git.withEnv({
    GIT_COMMITTER_NAME: 'git',
    GIT_COMMITTER_EMAIL: 'git@localhost',
    GIT_AUTHOR_NAME: 'git',
    GIT_AUTHOR_EMAIL: 'git@localhost',
  });
}

export async function put({
  source,
  params,
  sources,
  env,
  log,
}: OutContext<Source, PutParams>): Promise<VersionResult> {
  validateSource(source, 'out', log);
  const steps = await plan(source, params, sources);
  if (params.only_tag && steps.notes)
    log.warn('params.notes is ignored with params.only_tag (as in the reference)');
  await using session = await openSourceSession(source, { env, log });
  const git = await withIdentity(session.git.at(steps.repository));
  const original = await git.output(['rev-parse', 'HEAD^{commit}']);
  const integrate = params.rebase || params.merge;

  const attempt = async () => {
    if (params.merge) await git.run(['reset', '--quiet', '--hard', original]);
    if (integrate && steps.branch) await integrateRemote(git, source.uri, steps.branch, params);
    if (steps.notes && !params.only_tag) {
      await git.exec(['fetch', '--quiet', '--', source.uri, '+refs/notes/*:refs/notes/*']);
      await git.run(['notes', 'add', '--force', '--file', steps.notes, 'HEAD']);
    }
    const refspecs: string[] = [];
    if (steps.tag) {
      const annotate = steps.annotate ? ['--annotate', '--file', steps.annotate] : [];
      await git.run(['tag', '--force', ...annotate, '--', steps.tag, 'HEAD']);
    }
    if (!params.only_tag && steps.target) refspecs.push(`HEAD:${steps.target}`);
    const tags = await selectTags(git, await remoteTags(git, source.uri), steps.tag, Boolean(params.force));
    for (const { name, remote } of tags.kept)
      log.warn(
        `tag ${name} differs from the remote's (${remote.slice(0, 7)}); not moved without params.force`,
      );
    refspecs.push(...tags.push.map((ref) => `${ref}:${ref}`));
    if (steps.notes && !params.only_tag) refspecs.push('refs/notes/commits:refs/notes/commits');
    if (!refspecs.length) {
      log.info(`Nothing to push to ${source.uri}: every local tag is already there`);
      return;
    }
    log.info(`Pushing ${refspecs.map((spec) => spec.split(':')[1]).join(', ')} to ${source.uri}`);
    await push(git, {
      uri: source.uri,
      refspecs,
      force: Boolean(params.force),
      pushOptions: params.push_options ?? [],
    });
  };

  const retries = integrate ? (params.push_retries ?? DEFAULT_PUSH_RETRIES) : 0;
  try {
    await withRetry(attempt, {
      retries,
      minDelayMs: 200,
      maxDelayMs: 5_000,
      shouldRetry: (error) => error instanceof PushRejected && error.retryable,
      onRetry: (error, attempt, left) =>
        log.warn(
          `${(error as Error).message}; ${params.rebase ? 'rebasing' : 'merging'} again (attempt ${attempt + 1} of ${attempt + left})`,
        ),
    });
  } catch (error) {
    if (error instanceof PushRejected && error.retryable && retries > 0)
      throw new RemoteError(`${error.message}; gave up after ${retries + 1} attempts`, { cause: error });
    throw error;
  }

  const pushed = await git.output(['rev-parse', 'HEAD']);
  const info = await readCommitInfo(git, 'iso8601');
  let ref = params.merge && params.returning === 'unmerged' ? original : pushed;
  if (params.apply_check_filters) ref = await newestAccepted(git, source, ref);
  return {
    version: params.branch ? { branch: params.branch, ref } : { ref },
    metadata: buildMetadata(info, source.uri),
  };
}

/** The remote's tags (full ref names to object ids), without the peeled `^{}` entries. */
async function remoteTags(git: Git, uri: string): Promise<Map<string, string>> {
  const { refs } = await lsRemote(git, uri);
  return new Map([...refs].filter(([ref]) => ref.startsWith('refs/tags/') && !ref.endsWith('^{}')));
}

/** Rebase onto (or merge) the remote branch; a missing remote branch means nothing to integrate. */
async function integrateRemote(git: Git, uri: string, branch: string, params: PutParams): Promise<void> {
  const fetched = await git.exec(['fetch', '--quiet', '--', uri, `refs/heads/${branch}`]);
  if (fetched.code !== 0) {
    if (/couldn't find remote ref/i.test(fetched.stderr)) return;
    throw new RemoteError(
      `fetching ${branch} from ${uri} failed: ${fetched.stderr.trim().split('\n').at(-1) ?? ''}`,
    );
  }
  if (params.rebase) {
    const strategy = params.rebase_strategy ? [`--strategy=${params.rebase_strategy}`] : [];
    const raw = params.rebase_strategy_option ?? [];
    const options = (Array.isArray(raw) ? raw : raw.split(/\s+/))
      .filter(Boolean)
      .map((option) => `-X${option}`);
    const rebased = await git.exec([
      'rebase',
      '--quiet',
      '--rebase-merges',
      ...strategy,
      ...options,
      'FETCH_HEAD',
    ]);
    if (rebased.code !== 0) {
      await git.exec(['rebase', '--abort']);
      throw new RemoteError(
        `rebasing onto ${branch} failed (conflict?): ${lastLine(rebased.stderr || rebased.stdout)}`,
      );
    }
    return;
  }
  const merged = await git.exec(['merge', '--quiet', '--no-edit', 'FETCH_HEAD']);
  if (merged.code !== 0) {
    await git.exec(['merge', '--abort']);
    throw new RemoteError(
      `merging ${branch} failed (conflict?): ${lastLine(merged.stderr || merged.stdout)}`,
    );
  }
}

const lastLine = (text: string) => text.trim().split('\n').at(-1) ?? '';

/**
 * apply_check_filters: the version is the newest commit up to `ref` that check would accept
 * (paths, ignore_paths, commit_filter, [ci skip]). When the pushed commits are filtered out, that
 * is a version Concourse already has, so the put does not trigger jobs (the job that pushed
 * included). Falls back to `ref` when nothing in the local history passes.
 */
async function newestAccepted(git: Git, source: Source, ref: string): Promise<string> {
  const [newest] = await listCommits(git, [ref], commitFilters(source), 1);
  return newest ?? ref;
}
