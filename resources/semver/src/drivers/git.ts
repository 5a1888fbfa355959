// The `git` driver: the version is a file on a branch. Every run works in a fresh bare repository
// in the session's private directory and never checks anything out: commits are built with
// plumbing (hash-object, a private index, commit-tree) on top of the fetched tip, and pushed without
// force — so a push only lands if the branch is still where we read it. A rejected push means
// someone else moved the branch: fetch, re-read, re-apply, push again (capped, with backoff).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, RemoteError, withRetry } from '@hangar/resource-sdk';
import {
  GitCommandError,
  assertSafeRefName,
  isTransientGitFailure,
  retryTransient,
  type Git,
  type GitSession,
} from '@hangar/git';
import type { Source } from '../source.js';
import { compareVersions, formatVersion, tryParseVersion, type Version } from '../version.js';
import {
  openSourceSession,
  parseGitUser,
  renderMessage,
  requireField,
  type Identity,
} from './git-session.js';
import type { DriverContext, VersionStore } from './types.js';

/** Attempts of the fetch-bump-push cycle before a put fails (first one included). */
export const PUSH_ATTEMPTS = 20;

const TIP_REF = 'refs/hangar/tip';
const NEW_REF = 'refs/hangar/new';

/** The push lost a race: the branch moved since we fetched it. */
export class PushConflict extends RemoteError {}

