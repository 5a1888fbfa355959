// Runs one resource script as a host process: fresh environment, its own process group, stdin written
// then closed, stdout/stderr captured, the whole group killed on timeout or once the script exits.
import { spawn } from 'node:child_process';
import type { RunOptions, RunResult } from './subject.js';
import { watchProcessTree } from './process-watch.js';

const OUTPUT_CAP = 8 * 1024 * 1024;

/** Variables a host process needs to work at all; everything else must be passed explicitly. */
export function hostBaseEnv(options: RunOptions, passEnv: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '/usr/local/bin:/usr/bin:/bin',
    TMPDIR: options.scratch.tmp,
    HOME: options.scratch.home,
    LANG: 'C.UTF-8',
  };
  for (const name of passEnv) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return { ...env, ...options.env };
}

export function runHostProcess(
  file: string,
  argv: string[],
  options: RunOptions,
  env: Record<string, string>,
): Promise<RunResult> {
  const started = performance.now();
  return new Promise<RunResult>((resolve) => {
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let stdoutBytes = 0;
    let stderrBytes = 0;
    let timedOut = false;
    let spawnError: string | undefined;

    const child = spawn(file, argv, {
      cwd: options.cwd ?? options.scratch.tmp,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    const watch = options.watchProcesses && child.pid !== undefined ? watchProcessTree(child.pid) : undefined;
    const killGroup = (): void => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // group already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, options.timeoutMs);

    child.stdout.on('data', (chunk: Buffer) => {
      if (stdoutBytes < OUTPUT_CAP) stdout.push(chunk);
      stdoutBytes += chunk.length;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderrBytes < OUTPUT_CAP) stderr.push(chunk);
      stderrBytes += chunk.length;
    });
    child.stdin.on('error', () => undefined); // the script may exit without reading stdin
    child.on('error', (error) => {
      spawnError = error.message;
    });
    child.on('exit', () => {
      // Concourse destroys the container when the script ends: nothing it left behind keeps running.
      killGroup();
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      void (watch?.stop() ?? Promise.resolve([])).then((sightings) => {
        const result: RunResult = {
          exitCode: code,
          signal,
          stdout: Buffer.concat(stdout).toString('utf8'),
          stderr: Buffer.concat(stderr).toString('utf8'),
          durationMs: Math.round(performance.now() - started),
          timedOut,
          sightings,
        };
        if (spawnError !== undefined) result.spawnError = spawnError;
        resolve(result);
      });
    });
    child.stdin.end(options.stdin);
  });
}
