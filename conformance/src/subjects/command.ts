// Subject: a shell command that takes check|in|out as its first argument, e.g. `node dist/resource.js`.
// Runs as `sh -c '<command> "$@"' <script> <args...>` so the command may use shell syntax.
import { existsSync } from 'node:fs';
import path from 'node:path';
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

/**
 * The command runs in each call's directory, as Concourse runs scripts, so `node dist/resource.js`
 * would look for dist/ there. Words that name an existing relative path (with a slash) under
 * `baseDir` are made absolute; commands with quotes or shell syntax are left alone.
 */
export function resolveCommand(command: string, baseDir: string): string {
  if (/['"\\$`;&|<>()]/.test(command)) return command;
  return command
    .split(/(\s+)/)
    .map((word) =>
      word.includes('/') &&
      !path.isAbsolute(word) &&
      !word.startsWith('-') &&
      existsSync(path.join(baseDir, word))
        ? path.join(baseDir, word)
        : word,
    )
    .join('');
}