/** Rejections that mean "the branch moved", as opposed to hooks, permissions or protection. */
const CONFLICT =
  /\[rejected\]\s*\((fetch first|non-fast-forward|stale info|already exists)\)|\[remote rejected\]\s*\((cannot lock ref|failed to update ref|incorrect old value|failed to lock|reference already exists)/i;

/** Classifies a failed push: a {@link PushConflict}, or the original error. */
export function classifyPushFailure(error: GitCommandError): Error {
  const text = `${error.result.stdout}\n${error.result.stderr}`;
  if (CONFLICT.test(text)) return new PushConflict(`push rejected: the remote moved (${error.message})`);
  return error;
}

export function validateFilePath(file: string): void {
  if (file.startsWith('/') || file.split('/').some((part) => part === '..' || part === '.git'))
    throw new ConfigError(`invalid 'source.file': '${file}' must be a relative path inside the repository`);
  if (/[\0\n\r]/.test(file) || file.endsWith('/') || file.startsWith('"'))
    throw new ConfigError(`invalid 'source.file': '${file}' is not a file path`);
}

/** The first whitespace-delimited token, as the reference scans the file. */
export const firstToken = (text: string): string => text.trim().split(/\s+/)[0] ?? '';

/**
 * Pushes `source` to `target` without force. Commits and tags are content-addressed: two bumps
 * racing from the same tip can build the very same object, and the later push is then a no-op
 * ("up to date", flag `=`) — our write did not happen, someone else's did. That counts as a lost
 * race too, so both bumps cannot report one stored version.
 */
export async function pushWithoutForce(git: Git, uri: string, source: string, target: string): Promise<void> {
  const args = ['push', '--porcelain', '--', uri, `${source}:${target}`];
  const result = await git.exec(args);
  if (result.code !== 0) throw classifyPushFailure(new GitCommandError(args, result));
  const line = result.stdout
    .split('\n')
    .find((entry) => entry.includes(`\t${source}:${target}\t`) || entry.includes(`:${target}\t`));
  if (line?.startsWith('='))
    throw new PushConflict(`push of ${target} was a no-op: a concurrent writer stored the same object first`);
}

/** Retries a push cycle on lost races and network hiccups; anything else fails at once. */
export function retryOnConflict<T>(task: () => Promise<T>, context: DriverContext, what: string): Promise<T> {
  return withRetry(task, {
    retries: PUSH_ATTEMPTS - 1,
    minDelayMs: 50,
    maxDelayMs: 1_000,
    signal: context.signal,
    shouldRetry: (error) => error instanceof PushConflict || isTransientGitFailure(error),
    onRetry: (error, attempt) =>
      context.log.info(
        `${what}: ${error instanceof PushConflict ? 'the branch moved' : (error as Error).message}; retrying (attempt ${attempt + 1}/${PUSH_ATTEMPTS})`,
      ),
  }).catch((error: unknown) => {
    if (error instanceof PushConflict)
      throw new RemoteError(
        `${what} failed: the remote kept moving during ${PUSH_ATTEMPTS} attempts, nothing was stored`,
        { cause: error },
      );
    throw error;
  });
}

interface Snapshot {
  /** The branch tip, or undefined when the branch does not exist yet. */
  tip: string | undefined;
  /** The file's first token ('' when empty), or undefined when the file is absent. */
  text: string | undefined;
}

export class GitFileStore implements VersionStore {
  private constructor(
    private readonly session: GitSession,
    private readonly git: Git,
    private readonly uri: string,
    private readonly branch: string,
    private readonly file: string,
    private readonly identity: Identity,
    private readonly messageTemplate: string | undefined,
    private readonly context: DriverContext,
    private readonly marks: string,
  ) {}

  static async open(source: Source, context: DriverContext): Promise<GitFileStore> {
    const uri = requireField(source.uri, 'uri', 'git');
    const branch = requireField(source.branch, 'branch', 'git');
    const file = requireField(source.file, 'file', 'git');
    assertSafeRefName(branch, 'source.branch');
    validateFilePath(file);
    const identity = parseGitUser(source.git_user);
    const session = await openSourceSession(source, context.env, context.log);
    try {
      const dir = join(session.dir, 'repo.git');
      await session.git.run(['init', '--bare', '--quiet', dir]);
      return new GitFileStore(
        session,
        session.git.at(dir),
        uri,
        branch,
        file,
        identity,
        source.commit_message,
        context,
        join(session.dir, 'marks'),
      );
    } catch (error) {
      await session.close();
      throw error;
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.session.close();
  }

  /** Fetches the branch; undefined when it does not exist on the remote. */
  private async fetchTip(): Promise<string | undefined> {
    const refspec = `+refs/heads/${this.branch}:${TIP_REF}`;
    try {
      await retryTransient(() => this.git.run(['fetch', '--quiet', '--no-tags', '--', this.uri, refspec]), {
        signal: this.context.signal,
      });
    } catch (error) {
      if (error instanceof GitCommandError && /couldn't find remote ref/i.test(error.result.stderr))
        return undefined;
      throw new RemoteError(
        `cannot fetch branch '${this.branch}' of source.uri: ${(error as Error).message}`,
        { cause: error },
      );
    }
    return this.git.output(['rev-parse', '--verify', `${TIP_REF}^{commit}`]);
  }

  private async readAt(commit: string): Promise<string | undefined> {
    const result = await this.git.exec(['cat-file', 'blob', `${commit}:${this.file}`]);
    return result.code === 0 ? firstToken(result.stdout) : undefined;
  }

  private async snapshot(): Promise<Snapshot> {
    const tip = await this.fetchTip();
    return { tip, text: tip ? await this.readAt(tip) : undefined };
  }

  /** The stored version: absent or empty file → initial version; garbage → an error. */
  private current(snapshot: Snapshot): Version {
    if (!snapshot.text) return this.context.initial;
    const parsed = tryParseVersion(snapshot.text);
    if (!parsed)
      throw new RemoteError(
        `'${this.file}' on branch '${this.branch}' holds '${snapshot.text}', which is not a semantic version`,
      );
    return parsed;
  }

  async check(cursor: Version | undefined): Promise<Version[]> {
    const snapshot = await this.snapshot();
    const current = this.current(snapshot);
    if (!cursor || !snapshot.tip || snapshot.text === undefined || compareVersions(cursor, current) >= 0)
      return [current];
    // `fly check-resource --from` an older version: walk the file's history back to it.
    const commits = await this.git.lines(['log', '--format=%H', snapshot.tip, '--', this.file]);
    const found: Version[] = [];
    const seen = new Set<string>();
    for (const commit of commits) {
      const text = await this.readAt(commit);
      const version = text ? tryParseVersion(text) : undefined;
      if (!version) continue;
      if (compareVersions(version, cursor) < 0) break;
      const key = formatVersion(version);
      if (seen.has(key)) continue;
      seen.add(key);
      found.push(version);
    }
    return found.reverse();
  }

  /**
   * Commits `version` on top of `tip` with one `git fast-import` (blob, trees and commit in a single
   * process; nested paths included) and pushes it without force.
   */
  private async write(snapshot: Snapshot, version: Version): Promise<void> {
    const text = formatVersion(version);
    const message = `${renderMessage(this.messageTemplate, text, this.file)}\n`;
    const content = `${text}\n`;
    const { name, email } = this.identity;
    const stream = [
      `commit ${NEW_REF}`,
      'mark :1',
      `committer ${name} <${email}> now`,
      `data ${Buffer.byteLength(message)}`,
      message,
      ...(snapshot.tip ? [`from ${snapshot.tip}`] : []),
      `M 100644 inline ${this.file}`,
      `data ${Buffer.byteLength(content)}`,
      content,
    ].join('\n');
    await this.git.run(
      ['fast-import', '--quiet', '--force', '--date-format=now', `--export-marks=${this.marks}`],
      { input: stream },
    );
    const commit = (await readFile(this.marks, 'utf8')).trim().split(' ')[1] ?? '';
    await pushWithoutForce(this.git, this.uri, commit, `refs/heads/${this.branch}`);
    this.context.log.info(
      `pushed ${text} to ${this.file} on branch '${this.branch}' (${commit.slice(0, 12)})`,
    );
  }

  async set(version: Version): Promise<void> {
    const wanted = formatVersion(version);
    await retryOnConflict(
      async () => {
        const snapshot = await this.snapshot();
        if (snapshot.text === wanted) {
          this.context.log.info(`${this.file} already holds ${wanted}: nothing to push`);
          return;
        }
        await this.write(snapshot, version);
      },
      this.context,
      `storing ${wanted}`,
    );
  }

  async bump(next: (current: Version) => Version): Promise<Version> {
    return retryOnConflict(
      async () => {
        const snapshot = await this.snapshot();
        const bumped = next(this.current(snapshot));
        if (snapshot.text === formatVersion(bumped))
          this.context.log.info(`${this.file} already holds ${snapshot.text}: nothing to push`);
        else await this.write(snapshot, bumped);
        return bumped;
      },
      this.context,
      'bump',
    );
  }
}
