// Runs the real git binary with an explicit environment. Plain child_process rather than
// simple-git: we need stdin (rev-list --stdin, fast-import), the exact exit code and stderr, and
// per-process GIT_SSH_COMMAND / GIT_ASKPASS / GIT_CONFIG_* variables, which simple-git's
// unsafe-operation guard refuses unless each one is allow-listed.
import { spawn } from 'node:child_process';
import { RemoteError } from '@hangar/resource-sdk';

export interface GitResult {
  stdout: string;
  stderr: string;
  code: number;
}

export interface GitRunOptions {
  cwd?: string;
  /** Bytes written to git's stdin (closed afterwards). */
  input?: string;
  /** Extra variables on top of the runner's environment, for this call only. */
  env?: Record<string, string>;
  signal?: AbortSignal;
  /** Called with each chunk of stderr as it arrives (progress for the build log). */
  onStderr?: (text: string) => void;
}

/** A git command that exited non-zero. The message carries git's last stderr line. */
export class GitCommandError extends RemoteError {
  constructor(
    readonly args: readonly string[],
    readonly result: GitResult,
  ) {
    const detail = lastMeaningfulLine(result.stderr) || `exit code ${result.code}`;
    super(`git ${args[0] ?? ''} failed: ${detail}`);
  }
}

// Lines git prints after the real reason ("Host key verification failed.", "Authentication failed").
const GENERIC =
  /^(fatal: )?(Could not read from remote repository|Please make sure you have the correct access rights|and the repository exists|the remote end hung up unexpectedly)/i;

/** The line of git's stderr that says why it failed, without its `fatal:` or `error:` prefix. */
export function lastMeaningfulLine(text: string): string {
  const lines = text
    .split(/\r?\n|\r/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('hint:'));
  const specific = lines.filter((line) => !GENERIC.test(line));
  const fatal = specific.filter((line) => /^(fatal|error):/.test(line));
  return (fatal.at(-1) ?? specific.at(-1) ?? lines.at(-1) ?? '').replace(/^(fatal|error):\s*/, '');
}

export interface GitOptions {
  /** Working directory for every command (a work tree or a bare repository). */
  cwd?: string;
  /** The complete environment git runs with; see {@link baseGitEnv}. */
  env: Record<string, string>;
  /** The git binary (default `git` on PATH). */
  binary?: string;
  /** Receives every command line and all of git's stderr as it arrives (debug logging). */
  trace?: ((text: string) => void) | undefined;
}

/**
 * A git runner bound to one environment (credentials, config) and directory. Every method spawns
 * one git process; nothing is cached between calls.
 */
export class Git {
  readonly cwd: string | undefined;
  readonly env: Record<string, string>;
  readonly binary: string;
  readonly trace: ((text: string) => void) | undefined;

  constructor(options: GitOptions) {
    this.cwd = options.cwd;
    this.env = options.env;
    this.binary = options.binary ?? 'git';
    this.trace = options.trace;
  }

  private derive(cwd: string | undefined, env: Record<string, string>): Git {
    return new Git({ ...(cwd ? { cwd } : {}), env, binary: this.binary, trace: this.trace });
  }

  /** The same environment in another directory. */
  at(cwd: string): Git {
    return this.derive(cwd, this.env);
  }

  /** The same directory with extra environment variables. */
  withEnv(extra: Record<string, string>): Git {
    return this.derive(this.cwd, { ...this.env, ...extra });
  }

  /** Runs git and resolves with its output whatever the exit code. */
  exec(args: readonly string[], options: GitRunOptions = {}): Promise<GitResult> {
    this.trace?.(`$ git ${args.join(' ')}`);
    return new Promise((resolve, reject) => {
      const child = spawn(this.binary, args, {
        cwd: options.cwd ?? this.cwd,
        env: { ...this.env, ...options.env },
        stdio: ['pipe', 'pipe', 'pipe'],
        ...(options.signal ? { signal: options.signal } : {}),
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => {
        err.push(chunk);
        options.onStderr?.(chunk.toString());
        this.trace?.(chunk.toString());
      });
      child.once('error', reject);
      child.once('close', (code, signal) =>
        resolve({
          stdout: Buffer.concat(out).toString(),
          stderr: Buffer.concat(err).toString(),
          code: code ?? (signal ? 128 : 1),
        }),
      );
      // A command that exits before reading its input closes the pipe: not our failure.
      child.stdin.on('error', () => {});
      child.stdin.end(options.input ?? '');
    });
  }

  /** Runs git; throws {@link GitCommandError} on a non-zero exit; resolves with stdout. */
  async run(args: readonly string[], options: GitRunOptions = {}): Promise<string> {
    const result = await this.exec(args, options);
    if (result.code !== 0) throw new GitCommandError(args, result);
    return result.stdout;
  }

  /** Like {@link run} with surrounding whitespace removed. */
  async output(args: readonly string[], options: GitRunOptions = {}): Promise<string> {
    return (await this.run(args, options)).trim();
  }

  /** Non-empty output lines. */
  async lines(args: readonly string[], options: GitRunOptions = {}): Promise<string[]> {
    return (await this.run(args, options)).split('\n').filter(Boolean);
  }

  /** True when git exits 0 (e.g. `cat-file -e`, `merge-base --is-ancestor`). */
  async succeeds(args: readonly string[], options: GitRunOptions = {}): Promise<boolean> {
    return (await this.exec(args, options)).code === 0;
  }
}
