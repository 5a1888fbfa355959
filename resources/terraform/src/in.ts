// get: the outputs (and optionally the state and the stored plan) of one environment.
import { join } from 'node:path';
import {
  ConfigError,
  RemoteError,
  writeFileAtomic,
  type InContext,
  type Logger,
  type MetadataField,
  type Version,
  type VersionResult,
} from '@hangar/resource-sdk';
import { mergeConfig, stateHome } from './config.js';
import { outputMetadata, rawOutputsFile, summaryMetadata } from './outputs.js';
import { loadPlan, planWorkspace } from './plan-store.js';
import { openSession } from './session.js';
import { storageRef, type StorageRef } from './legacy-storage.js';
import { STORAGE_DEPRECATION, getFromStorage } from './storage-read.js';
import type { GetParams, Source } from './source.js';
import { findBinary, type Tofu } from './tofu.js';
import { workspaceFor } from './workspace.js';

/** A destroy's version: `{env_name, serial: ""}` (earlier builds of ours also said `destroyed: "true"`). */
const isDestroyVersion = (version: Version): boolean =>
  version['destroyed'] === 'true' ||
  (version['serial'] === '' && !version['lineage'] && version['plan_only'] !== 'true');

interface Target {
  tofu: Tofu;
  workspace: string;
  envName: string;
  destination: string;
  params: GetParams;
  /** `summary_metadata` of source and params. */
  summary: boolean;
}

/** Writes `metadata` (and `terraform.tfstate`); returns the current version and the output metadata. */
async function writeOutputs({ tofu, workspace, envName, destination, params }: Target) {
  await tofu.selectWorkspace(workspace, false);
  const outputs = await tofu.outputs();
  await writeFileAtomic(join(destination, 'metadata'), rawOutputsFile(outputs));
  const rawState = params.output_statefile ? await tofu.statePull() : undefined;
  if (rawState !== undefined) await writeFileAtomic(join(destination, 'terraform.tfstate'), rawState);
  const state = await tofu.state();
  if (!state) throw new RemoteError(`workspace '${workspace}' has no state`);
  const version: Version = { env_name: envName, serial: String(state.serial), lineage: state.lineage };
  return { version, metadata: outputMetadata(outputs) };
}

/** A plan version: its plan on request, then the environment's outputs as far as they exist. */
async function getPlan(target: Target, version: Version, workspaces: string[], log: Logger) {
  const { tofu, envName, destination, params } = target;
  const metadata: MetadataField[] = [];
  if (params.output_planfile || target.summary) {
    const stored = await loadPlan(tofu, envName, workspaces);
    if (!stored)
      throw new RemoteError(
        `no plan is stored in workspace '${planWorkspace(envName)}': it was applied, discarded or never made`,
      );
    if (stored.checksum !== version['plan_checksum'])
      log.warn(
        `the stored plan is ${stored.checksum.slice(0, 12)}, not this version's ${String(version['plan_checksum']).slice(0, 12)}: a newer plan replaced it`,
      );
    if (params.output_planfile) await writeFileAtomic(join(destination, 'plan.json'), stored.json);
    if (target.summary) metadata.push(...summaryMetadata(stored.summary));
  }
  // As the reference: the environment's outputs if it has any, never a failure (its issue #136).
  try {
    if (workspaces.includes(target.workspace)) await writeOutputs(target);
  } catch (error) {
    log.warn(`the outputs of environment '${envName}' were not written: ${(error as Error).message}`);
  }
  return { version, metadata };
}

export async function get(context: InContext<Source, GetParams>): Promise<VersionResult> {
  const { source, params, version, destination, log, signal, env } = context;
  const envName = version['env_name'];
  if (!envName) throw new ConfigError(`the version has no env_name: it was not produced by this resource`);
  await writeFileAtomic(join(destination, 'name'), envName);
  if (params.action === 'destroy') return { version, metadata: [] };
  if (params.action)
    log.warn(`params.action '${params.action}' is not destroy: an ordinary get (as in the reference)`);
  const config = mergeConfig(source, params);
  const home = stateHome(source, config);
  if (params.output_module !== undefined)
    throw new ConfigError(
      `params.output_module was removed in Terraform 0.12: declare the outputs in the root module`,
    );
  const fromStorage = (ref: StorageRef) =>
    getFromStorage({
      ref,
      version,
      envName,
      destination,
      outputStatefile: Boolean(params.output_statefile),
      binary: source.binary,
      userEnv: config.env,
      env,
      signal,
      log,
    });
  if (home.kind === 'storage') {
    log.warn(STORAGE_DEPRECATION);
    return fromStorage(storageRef(home));
  }
  const legacy = storageRef(home);
  const session = await openSession({
    binary: await findBinary(source.binary, env),
    backendType: home.backendType,
    backendConfig: config.backend_config ?? {},
    ...(config.env ? { userEnv: config.env } : {}),
    env,
    signal,
    log,
  });
  try {
    const { tofu } = session;
    const workspace = workspaceFor(source, envName);
    const workspaces = await tofu.workspaces();
    const target = {
      tofu,
      workspace,
      envName,
      destination,
      params,
      summary: Boolean(config.summary_metadata),
    };
    if (version['plan_only'] === 'true') return await getPlan(target, version, workspaces, log);
    if (!workspaces.includes(workspace)) {
      // As the reference: an environment not in the backend yet is read from the legacy storage.
      if (legacy) return await fromStorage(legacy);
      if (isDestroyVersion(version)) {
        log.warn(`environment '${envName}' was destroyed: only the name is written`);
        return { version, metadata: [] };
      }
      throw new RemoteError(
        `workspace '${workspace}' does not exist in the backend: environment '${envName}' was destroyed or never applied ` +
          `(if this get follows a destroy, set get_params.action: destroy)`,
      );
    }
    const current = await writeOutputs(target);
    if (current.version['serial'] !== version['serial'] || current.version['lineage'] !== version['lineage'])
      log.warn(
        `environment '${envName}' is now at serial ${current.version['serial']} (lineage ${current.version['lineage']}): ` +
          `the files hold its current outputs, and the get answers with that version`,
      );
    const metadata = [...current.metadata, { name: 'terraform_version', value: await tofu.version() }];
    return { version: current.version, metadata };
  } finally {
    await session.close();
  }
}
