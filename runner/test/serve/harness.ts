// `hangar serve` as a real process and the real `fly` (built by scripts/bootstrap) pointed at it:
// the fixture every fly-compatibility test uses. fly runs with a HOME of its own, so its ~/.flyrc
// (target `local`) belongs to the test.
import { execFile, spawn, type ChildProcessWithoutNullStreams, type SpawnOptions } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flyBinary } from '@hangar/testkit';

const hangarBin = new URL('../../bin/hangar.js', import.meta.url).pathname;

export interface WatchedProcess {
  child: ChildProcessWithoutNullStreams;
  exited: Promise<[number | null, NodeJS.Signals | null]>;
  /** Resolves with the first match of `pattern` in stdout+stderr; rejects if the process exits first. */
  waitFor: (pattern: RegExp) => Promise<RegExpExecArray>;
  output: () => string;
}
export type HangarProcess = WatchedProcess;

/** A process with its output kept and watched. */
export function watchedProcess(command: string, args: string[], options: SpawnOptions = {}): WatchedProcess {
  const child = spawn(command, args, options) as ChildProcessWithoutNullStreams;
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const waitFor = (pattern: RegExp): Promise<RegExpExecArray> =>
    new Promise((resolve, reject) => {
      const look = (): void => {
        const match = pattern.exec(stdout + stderr);
        if (!match) return;
        child.stdout.off('data', look);
        child.stderr.off('data', look);
        resolve(match);
      };
      child.stdout.on('data', look);
      child.stderr.on('data', look);
      void exited.then(() => reject(new Error(`exited before ${String(pattern)}:\n${stdout}${stderr}`)));
      look();
    });
  return { child, exited, waitFor, output: () => stdout + stderr };
}

/** `bin/hangar.js` as a watched process. */
export function hangarProcess(args: string[], env: NodeJS.ProcessEnv = {}): HangarProcess {
  return watchedProcess(process.execPath, [hangarBin, ...args], {
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...env },
  });
}

export interface FlyResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ServeFixture {
  /** The server's base URL, without a trailing slash. */
  url: string;
  /** The state directory `hangar serve` was given. */
  stateDir: string;
  /** A directory of the test's own (fly's HOME lives in it). */
  dir: string;
  /** fly's HOME (its ~/.flyrc). */
  home: string;
  /** The API token (HANGAR_WEB_TOKEN) the `local` target holds. */
  token: string;
  process: HangarProcess;
  /** Runs the real fly; `-t local` is added unless `target: false`. */
  fly: (args: string[], options?: { cwd?: string; stdin?: string; target?: boolean }) => Promise<FlyResult>;
  /** Starts the real fly (`-t local` added) for a test that talks to it while it runs (prompts). */
  flyProcess: (args: string[]) => WatchedProcess;
  /** SIGTERM, then waits for the exit. */
  stop: () => Promise<void>;
}

export interface ServeOptions {
  /** More `hangar serve` arguments (e.g. `--resource-type`, `--add-local-user`). */
  args?: string[];
  env?: NodeJS.ProcessEnv;
  stateDir?: string;
}

/**
 * Starts `hangar serve` on a free loopback port with a state of its own and a fly target `local`
 * holding the server's token (as `fly login` would leave it).
 */
export async function startServe(options: ServeOptions = {}): Promise<ServeFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'hangar-fly-'));
  const stateDir = options.stateDir ?? join(dir, '.hangar');
  const token = `t${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
  const proc = hangarProcess(['serve', '--port', '0', '--state', stateDir, ...(options.args ?? [])], {
    HANGAR_WEB_TOKEN: token,
    ...options.env,
  });
  const url = (await proc.waitFor(/UI and API at (http:\/\/127\.0\.0\.1:\d+)/))[1]!.replace(/\/$/, '');
  const home = join(dir, 'home');
  mkdirSync(home);
  writeFileSync(
    join(home, '.flyrc'),
    `targets:\n  local:\n    api: ${url}\n    team: main\n    token:\n      type: bearer\n      value: ${token}\n`,
  );
  const fly = (
    args: string[],
    { cwd = dir, stdin, target = true }: { cwd?: string; stdin?: string; target?: boolean } = {},
  ): Promise<FlyResult> =>
    new Promise((resolve) => {
      const child = execFile(
        flyBinary(),
        target ? ['-t', 'local', ...args] : args,
        { cwd, env: { HOME: home, PATH: process.env.PATH ?? '' }, maxBuffer: 64 << 20 },
        (err, stdout, stderr) => {
          const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
          resolve({ code, stdout, stderr });
        },
      );
      child.stdin?.end(stdin ?? '');
    });
  const flyProcess = (args: string[]): WatchedProcess =>
    watchedProcess(flyBinary(), ['-t', 'local', ...args], {
      cwd: dir,
      env: { HOME: home, PATH: process.env.PATH ?? '' },
    });
  const stop = async (): Promise<void> => {
    if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill('SIGTERM');
    await proc.exited;
  };
  return { url, stateDir, dir, home, token, process: proc, fly, flyProcess, stop };
}
