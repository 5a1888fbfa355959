// `migrated_from_storage`: an environment that is not in the backend yet but has a state file in
// the legacy storage moves into its workspace on its first put, as the reference moves it.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '@hangar/resource-sdk';
import type { LegacyStorage } from './legacy-storage.js';
import type { Tofu } from './tofu.js';

export interface Migration {
  tofu: Tofu;
  store: LegacyStorage;
  envName: string;
  workspace: string;
  tmp: string;
  log: Logger;
  /** Keep `<env>.tfstate.migrated` in the storage (the reference keeps one, except on destroy). */
  keepCopy: boolean;
}

/**
 * Creates the workspace from `<env>.tfstate` (or the `.tainted` one), then removes that file so that
 * later gets and checks read the backend. Does nothing once the workspace exists.
 */
export async function migrateFromStorage(migration: Migration): Promise<void> {
  const { tofu, store, envName, workspace, log } = migration;
  if ((await tofu.workspaces()).includes(workspace)) return;
  const legacy = await store.readState(envName);
  if (!legacy) return;
  const path = join(migration.tmp, 'migrated.tfstate');
  await writeFile(path, legacy.body, { mode: 0o600 });
  // `workspace new -state` alone leaves a remote workspace empty: push the state into it.
  await tofu.selectWorkspace(workspace, true);
  await tofu.run(['state', 'push', '-no-color', path], { quiet: true });
  if (migration.keepCopy) await store.write(`${envName}.tfstate.migrated`, legacy.body);
  await store.delete(legacy.name, legacy.etag);
  log.info(
    `moved the state of environment '${envName}' from ${store.url(legacy.name)} into workspace '${workspace}'`,
  );
}
