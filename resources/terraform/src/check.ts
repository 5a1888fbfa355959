// check: the current state of one environment, as at most one version (the reference keeps no history).
import { ConfigError, type CheckContext, type Logger, type Version } from '@hangar/resource-sdk';
import { stateHome } from './config.js';
import { storageRef } from './legacy-storage.js';
import { openSession } from './session.js';
import { checkStorage } from './storage-read.js';
import type { Source } from './source.js';
import { findBinary } from './tofu.js';
import { workspaceFor } from './workspace.js';

/**
 * The serial of a version; `""` (plan and destroy versions) is 0. The reference fails on one that is
 * not a number (no version of ours has one): we warn and report the current state.
 */
function previousSerial(version: Version | undefined, log: Logger): number {
  const serial = version?.['serial'] ?? '';
  if (/^[+-]?\d+$/.test(serial)) return Number(serial);
  if (serial !== '')
    log.warn(`the version's serial '${serial}' is not a number: reporting the current state`);
  return 0;
}

export async function check(context: CheckContext<Source>): Promise<Version[]> {
  const { source, version, log } = context;
  const home = stateHome(source, source);
  const given = version && Object.keys(version).length ? version : undefined;
  if (home.kind === 'storage') return checkStorage(storageRef(home), given, log);
  const legacy = storageRef(home);
  if (given && !given['env_name'])
    throw new ConfigError(`invalid version: it has no env_name, so it was not produced by this resource`);
  const envName =
    source.env_name ?? given?.['env_name'] ?? (source.workspace === 'default' ? 'default' : undefined);
  if (!envName) {
    log.info('no source.env_name and no previous version: nothing to check (puts with env_name still work)');
    return [];
  }
  const versions = await checkBackend(home.backendType, source, envName, given, context);
  // As the reference: an environment not in the backend yet is looked for in the legacy storage.
  return versions.length || !legacy ? versions : checkStorage(legacy, given, log);
}

async function checkBackend(
  backendType: string,
  source: Source,
  envName: string,
  given: Version | undefined,
  { log, signal, env }: CheckContext<Source>,
): Promise<Version[]> {
  const serialBefore = previousSerial(given, log);
  const session = await openSession({
    binary: await findBinary(source.binary, env),
    backendType,
    backendConfig: source.backend_config ?? {},
    ...(source.env ? { userEnv: source.env } : {}),
    env,
    signal,
    log,
  });
  try {
    const { tofu } = session;
    const workspace = workspaceFor(source, envName);
    if (!(await tofu.workspaces()).includes(workspace)) return [];
    await tofu.selectWorkspace(workspace, false);
    const state = await tofu.state();
    if (!state) return [];
    // Like the reference: the current state, unless the given version is a later serial of it.
    if (state.serial < serialBefore && state.lineage === given?.['lineage']) return [];
    return [{ env_name: envName, serial: String(state.serial), lineage: state.lineage }];
  } finally {
    await session.close();
  }
}
