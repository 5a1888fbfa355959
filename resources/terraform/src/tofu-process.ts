// One tofu/terraform command as a child process: output to the build log, graceful abort.
import { spawn } from 'node:child_process';
import { stripVTControlCharacters } from 'node:util';
import { RemoteError } from '@hangar/resource-sdk';

export interface RunOptions {
  command: string;
  args: readonly string[];
  cwd: string;
  env: Record<string, string>;
  /** Aborted when the build is interrupted. */
  signal: AbortSignal;
  /** How long tofu may take to stop after SIGINT before it is killed. */
  graceMs: number;
  /** Receives output lines meant for the build log. */
  onLine: (line: string) => void;
  /** Keep stdout out of the log and return it (e.g. `output -json`). */
  captureStdout?: boolean;
  /** Don't throw on a non-zero exit. */
  allowFailure?: boolean;
}

export interface RunResult {
  code: number;
  stdout: string;
  /** Everything tofu printed, in order (stdout too unless captured): for error messages. */
  output: string;
}

/** Thrown when the build was interrupted while tofu ran. */
export class InterruptedError extends RemoteError {}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone already
  }
}

/**
 * Runs a command in its own process group, so a terminal's Ctrl-C or a signal to our group never
 * reaches it twice (a second SIGINT makes tofu exit without releasing its lock). On abort it
 * gets exactly one SIGINT, then `graceMs` to finish and unlock before the group is killed.
 * Whatever the outcome, leftovers in the group (a local-exec's children) are killed afterwards.
 */
export function runProcess(options: RunOptions): Promise<RunResult> {
  const { command, args, signal } = options;
  const name = `${command.split('/').pop() ?? command} ${args[0] ?? ''}`.trim();
  if (signal.aborted)
    return Promise.reject(new InterruptedError(`interrupted before '${name}' started; nothing changed`));
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let stdout = '';
    const pending = { out: '', err: '' };
    const feed = (stream: 'out' | 'err', chunk: Buffer) => {
      const text = pending[stream] + chunk.toString('utf8');
      const lines = text.split('\n');
      pending[stream] = lines.pop() ?? '';
      for (const line of lines) {
        output += `${line}\n`;
        options.onLine(line);
      }
    };
    child.stdout.on('data', (chunk: Buffer) => {
      if (options.captureStdout) stdout += chunk.toString('utf8');
      else feed('out', chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => feed('err', chunk));

    let interrupted = false;
    let killed = false;
    let killTimer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      if (interrupted || child.pid === undefined) return;
      interrupted = true;
      options.onLine(
        `interrupted: sending SIGINT to '${name}' and waiting up to ${options.graceMs / 1000}s for it to stop`,
      );
      child.kill('SIGINT');
      killTimer = setTimeout(() => {
        killed = true;
        options.onLine(`'${name}' did not stop within ${options.graceMs / 1000}s: killing it`);
        signalGroup(child.pid ?? 0, 'SIGKILL');
      }, options.graceMs);
    };
    signal.addEventListener('abort', onAbort, { once: true });

    child.once('error', (error) => {
      signal.removeEventListener('abort', onAbort);
      clearTimeout(killTimer);
      reject(new RemoteError(`could not run ${command}: ${error.message}`, { cause: error }));
    });
    child.once('close', (code, exitSignal) => {
      signal.removeEventListener('abort', onAbort);
      clearTimeout(killTimer);
      if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
      for (const stream of ['out', 'err'] as const) {
        if (pending[stream]) {
          output += `${pending[stream]}\n`;
          options.onLine(pending[stream]);
        }
      }
      const status = code ?? 128;
      if (interrupted) {
        reject(
          new InterruptedError(
            killed
              ? `interrupted: '${name}' was killed after ${options.graceMs / 1000}s; its state lock may remain: run 'tofu force-unlock <lock id>' in the workspace`
              : output.includes('Error releasing the state lock')
                ? `interrupted: '${name}' stopped but could not release its state lock: run 'tofu force-unlock <lock id>' in the workspace`
                : `interrupted: '${name}' stopped gracefully (exit ${exitSignal ?? status}) and released its state lock`,
          ),
        );
        return;
      }
      if (status !== 0 && !options.allowFailure) {
        reject(new RemoteError(`'${name}' failed (exit ${exitSignal ?? status}): ${lastError(output)}`));
        return;
      }
      resolve({ code: status, stdout, output });
    });
  });
}

/**
 * The first `Error:` line tofu printed, else its last line: the one-line reason. Colours are
 * stripped: commands without `-no-color` (`state pull`) print them.
 */
export function lastError(output: string): string {
  const lines = output
    .split('\n')
    .map((line) =>
      stripVTControlCharacters(line)
        .replace(/^[\s│╷╵]+/, '')
        .trim(),
    )
    .filter(Boolean);
  const index = lines.findIndex((line) => line.startsWith('Error: '));
  if (index >= 0) {
    const detail = lines[index + 1] && !lines[index + 1]?.startsWith('on ') ? ` ${lines[index + 1]}` : '';
    return `${lines[index]}${detail}`;
  }
  return lines.at(-1) ?? '(no output)';
}
