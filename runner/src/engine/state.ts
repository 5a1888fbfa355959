// Opening the state directory and setting a pipeline from a file, shared by the CLI commands.
import { readFile } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import { checkPipelineText, locatedErrors, type CheckResult } from '../model/check.js';
import { Store, type SavePipelineOptions } from '../store/store.js';

export const interruptedMessage =
  'build interrupted: the runner stopped (killed or crashed) while this build was running';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Opens `.hangar/` (or --state) and marks builds a previous process left running as errored,
 * unless the process that claimed the state to run builds is still alive (a `hangar serve` while
 * `hangar builds` reads): then they are its builds, running. With `claim` (the commands that run
 * builds) this process becomes that process when the last one is gone.
 */
export function openState(dir: string, { claim = false } = {}): { store: Store; interrupted: number } {
  const store = new Store(dir);
  // one transaction: no reader sees an interrupted build finished without its last events
  const interrupted = store.db
    .transaction(() => {
      const holder = Number(store.meta('runner_pid'));
      if (holder > 0 && holder !== process.pid && alive(holder)) return [];
      if (claim) store.setMeta('runner_pid', String(process.pid));
      const builds = store.interruptStartedBuilds(interruptedMessage);
      for (const b of builds) {
        const seq = store.nextEventSeq(b.id);
        store.appendEvent(b.id, seq, {
          event: 'error',
          version: '4.1',
          data: { message: interruptedMessage, time: Math.floor(Date.now() / 1000) },
        });
        store.appendEvent(b.id, seq + 1, {
          event: 'status',
          version: '1.0',
          data: { status: 'errored', time: Math.floor(Date.now() / 1000) },
        });
      }
      return builds;
    })
    .immediate();
  return { store, interrupted: interrupted.length };
}

export function pipelineNameFor(file: string): string {
  return basename(file, extname(file));
}

export class PipelineConfigError extends Error {
  override name = 'PipelineConfigError';
}

/** Validates a pipeline file with static vars and saves it under `name`. */
export async function setPipelineFromFile(
  store: Store,
  file: string,
  name: string,
  vars: Record<string, unknown>,
): Promise<void> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new PipelineConfigError(
      `could not read pipeline ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
    );
  }
  const result = checkPipelineText(text, file, { vars });
  if (result.kind === 'unreadable') {
    const p = result.error.position;
    throw new PipelineConfigError(`${p.file}:${p.line}:${p.col}: ${result.error.message}`);
  }
  if (result.failed) {
    const first = locatedErrors(result)[0];
    const where = first ? `${first.position.file}:${first.position.line}:${first.position.col}: ` : '';
    throw new PipelineConfigError(`invalid pipeline: ${where}${first?.message ?? 'configuration invalid'}`);
  }
  saveCheckedPipeline(store, name, result, { file: resolve(file) });
}

/**
 * Saves a pipeline `checkPipelineText` found valid: the one way `hangar run` and `fly set-pipeline`
 * put a pipeline into the state, where the scheduler picks it up.
 */
export function saveCheckedPipeline(
  store: Store,
  name: string,
  checked: Extract<CheckResult, { kind: 'checked' }>,
  options: SavePipelineOptions = {},
): number {
  return store.savePipeline(
    name,
    checked.data,
    checked.pipeline.resources.map((r) => r.config.name),
    checked.pipeline.jobs.map((j) => j.name),
    options,
  );
}
