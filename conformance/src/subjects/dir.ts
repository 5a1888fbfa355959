// Subject: a directory holding executables check, in and out (e.g. an unpacked image's /opt/resource).
import { access, constants, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Script } from '../protocol/types.js';
import { hostBaseEnv, runHostProcess } from './host-process.js';
import type { Availability, RunOptions, RunResult, Subject } from './subject.js';

export class DirSubject implements Subject {
  readonly kind = 'dir';
  readonly description: string;
  private readonly dir: string;

  constructor(
    dir: string,
    private readonly passEnv: readonly string[] = [],
  ) {
    this.dir = path.resolve(dir);
    this.description = `dir ${dir}`;
  }

  async available(script: Script): Promise<Availability> {
    const file = path.join(this.dir, script);
    try {
      const info = await stat(file);
      if (!info.isFile()) return { ok: false, reason: `${file} is not a file` };
      await access(file, constants.X_OK);
      return { ok: true };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EACCES') return { ok: false, reason: `${file} is not executable` };
      return { ok: false, reason: `${file} does not exist` };
    }
  }

  run(script: Script, options: RunOptions): Promise<RunResult> {
    return runHostProcess(
      path.join(this.dir, script),
      options.args,
      options,
      hostBaseEnv(options, this.passEnv),
    );
  }

  async close(): Promise<void> {}
}
