// The host runtime: resource scripts and task processes run as local processes (no root, no
// images) in directories the engine prepares under the system temp dir.
import { spawn } from 'node:child_process';
import { ResourceTypeRegistry } from './registry.js';
import {
  AbortedError,
  type OutputSource,
  type ProcessResult,
  type ResourceInvocation,
  type Runtime,
  type TaskInvocation,
} from './runtime.js';

/** Host variables every process needs to find its tools; the analogue of an image's env. */
export function hostBaseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of [
    'PATH',
    'HOME',
    'LANG',
    'TZ',
    'TMPDIR',
    'SSL_CERT_FILE',
    'SSL_CERT_DIR',
    'GIT_EXEC_PATH',
  ]) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  return env;
}

interface SpawnSpec {
  command: string;
  args: string[];
  cwd: string | undefined;
  env: Record<string, string>;
  stdin: string | undefined;
  signal: AbortSignal;
  captureStdout: boolean;
  onOutput: (text: string, source: OutputSource) => void;
}

const killGraceMs = 2000;

function run(spec: SpawnSpec): Promise<ProcessResult> {
  if (spec.signal.aborted) return Promise.reject(new AbortedError());
  return new Promise((resolvePromise, reject) => {
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let aborted = false;
    let killTimer: NodeJS.Timeout | undefined;
    const killGroup = (sig: NodeJS.Signals): void => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, sig);
      } catch {
        // already gone
      }
    };
    const onAbort = (): void => {
      aborted = true;
      killGroup('SIGTERM');
      killTimer = setTimeout(() => killGroup('SIGKILL'), killGraceMs);
      killTimer.unref();
    };
    spec.signal.addEventListener('abort', onAbort, { once: true });
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      if (spec.captureStdout) stdout += chunk;
      else spec.onOutput(chunk, 'stdout');
    });
    child.stderr.on('data', (chunk: string) => spec.onOutput(chunk, 'stderr'));
    child.stdin.on('error', () => undefined);
    child.stdin.end(spec.stdin ?? '');
    child.on('error', (err: NodeJS.ErrnoException) => {
      spec.signal.removeEventListener('abort', onAbort);
      reject(new Error(`could not start ${spec.command}: ${err.code ?? err.message}`));
    });
    child.on('close', (code, signal) => {
      spec.signal.removeEventListener('abort', onAbort);
      if (killTimer) clearTimeout(killTimer);
      if (aborted) reject(new AbortedError());
      else resolvePromise({ exitCode: code ?? (signal ? 128 + signalNumber(signal) : 1), stdout });
    });
  });
}

function signalNumber(signal: NodeJS.Signals): number {
  const table: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };
  return table[signal] ?? 0;
}

export class HostRuntime implements Runtime {
  readonly name = 'host';
  readonly runsImages = false;

  constructor(readonly registry: ResourceTypeRegistry = new ResourceTypeRegistry()) {}

  assertResourceType(type: string): void {
    this.registry.command(type);
  }

  runResource(inv: ResourceInvocation): Promise<ProcessResult> {
    const [command, ...prefix] = this.registry.command(inv.type);
    const args = [...prefix, inv.action, ...(inv.dir === undefined ? [] : [inv.dir])];
    return run({
      command: command ?? process.execPath,
      args,
      cwd: inv.cwd ?? inv.dir,
      env: { ...hostBaseEnv(), ...inv.env },
      stdin: inv.stdin,
      signal: inv.signal,
      captureStdout: true,
      onOutput: (text) => inv.onStderr(text),
    });
  }

  async runTask(inv: TaskInvocation): Promise<{ exitCode: number }> {
    const result = await run({
      command: inv.path,
      args: inv.args,
      cwd: inv.cwd,
      env: { ...hostBaseEnv(), ...inv.env },
      stdin: undefined,
      signal: inv.signal,
      captureStdout: false,
      onOutput: inv.onOutput,
    });
    return { exitCode: result.exitCode };
  }
}
