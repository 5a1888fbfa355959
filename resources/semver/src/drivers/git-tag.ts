// The `git-tag` driver: versions are annotated tags `<tag_prefix><version>` (default prefix `v`).
// check lists them with one `ls-remote`; a bump tags the branch head with the next version. Tag
// pushes never overwrite: if a concurrent bump took the same tag, ours is rejected and we start
// over from a fresh listing, so every bump ends on a tag of its own.
import { join } from 'node:path';
import { ConfigError, RemoteError } from '@hangar/resource-sdk';
import {
  GitCommandError,
  assertSafeRefName,
  lsRemote,
  retryTransient,
  type Git,
  type GitSession,
} from '@hangar/git';
import type { Source } from '../source.js';
import { compareVersions, formatVersion, tryParseVersion, type Version } from '../version.js';
import { pushWithoutForce, retryOnConflict } from './git.js';
import {
  identityEnv,
  openSourceSession,
  parseGitUser,
  renderMessage,
  requireField,
  type Identity,
} from './git-session.js';
import type { DriverContext, VersionStore } from './types.js';

export const DEFAULT_TAG_PREFIX = 'v';
const HEAD_REF = 'refs/hangar/head';

export class GitTagStore implements VersionStore {
  private constructor(
    private readonly session: GitSession,
    private readonly git: Git,
    private readonly uri: string,
    private readonly branch: string | undefined,
    private readonly prefix: string,
    private readonly identity: Identity,
    private readonly messageTemplate: string | undefined,
    private readonly context: DriverContext,
  ) {}

  static async open(source: Source, context: DriverContext): Promise<GitTagStore> {
    const uri = requireField(source.uri, 'uri', 'git-tag');
    if (source.branch) assertSafeRefName(source.branch, 'source.branch');
    const prefix = source.tag_prefix ?? DEFAULT_TAG_PREFIX;
    if (prefix) assertSafeRefName(`${prefix}0.0.0`, 'source.tag_prefix');
    const identity = parseGitUser(source.git_user);
    const session = await openSourceSession(source, context.env, context.log);
    try {
      const dir = join(session.dir, 'repo.git');
      await session.git.run(['init', '--bare', '--quiet', dir]);
      return new GitTagStore(
        session,
        session.git.at(dir),
        uri,
        source.branch || undefined,
        prefix,
        identity,
        source.commit_message,
        context,
      );
    } catch (error) {
      await session.close();
      throw error;
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.session.close();
  }

  /** Every `<prefix><semver>` tag on the remote, ascending. */
  private async tags(): Promise<Version[]> {
    let refs: Map<string, string>;
    try {
      ({ refs } = await retryTransient(() => lsRemote(this.git, this.uri), { signal: this.context.signal }));
    } catch (error) {
      throw new RemoteError(`cannot list tags of source.uri: ${(error as Error).message}`, { cause: error });
    }
    const start = `refs/tags/${this.prefix}`;
    const versions: Version[] = [];
    for (const name of refs.keys()) {
      if (!name.startsWith(start) || name.endsWith('^{}')) continue;
      const version = tryParseVersion(name.slice(start.length));
      // `v1.2.3` and `v1.2.3+x` are both valid tags; keep only exact spellings of a version.
      if (version && formatVersion(version) === name.slice(start.length)) versions.push(version);
    }
    return versions.sort(compareVersions);
  }

  async check(cursor: Version | undefined): Promise<Version[]> {
    const tags = await this.tags();
    const latest = tags.at(-1);
    if (!latest) return [this.context.initial];
    if (!cursor) return [latest];
    const newer = tags.filter((tag) => compareVersions(tag, cursor) >= 0);
    return newer.length ? newer : [latest];
  }

  private async tag(version: Version): Promise<void> {
    const branch = this.branch;
    if (!branch)
      throw new ConfigError("missing required field 'source.branch' (the git-tag driver tags its head)");
    const name = `${this.prefix}${formatVersion(version)}`;
    try {
      await retryTransient(
        () =>
          this.git.run([
            'fetch',
            '--quiet',
            '--no-tags',
            '--depth=1',
            '--',
            this.uri,
            `+refs/heads/${branch}:${HEAD_REF}`,
          ]),
        { signal: this.context.signal },
      );
    } catch (error) {
      if (error instanceof GitCommandError && /couldn't find remote ref/i.test(error.result.stderr))
        throw new RemoteError(`source.branch '${branch}' does not exist on source.uri`, { cause: error });
      throw new RemoteError(`cannot fetch branch '${branch}' of source.uri: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const head = await this.git.output(['rev-parse', '--verify', `${HEAD_REF}^{commit}`]);
    const message = renderMessage(this.messageTemplate, formatVersion(version), name);
    await this.git.run(['tag', '--force', '--annotate', '--file=-', '--', name, head], {
      input: `${message}\n`,
      env: identityEnv(this.identity),
    });
    await pushWithoutForce(this.git, this.uri, `refs/tags/${name}`, `refs/tags/${name}`);
    this.context.log.info(`tagged ${head.slice(0, 12)} (head of '${branch}') as ${name}`);
  }

  async set(version: Version): Promise<void> {
    const wanted = formatVersion(version);
    await retryOnConflict(
      async () => {
        const tags = await this.tags();
        if (tags.some((tag) => formatVersion(tag) === wanted))
          this.context.log.info(`tag ${this.prefix}${wanted} already exists: nothing to push`);
        else await this.tag(version);
      },
      this.context,
      `tagging ${wanted}`,
    );
  }

  async bump(next: (current: Version) => Version): Promise<Version> {
    return retryOnConflict(
      async () => {
        const tags = await this.tags();
        const bumped = next(tags.at(-1) ?? this.context.initial);
        const wanted = formatVersion(bumped);
        if (tags.some((tag) => formatVersion(tag) === wanted))
          this.context.log.info(`tag ${this.prefix}${wanted} already exists: nothing to push`);
        else await this.tag(bumped);
        return bumped;
      },
      this.context,
      'bump',
    );
  }
}
