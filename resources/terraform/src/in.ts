// get: the outputs (and optionally the state and the stored plan) of one environment.
import { join } from 'node:path';
import {
  ConfigError,
  RemoteError,
  writeFileAtomic,
  type InContext,
  type VersionResult,
} from '@hangar/resource-sdk';
import { mergeConfig, rejectLegacyStorage, requireBackend } from './config.js';
import { outputMetadata, rawOutputs, summaryMetadata } from './outputs.js';
import { loadPlan, planWorkspace } from './plan-store.js';
import { openSession } from './session.js';
import type { GetParams, Source } from './source.js';
import { findBinary } from './tofu.js';
import { workspaceFor } from './workspace.js';

export async function get(context: InContext<Source, GetParams>): Promise<VersionResult> {
  const { source, params, version, destination, log, signal, env } = context;
  const envName = version['env_name'];
  if (!envName) throw new ConfigError(`the version has no env_name: it was not produced by this resource`);
  await writeFileAtomic(join(destination, 'name'), envName);
  if (params.action === 'destroy' || version['destroyed'] === 'true') {
    log.info(`environment '${envName}' was destroyed: only the name is written`);
    return { version, metadata: [] };
  }
  rejectLegacyStorage(source);
  const config = mergeConfig(source, params);
  const session = await openSession({
    binary: await findBinary(source.binary, env),
    backendType: requireBackend(config, 'params'),
    backendConfig: config.backend_config ?? {},
    env,
    signal,
    log,
  });
  try {
    const { tofu } = session;
    const workspace = workspaceFor(source, envName);
    const workspaces = await tofu.workspaces();
    if (!workspaces.includes(workspace))
      throw new RemoteError(
        `workspace '${workspace}' does not exist in the backend: environment '${envName}' was destroyed or never applied ` +
          `(to skip this get after a destroy, set get_params.action: destroy)`,
      );
    await tofu.selectWorkspace(workspace, false);
    const state = await tofu.state();
    const isPlan = version['plan_only'] === 'true';
    if (
      !isPlan &&
      (!state || state.lineage !== version['lineage'] || !(Number(version['serial']) <= state.serial))
    )
      throw new RemoteError(
        `version serial ${version['serial']} (lineage ${version['lineage']}) of environment '${envName}' does not exist: ` +
          (state
            ? `the state is at serial ${state.serial}, lineage ${state.lineage}`
            : 'the workspace has no state'),
      );
    const outputs = await tofu.outputs();
    await writeFileAtomic(join(destination, 'metadata'), JSON.stringify(rawOutputs(outputs)), 0o600);
    if (params.output_statefile)
      await writeFileAtomic(join(destination, 'terraform.tfstate'), await tofu.statePull(), 0o600);
    const metadata = outputMetadata(outputs);

    if (isPlan) {
      const stored = await loadPlan(tofu, envName, workspaces);
      if (stored && stored.checksum === version['plan_checksum']) {
        metadata.push(...summaryMetadata(stored.summary));
        if (params.output_planfile) await writeFileAtomic(join(destination, 'plan.json'), stored.json);
      } else if (params.output_planfile) {
        throw new RemoteError(
          `the plan ${String(version['plan_checksum']).slice(0, 12)} is no longer stored in '${planWorkspace(envName)}': it was applied or replaced by a newer plan`,
        );
      }
    } else if (state && String(state.serial) !== version['serial']) {
      log.warn(
        `environment '${envName}' has moved on to serial ${state.serial}: the files hold its current outputs, not those of serial ${version['serial']}`,
      );
    }
    metadata.push({ name: 'terraform_version', value: await tofu.version() });
    return { version, metadata };
  } finally {
    await session.close();
  }
}
