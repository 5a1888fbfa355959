// check and get in the legacy storage mode (and for `migrated_from_storage` environments that are
// not in the backend yet), as the reference reads `<bucket_path>/<env_name>.tfstate`.
import { join } from 'node:path';
import {
  ConfigError,
  RemoteError,
  writeFileAtomic,
  type Logger,
  type Version,
  type VersionResult,
} from '@hangar/resource-sdk';
import { LegacyStorage, storageVersion, type StorageRef } from './legacy-storage.js';
import { outputMetadata, rawOutputsFile } from './outputs.js';
import { openSession } from './session.js';
import { findBinary } from './tofu.js';

export const STORAGE_DEPRECATION =
  'source.storage is deprecated (as in the reference): move its environments into a backend with migrated_from_storage (see the README)';

async function withStore<T>(ref: StorageRef, log: Logger, use: (store: LegacyStorage) => Promise<T>) {
  const store = await LegacyStorage.open(ref, log);
  try {
    return await use(store);
  } finally {
    store.close();
  }
}

/**
 * As the reference: the most recently written `*.tfstate` under `bucket_path`, whichever
 * environment it is, unless it is older than the given version.
 */
export async function checkStorage(
  ref: StorageRef,
  given: Version | undefined,
  log: Logger,
): Promise<Version[]> {
  let since = new Date(0);
  if (given) {
    if (!given['env_name'])
      throw new ConfigError(`invalid version: it has no env_name, so it was not produced by this resource`);
    if (given['last_modified']) {
      since = new Date(given['last_modified']);
      if (Number.isNaN(since.getTime()))
        throw new ConfigError(
          `invalid version: last_modified '${given['last_modified']}' is not an RFC 3339 time`,
        );
    }
  }
  const files = await withStore(ref, log, (store) => store.stateFiles());
  const latest = files.reduce<(typeof files)[number] | undefined>(
    (best, file) => (!best || file.lastModified >= best.lastModified ? file : best),
    undefined,
  );
  if (!latest || latest.lastModified < since) return [];
  return [storageVersion(latest.envName, latest.lastModified)];
}

export interface StorageGet {
  ref: StorageRef;
  version: Version;
  envName: string;
  destination: string;
  outputStatefile: boolean;
  binary: string;
  userEnv: Record<string, string> | undefined;
  env: Readonly<Record<string, string | undefined>>;
  signal: AbortSignal;
  log: Logger;
}

/** The environment's `metadata` (and `terraform.tfstate`) from its state file; a plan version writes nothing. */
export async function getFromStorage(get: StorageGet): Promise<VersionResult> {
  const { ref, envName, destination, log } = get;
  if (get.version['plan_only'] === 'true') return { version: get.version, metadata: [] };
  return withStore(ref, log, async (store) => {
    const state = await store.readState(envName);
    if (!state)
      throw new RemoteError(
        `no state file ${store.url(`${envName}.tfstate`)}: environment '${envName}' was destroyed or never applied ` +
          `(if this get follows a destroy, set get_params.action: destroy)`,
      );
    const session = await openSession({
      binary: await findBinary(get.binary, get.env),
      backendType: 'local',
      backendConfig: {},
      ...(get.userEnv ? { userEnv: get.userEnv } : {}),
      env: get.env,
      signal: get.signal,
      log,
    });
    try {
      await writeFileAtomic(session.statePath, state.body);
      const outputs = await session.tofu.outputs();
      await writeFileAtomic(join(destination, 'metadata'), rawOutputsFile(outputs));
      if (get.outputStatefile) await writeFileAtomic(join(destination, 'terraform.tfstate'), state.body);
      const metadata = [
        ...outputMetadata(outputs),
        { name: 'terraform_version', value: await session.tofu.version() },
      ];
      return { version: storageVersion(envName, state.lastModified), metadata };
    } finally {
      await session.close();
    }
  });
}
