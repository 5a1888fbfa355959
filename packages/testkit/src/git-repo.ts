// A small wrapper around the real git binary for building test repositories deterministically:
// fixed identity, one-minute-apart dates from 2026-01-01, no system or global config.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { requireBinary } from './bin.js';
import { runCommand } from './process.js';

export const GIT_IDENTITY = { name: 'Hangar Test', email: 'test@hangar.invalid' } as const;

/** 2026-01-01T00:00:00Z; commit N of a repo is dated N minutes later. */
export const GIT_EPOCH_SECONDS = 1_767_225_600;

/**
 * Environment for running git in tests: the parent's PATH/HOME without any inherited GIT_* variables,
 * no system or global config (so no credential helpers or user aliases), never prompts.
 */
export function gitEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('GIT_')) env[key] = value;
  return {
    ...env,
    LC_ALL: 'C',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_AUTHOR_NAME: GIT_IDENTITY.name,
    GIT_AUTHOR_EMAIL: GIT_IDENTITY.email,
    GIT_COMMITTER_NAME: GIT_IDENTITY.name,
    GIT_COMMITTER_EMAIL: GIT_IDENTITY.email,
    ...extra,
  };
}

/** Runs `git args` with gitEnv(env); resolves to trimmed stdout, throws with git's stderr. */
export async function git(
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<string> {
  const { stdout } = await runCommand(requireBinary('git'), args, {
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    env: gitEnv(options.env),
  });
  return stdout.trim();
}

export interface GitRepoOptions {
  /** Extra environment for every git command, e.g. GIT_SSH_COMMAND from an SshServer. */
  env?: Record<string, string>;
}

export class GitRepo {
  #tick = 0;
  readonly #env: Record<string, string>;

  constructor(
    /** Absolute path of the work tree (or of the repository itself when bare). */
    readonly path: string,
    options: GitRepoOptions = {},
  ) {
    this.#env = options.env ?? {};
  }

  /** `git init` a work tree at `path` with `branch` (default main) as the initial branch. */
  static async init(path: string, options: GitRepoOptions & { branch?: string } = {}): Promise<GitRepo> {
    await git(['init', '--quiet', `--initial-branch=${options.branch ?? 'main'}`, path], options);
    return new GitRepo(path, options);
  }

  /** `git init --bare` at `path` (a remote to push to and clone from). */
  static async initBare(path: string, options: GitRepoOptions & { branch?: string } = {}): Promise<GitRepo> {
    await git(['init', '--quiet', '--bare', `--initial-branch=${options.branch ?? 'main'}`, path], options);
    return new GitRepo(path, options);
  }

  /** `git clone url path`; pass env for transports that need it (GIT_SSH_COMMAND). */
  static async clone(
    url: string,
    path: string,
    options: GitRepoOptions & { args?: string[] } = {},
  ): Promise<GitRepo> {
    await git(['clone', '--quiet', ...(options.args ?? []), url, path], options);
    return new GitRepo(path, options);
  }

  /** Runs git in this repository (dated like the last object this wrapper created). */
  run(...args: string[]): Promise<string> {
    const date = `${GIT_EPOCH_SECONDS + 60 * this.#tick} +0000`;
    return git(args, {
      cwd: this.path,
      env: { ...this.#env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
    });
  }

  // Commands that create commits or tags move the clock one minute on, so history is ordered and
  // the same sequence of calls always yields the same hashes.
  #runDated(...args: string[]): Promise<string> {
    this.#tick++;
    return this.run(...args);
  }

  /** Writes files (paths relative to the work tree, parent directories created). */
  async writeFiles(files: Record<string, string | Uint8Array>): Promise<void> {
    for (const [name, content] of Object.entries(files)) {
      const file = join(this.path, name);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, content);
    }
  }

  /** Writes `files`, stages everything and commits; returns the new commit's SHA. */
  async commit(message: string, files: Record<string, string | Uint8Array> = {}): Promise<string> {
    await this.writeFiles(files);
    await this.run('add', '--all');
    await this.#runDated('commit', '--quiet', '--allow-empty', '--message', message);
    return this.revParse('HEAD');
  }

  /** Creates branch `name` at `startPoint` (default HEAD) without switching to it. */
  async branch(name: string, startPoint = 'HEAD'): Promise<void> {
    await this.run('branch', name, startPoint);
  }

  /** Switches the work tree to `ref`; `create` makes a new branch there first. */
  async checkout(ref: string, options: { create?: boolean } = {}): Promise<void> {
    await this.run('checkout', '--quiet', ...(options.create ? ['-b'] : []), ref);
  }

  /** Lightweight tag. */
  async tag(name: string, ref = 'HEAD'): Promise<void> {
    await this.run('tag', name, ref);
  }

  /** Annotated tag with a deterministic tagger date. */
  async annotatedTag(name: string, message: string, ref = 'HEAD'): Promise<void> {
    await this.#runDated('tag', '--annotate', '--message', message, name, ref);
  }

  /** Merge commit (always --no-ff) of `branch` into the current branch; returns its SHA. */
  async merge(branch: string, message = `Merge ${branch}`): Promise<string> {
    await this.#runDated('merge', '--quiet', '--no-ff', '--message', message, branch);
    return this.revParse('HEAD');
  }

  /**
   * Adds `url` as a submodule at `path` (named `name`, default the path) and commits it; returns
   * the commit SHA.
   */
  async addSubmodule(
    url: string,
    path: string,
    options: { name?: string; message?: string } = {},
  ): Promise<string> {
    const name = options.name === undefined ? [] : ['--name', options.name];
    // Git >= 2.38 refuses local-path submodules unless protocol.file is allowed explicitly.
    await this.run('-c', 'protocol.file.allow=always', 'submodule', '--quiet', 'add', ...name, url, path);
    return this.commit(options.message ?? `Add submodule ${path}`);
  }

  async addRemote(name: string, url: string): Promise<void> {
    await this.run('remote', 'add', name, url);
  }

  /** `git push remote refspecs...`. */
  async push(remote: string, ...refspecs: string[]): Promise<void> {
    await this.run('push', '--quiet', remote, ...refspecs);
  }

  async revParse(ref: string): Promise<string> {
    // ^{} peels annotated tags to the object they point at.
    return this.run('rev-parse', '--verify', `${ref}^{}`);
  }
}
