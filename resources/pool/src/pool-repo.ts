// A work tree of the lock branch and the few git operations locks need. Every state change is
// made on a fresh reset to the remote tip, committed, and pushed as a fast-forward only.
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Git, GitCommandError } from '@hangar/git';
import { ConfigError, RemoteError } from '@hangar/resource-sdk';

export type LockState = 'claimed' | 'unclaimed';

export type PushOutcome =
  { kind: 'pushed' } | { kind: 'conflict'; detail: string } | { kind: 'failed'; error: GitCommandError };

// Someone else moved the branch first (or pushed the identical commit in the same second): not
// an error, re-apply the change on the new tip. `[remote rejected]` alone is not a race: hooks and
// permissions say no that way, so it only counts when git names a ref-update race.
const CONFLICT =
  /\[rejected\]|\[up to date\]|fetch first|non-fast-forward|Everything up-to-date|failed to update ref|cannot lock ref|incorrect old value|is at [0-9a-f]+ but expected|stale info/i;

/** Rejects lock names that are not one plain, visible file name. */
export function assertLockName(name: string, field: string): void {
  if (!name) throw new ConfigError(`${field} is empty: it must hold a lock name`);
  if (/[/\\\0\n\r]/.test(name) || name === '.' || name === '..')
    throw new ConfigError(`${field} '${name}' is not a valid lock name: it must be a single file name`);
  if (name.startsWith('.'))
    throw new ConfigError(`${field} '${name}' starts with '.': dotfiles are never locks`);
}

export class PoolRepo {
  /** True right after the clone: the first reset would fetch what was just cloned. */
  private fresh = false;

  constructor(
    readonly git: Git,
    readonly dir: string,
    readonly branch: string,
    readonly pool: string,
  ) {}

  /** `git clone --single-branch` of the lock branch into `dir`. */
  static async clone(
    git: Git,
    options: { uri: string; branch: string; pool: string; dir: string; depth?: number; signal?: AbortSignal },
  ): Promise<PoolRepo> {
    const args = ['clone', '--quiet', '--single-branch', '--branch', options.branch, '--no-checkout'];
    if (options.depth) args.push('--depth', String(options.depth));
    await git.run(
      [...args, '--', options.uri, options.dir],
      options.signal ? { signal: options.signal } : {},
    );
    const repo = new PoolRepo(git.at(options.dir), options.dir, options.branch, options.pool);
    await repo.git.run(['checkout', '--quiet', '-B', options.branch, `origin/${options.branch}`]);
    repo.fresh = true;
    return repo;
  }

  get remoteRef(): string {
    return `refs/remotes/origin/${this.branch}`;
  }

  /** Fetches the branch and resets the work tree to it, dropping any local commit. */
  async reset(signal?: AbortSignal): Promise<void> {
    if (this.fresh) {
      this.fresh = false;
      return;
    }
    await this.git.run(
      ['fetch', '--quiet', 'origin', `+refs/heads/${this.branch}:${this.remoteRef}`],
      signal ? { signal } : {},
    );
    // Only git itself and our own writes (always staged) touch the work tree: no clean needed.
    await this.git.run(['reset', '--quiet', '--hard', this.remoteRef]);
  }

  head(): Promise<string> {
    return this.git.output(['rev-parse', 'HEAD']);
  }

  path(state: LockState, name = ''): string {
    return name ? `${this.pool}/${state}/${name}` : `${this.pool}/${state}`;
  }

  /**
   * Fails unless the pool's directory exists on the branch. Either state directory may be gone
   * (git keeps no empty directories: every lock claimed and no `.gitkeep`), which is a pool with
   * no lock in that state; a pool with neither is a typo the reference would wait on forever.
   */
  async assertPoolExists(): Promise<void> {
    const info = await stat(join(this.dir, this.pool)).catch(() => undefined);
    if (!info?.isDirectory())
      throw new RemoteError(
        `pool '${this.pool}' does not exist on branch '${this.branch}': create ${this.path('claimed')}/.gitkeep and ${this.path('unclaimed')}/.gitkeep`,
      );
  }

  /** Lock names in one state: visible regular files only, never `.gitkeep` or other dotfiles. */
  async locks(state: LockState): Promise<string[]> {
    const entries = await readdir(join(this.dir, this.path(state)), { withFileTypes: true }).catch(() => []);
    return entries
      .filter((entry) => entry.isFile() && !entry.name.startsWith('.'))
      .map((entry) => entry.name)
      .sort();
  }

  async stateOf(name: string): Promise<LockState | 'absent'> {
    if (await this.exists('claimed', name)) return 'claimed';
    if (await this.exists('unclaimed', name)) return 'unclaimed';
    return 'absent';
  }

  async exists(state: LockState, name: string): Promise<boolean> {
    const info = await stat(join(this.dir, this.path(state, name))).catch(() => undefined);
    return Boolean(info?.isFile());
  }

  readMetadata(state: LockState, name: string): Promise<string> {
    return readFile(join(this.dir, this.path(state, name)), 'utf8');
  }

  /** `git mv`, creating the target state's directory when git dropped it. */
  async move(name: string, from: LockState, to: LockState): Promise<void> {
    await mkdir(join(this.dir, this.path(to)), { recursive: true });
    await this.git.run(['mv', '--', this.path(from, name), this.path(to, name)]);
  }

  /** Writes a lock file; executable in git, as the reference writes lock files (mode 0555). */
  async write(state: LockState, name: string, metadata: string): Promise<void> {
    await mkdir(join(this.dir, this.path(state)), { recursive: true });
    await writeFile(join(this.dir, this.path(state, name)), metadata);
    await this.git.run(['add', '--chmod=+x', '--', this.path(state, name)]);
  }

  async remove(state: LockState, name: string): Promise<void> {
    await this.git.run(['rm', '--quiet', '--', this.path(state, name)]);
  }

  /** True when the index differs from HEAD. */
  async hasChanges(): Promise<boolean> {
    return !(await this.git.succeeds(['diff', '--cached', '--quiet']));
  }

  async commit(message: string): Promise<void> {
    await this.git.run(['commit', '--quiet', '--allow-empty', '-m', message]);
  }

  /** Seconds since the epoch of the last commit that put `name` into claimed/, if any. */
  async claimedSince(name: string): Promise<{ at: number; commit: string; message: string } | undefined> {
    const out = await this.git.output([
      'log',
      '-1',
      '--format=%ct%x00%H%x00%B',
      'HEAD',
      '--',
      this.path('claimed', name),
    ]);
    if (!out) return undefined;
    const [at = '0', commit = '', message = ''] = out.split('\0');
    return { at: Number(at), commit, message };
  }

  /** Pushes HEAD as a fast-forward of the branch and classifies the answer. */
  async push(): Promise<PushOutcome> {
    const args = ['push', '--porcelain', 'origin', `HEAD:refs/heads/${this.branch}`];
    const result = await this.git.exec(args);
    const text = `${result.stdout}\n${result.stderr}`;
    if (result.code === 0 && !/Everything up-to-date|\[up to date\]/.test(text)) return { kind: 'pushed' };
    if (CONFLICT.test(text)) return { kind: 'conflict', detail: lastLine(text) };
    return { kind: 'failed', error: new GitCommandError(args, result) };
  }
}

function lastLine(text: string): string {
  return (
    text
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean)
      .at(-1) ?? ''
  );
}
