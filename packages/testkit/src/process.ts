// Child processes for services (long-running, own process group) and one-shot commands.
import { spawn } from 'node:child_process';
import { basename } from 'node:path';

export interface StartProcessOptions {
  cwd?: string;
  /** Full environment; defaults to the parent's. */
  env?: NodeJS.ProcessEnv;
  /** Name used in error messages (default: the binary's base name). */
  name?: string;
}

export interface ManagedProcess extends AsyncDisposable {
  readonly pid: number;
  readonly name: string;
  /** The last 64 KiB of stderr (and stdout), for error messages. */
  output(): string;
  /**
   * Settles when the process exits: rejects with its output when it exits before stop() was called,
   * so readiness checks can race it.
   */
  readonly exited: Promise<void>;
  /** SIGTERM to the whole process group, SIGKILL after `graceMs` (default 5 s); resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

const OUTPUT_LIMIT = 64 * 1024;
const running = new Set<number>();

// Last resort when a test worker exits without teardown: no service outlives the test run.
process.once('exit', () => {
  for (const pid of running) killGroup(pid, 'SIGKILL');
});

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** Spawns a long-running service in its own process group (so its children die with it). */
export function startProcess(
  command: string,
  args: readonly string[],
  options: StartProcessOptions = {},
): ManagedProcess {
  const name = options.name ?? basename(command);
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const append = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_LIMIT);
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);

  let stopping = false;
  let hasExited = false;
  const exited = new Promise<void>((resolve, reject) => {
    child.once('error', (error) => {
      hasExited = true;
      reject(new Error(`${name} could not start: ${error.message}`));
    });
    child.once('exit', (code, signal) => {
      hasExited = true;
      if (child.pid !== undefined) running.delete(child.pid);
      // Take the rest of the group (forked children) down with the leader.
      if (child.pid !== undefined) killGroup(child.pid, 'SIGKILL');
      if (stopping) resolve();
      else reject(new Error(`${name} exited (${signal ?? `code ${code}`}): ${lastLine(output)}`));
    });
  });
  exited.catch(() => undefined); // observed through `exited` or stop()

  const pid = child.pid;
  if (pid === undefined) {
    // spawn failed synchronously (ENOENT etc.); the 'error' event carries the reason.
    return {
      pid: -1,
      name,
      output: () => output,
      exited,
      stop: () => exited.catch(() => undefined),
      [Symbol.asyncDispose]: () => exited.catch(() => undefined),
    };
  }
  running.add(pid);

  const stop = async (graceMs = 5_000): Promise<void> => {
    stopping = true;
    if (hasExited) return exited.catch(() => undefined);
    killGroup(pid, 'SIGTERM');
    const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), graceMs);
    try {
      await exited.catch(() => undefined);
    } finally {
      clearTimeout(timer);
    }
  };
  return { pid, name, output: () => output, exited, stop, [Symbol.asyncDispose]: () => stop() };
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return lines.slice(-3).join(' | ') || '(no output)';
}

export interface RunOptions extends StartProcessOptions {
  /** Written to stdin, then stdin is closed. */
  input?: string | Buffer;
  /** Do not throw on a non-zero exit. */
  allowFailure?: boolean;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion; throws `<name> <args> failed (code N): <stderr>` unless allowFailure. */
export function runCommand(
  command: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<RunResult> {
  const name = options.name ?? basename(command);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.once('error', (error) => reject(new Error(`${name} could not start: ${error.message}`)));
    child.once('close', (code, signal) => {
      const result = {
        code: code ?? -1,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      };
      if (result.code === 0 || options.allowFailure) resolve(result);
      else {
        const why = result.stderr.trim() || result.stdout.trim() || '(no output)';
        const shown = args.map(redactUrlPassword).join(' ');
        reject(new Error(`${name} ${shown} failed (${signal ?? `code ${code}`}): ${redactUrlPassword(why)}`));
      }
    });
    child.stdin.on('error', () => undefined); // the child may exit without reading stdin
    child.stdin.end(options.input);
  });
}

/** Replaces the password in URL userinfo (`https://user:secret@host`) so errors never print it. */
export function redactUrlPassword(text: string): string {
  return text.replace(/(\/\/[^/\s:@]+):[^@\s/]*@/g, '$1:***@');
}
