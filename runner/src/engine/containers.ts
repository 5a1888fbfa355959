// The task "containers" a long-running hangar keeps for `fly intercept` and `fly containers`: each
// task step of a build, with the directory it runs in. A finished build's work directory is kept
// until a newer build of the same job (or, for one-off builds, a newer one-off build) finishes,
// as Concourse keeps the containers of a job's latest build; everything kept goes at exit.
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { RuncTarget } from '../runtime/runtime.js';
import type { BuildRow } from '../store/store.js';

export interface TaskContainer {
  id: string;
  build: BuildRow;
  stepName: string;
  /** The directory the task runs in, on this machine. */
  workingDirectory: string;
  /** Set while the task runs in a runc container: `fly intercept` execs into it. */
  runc?: RuncTarget | undefined;
}

/** Every kept directory of every registry, removed at exit by one hook. */
const keptDirs = new Set<string>();
process.once('exit', () => {
  for (const dir of keptDirs) rmSync(dir, { recursive: true, force: true });
});

export class ContainerRegistry {
  readonly #containers = new Map<string, TaskContainer>();
  /** Work directories of finished builds, by job id (or 'one-off'). */
  readonly #kept = new Map<string, { buildId: number; dir: string }>();

  add(container: Omit<TaskContainer, 'id'>): TaskContainer {
    const entry = { ...container, id: randomUUID() };
    this.#containers.set(entry.id, entry);
    return entry;
  }

  get(id: string): TaskContainer | undefined {
    return this.#containers.get(id);
  }

  list(): TaskContainer[] {
    return [...this.#containers.values()];
  }

  /** Keeps a finished build's work directory (instead of removing it) and drops the one it replaces. */
  async buildFinished(build: BuildRow, workDir: string): Promise<void> {
    const key = build.jobId === null ? 'one-off' : String(build.jobId);
    const previous = this.#kept.get(key);
    this.#kept.set(key, { buildId: build.id, dir: workDir });
    keptDirs.add(workDir);
    if (!previous) return;
    keptDirs.delete(previous.dir);
    for (const [id, c] of this.#containers) if (c.build.id === previous.buildId) this.#containers.delete(id);
    await rm(previous.dir, { recursive: true, force: true });
  }
}
