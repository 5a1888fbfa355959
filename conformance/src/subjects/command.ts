// Subject: a shell command that takes check|in|out as its first argument, e.g. `node dist/resource.js`.
// Runs as `sh -c '<command> "$@"' <script> <args...>` so the command may use shell syntax.
import type { Script } from '../protocol/types.js';
import { hostBaseEnv, runHostProcess } from './host-process.js';
import type { Availability, RunOptions, RunResult, Subject } from './subject.js';

export class CommandSubject implements Subject {
  readonly kind = 'command';
  readonly description: string;

  constructor(
    private readonly command: string,
    private readonly passEnv: readonly string[] = [],
  ) {
    this.description = `command ${command}`;
  }

  available(_script: Script): Promise<Availability> {
    // A command cannot be inspected without running it; a missing program shows up as a failing call.
    return Promise.resolve(
      this.command.trim() === '' ? { ok: false, reason: 'empty command' } : { ok: true },
    );
  }

  run(script: Script, options: RunOptions): Promise<RunResult> {
    const argv = ['-c', `${this.command} "$@"`, 'sh', script, ...options.args];
    return runHostProcess('/bin/sh', argv, options, hostBaseEnv(options, this.passEnv));
  }

  async close(): Promise<void> {}
}
