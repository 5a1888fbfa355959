// A put in the legacy storage mode: the state file is downloaded, tofu works on it through the
// local backend, and the result goes back to the bucket as the reference puts it back (state,
// `.tainted` after a failure, `.plan`, deletion on destroy). Unlike the reference, every write
// back is conditional on the state being the one this put read: otherwise two overlapping puts
// would end with one state replacing the other and the resources it tracked lost.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, RemoteError, type Logger, type Version } from '@hangar/resource-sdk';
import { LegacyStorage, WriteConflict, storageVersion, type StoredState } from './legacy-storage.js';
import type { Tofu } from './tofu.js';

const stateName = (envName: string) => `${envName}.tfstate`;
const taintedName = (envName: string) => `${stateName(envName)}.tainted`;
const planName = (envName: string) => `${envName}.plan`;

/** e.g. `20261206T101502123Z`: sorts by time, safe in a key. */
const stamp = () => new Date().toISOString().replace(/[-:.]/g, '');

export class StoragePut {
  private constructor(
    private readonly store: LegacyStorage,
    private readonly envName: string,
    /** The state as this put read it (its ETag is what every write back is conditional on). */
    private readonly read: StoredState | undefined,
    private readonly statePath: string,
  ) {}

  /** Downloads the environment's state (or its `.tainted` one) to the local backend's file. */
  static async start(store: LegacyStorage, envName: string, statePath: string, log: Logger) {
    const read = await store.readState(envName);
    if (read) {
      await writeFile(statePath, read.body, { mode: 0o600 });
      if (read.tainted)
        log.warn(`continuing from the state a failed put left in ${store.url(taintedName(envName))}`);
    }
    return new StoragePut(store, envName, read, statePath);
  }

  /**
   * As the reference: the outputs of the state read become the lowest-precedence var file (a
   * variable named like an output gets its last value).
   */
  async previousOutputsVarFile(tofu: Tofu, tmp: string): Promise<string[]> {
    if (!this.read) return [];
    const outputs = await tofu.outputs();
    if (!Object.keys(outputs).length) return [];
    const path = join(tmp, 'previous-outputs.tfvars.json');
    const values = Object.fromEntries(Object.entries(outputs).map(([name, output]) => [name, output.value]));
    await writeFile(path, JSON.stringify(values), { mode: 0o600 });
    return [`-var-file=${path}`];
  }

  /** `-state` for applying a saved plan: the plan names the state file of the put that made it. */
  stateArgs(): string[] {
    return [`-state=${this.statePath}`];
  }

  /** The plan `<env>.plan` stored by a `plan_only` put (ours or the reference's). */
  async loadPlan(): Promise<Buffer> {
    const stored = await this.store.read(planName(this.envName));
    if (!stored)
      throw new ConfigError(
        `params.plan_run: no plan at ${this.store.url(planName(this.envName))}: run a put with plan_only: true first (a plan is deleted once applied)`,
      );
    return stored.body;
  }

  /** Stores the plan as `<env>.plan`; the reference's plan version. */
  async storePlan(plan: Buffer): Promise<Version> {
    await this.store.write(planName(this.envName), plan);
    return storageVersion(this.envName, await this.lastModified(planName(this.envName)), true);
  }

  /** After an apply: the state to `<env>.tfstate`, the `.tainted` one and the plan deleted. */
  async applied(): Promise<Version> {
    const state = await this.localState();
    if (!state) throw new RemoteError(`the apply wrote no state for environment '${this.envName}'`);
    const read = this.read;
    await this.commit(
      () => this.store.write(stateName(this.envName), state, read && !read.tainted ? read.etag : 'absent'),
      state,
    );
    if (read?.tainted) await this.commit(() => this.store.delete(read.name, read.etag), state);
    await this.store.delete(planName(this.envName));
    return storageVersion(this.envName, await this.lastModified(stateName(this.envName)));
  }

  /**
   * After a failed apply or destroy: as the reference, the state moves to `<env>.tfstate.tainted`
   * for the next put (or manual cleanup). Returns where it is.
   */
  async failed(): Promise<string> {
    const state = await this.localState();
    if (!state) return 'no state was written';
    const read = this.read;
    await this.commit(
      () => this.store.write(taintedName(this.envName), state, read?.tainted ? read.etag : 'absent'),
      state,
    );
    if (read && !read.tainted) await this.commit(() => this.store.delete(read.name, read.etag), state);
    return `the state was saved to ${this.store.url(taintedName(this.envName))}`;
  }

  /** After a destroy: the plan and the state file deleted; the version carries the time of the destroy. */
  async destroyed(): Promise<Version> {
    await this.store.delete(planName(this.envName));
    const read = this.read;
    if (read) {
      const state = (await this.localState()) ?? read.body;
      await this.commit(() => this.store.delete(read.name, read.etag), state);
    }
    return storageVersion(this.envName, new Date());
  }

  private async localState(): Promise<Buffer | undefined> {
    return readFile(this.statePath).catch(() => undefined);
  }

  private async lastModified(name: string): Promise<Date> {
    return (await this.store.head(name))?.lastModified ?? new Date();
  }

  /**
   * Runs a conditional write; when another put changed the state meanwhile, keeps this put's state
   * next to it (never over it) and fails saying where it is.
   */
  private async commit(write: () => Promise<void>, state: Buffer): Promise<void> {
    try {
      await write();
    } catch (error) {
      if (!(error instanceof WriteConflict)) throw error;
      const copy = `${stateName(this.envName)}.conflict-${stamp()}`;
      await this.store.write(copy, state, 'absent');
      throw new RemoteError(
        `${error.message}, so it was not overwritten: this put's state is in ${this.store.url(copy)}; ` +
          `merge what it tracks into ${stateName(this.envName)} (e.g. with tofu import), delete the copy and re-run`,
      );
    }
  }
}
