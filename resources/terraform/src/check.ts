// check: the current state of one environment, as at most one version.
import type { CheckContext, Version } from '@hangar/resource-sdk';
import { rejectLegacyStorage, requireBackend } from './config.js';
import { openSession } from './session.js';
import type { Source } from './source.js';
import { findBinary } from './tofu.js';
import { workspaceFor } from './workspace.js';

export async function check({ source, version, log, signal, env }: CheckContext<Source>): Promise<Version[]> {
  rejectLegacyStorage(source);
  const backendType = requireBackend(source, 'source');
  const envName =
    source.env_name ?? version?.['env_name'] ?? (source.workspace === 'default' ? 'default' : undefined);
  if (!envName) {
    log.info('no source.env_name and no previous version: nothing to check (puts with env_name still work)');
    return [];
  }
  const session = await openSession({
    binary: await findBinary(source.binary, env),
    backendType,
    backendConfig: source.backend_config ?? {},
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
    if (!state || state.empty) return [];
    const current = { env_name: envName, serial: String(state.serial), lineage: state.lineage };
    const previousSerial = Number(version?.['serial'] || Number.NaN);
    const sameLineage = version?.['lineage'] === state.lineage && version['env_name'] === envName;
    if (sameLineage && state.serial < previousSerial) return [];
    // The requested version is still valid (an earlier serial of this state): list it first.
    const isApplied = version && Object.keys(version).sort().join() === 'env_name,lineage,serial';
    if (isApplied && sameLineage && previousSerial < state.serial) return [version, current];
    return [current];
  } finally {
    await session.close();
  }
}
