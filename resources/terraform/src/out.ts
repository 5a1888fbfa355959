// put: apply, plan (plan_only), apply a stored plan (plan_run) or destroy one environment.
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  ConfigError,
  RemoteError,
  type MetadataField,
  type OutContext,
  type Version,
  type VersionResult,
} from '@hangar/resource-sdk';
import { mergeConfig, stateHome } from './config.js';
import { resolveEnvName } from './env-name.js';
import {
  outputMetadata,
  summariseApplyOutput,
  summariseShowJson,
  summaryMetadata,
  type PlanSummary,
} from './outputs.js';
import { LegacyStorage, storageRef } from './legacy-storage.js';
import { migrateFromStorage } from './migrate.js';
import { linkOverrides } from './overrides.js';
import { discardPlan, loadPlan, planChecksum, storePlan } from './plan-store.js';
import { putPath } from './put-paths.js';
import { buildVars, openSession, type Session, type SessionOptions } from './session.js';
import type { PutParams, Source, TerraformConfig } from './source.js';
import { InterruptedError } from './tofu-process.js';
import { findBinary, type OutputValue, type Tofu } from './tofu.js';
import { StoragePut } from './storage-put.js';
import { STORAGE_DEPRECATION } from './storage-read.js';
import { readMapping, varFileArgs } from './var-files.js';
import { workspaceFor } from './workspace.js';

interface PutRun {
  source: Source;
  config: TerraformConfig;
  /** Applying the stored plan (`plan_run` on an apply). */
  planRun: boolean;
  session: Session;
  tofu: Tofu;
  envName: string;
  workspace: string;
  sources: string;
  /** `-var-file=` arguments in precedence order. */
  varFiles: string[];
  storeOptions: Omit<SessionOptions, 'moduleDir' | 'userEnv' | 'withoutTfVars'>;
  /** The legacy storage mode: where the state came from and goes back to. */
  storage: StoragePut | undefined;
  log: OutContext<Source, PutParams>['log'];
}

export async function out(context: OutContext<Source, PutParams>): Promise<VersionResult> {
  const { source, params, sources, log, signal, env, build } = context;
  const config = mergeConfig(source, params);
  const home = stateHome(source, config);
  if (home.kind === 'storage') log.warn(STORAGE_DEPRECATION);
  // As in the reference, only the put's own params choose what it does.
  const planOnly = Boolean(params.plan_only);
  // As the reference: every action but `destroy` applies.
  let action: 'apply' | 'destroy' = params.action === 'destroy' ? 'destroy' : 'apply';
  if (params.action && !['apply', 'destroy'].includes(params.action))
    log.warn(`params.action '${params.action}' is not destroy: applying (as the reference does)`);
  if (source.plan_only && !planOnly)
    log.warn(`source.plan_only has no effect (as in the reference): set plan_only in the put's params`);
  if (planOnly && config.plan_run)
    throw new ConfigError(`plan_only and plan_run exclude each other: plan in one put, apply in a later one`);
  if (planOnly && action === 'destroy') {
    log.warn(`params.plan_only wins over params.action: destroy (as in the reference): only a plan is made`);
    action = 'apply';
  }
  if (action === 'destroy' && config.plan_run) log.warn(`plan_run has no effect on action: destroy`);
  if (config.output_module !== undefined) log.warn(`output_module was removed in Terraform 0.12: ignored`);
  if (!config.terraform_source) throw new ConfigError(`missing required field 'params.terraform_source'`);
  const moduleDir = putPath(sources, config.terraform_source);
  if (!(await stat(moduleDir).catch(() => undefined))?.isDirectory())
    throw new ConfigError(
      `invalid 'params.terraform_source': '${config.terraform_source}' is not a directory`,
    );

  const binary = await findBinary(source.binary, env);
  const base = {
    binary,
    backendType: home.kind === 'storage' ? 'local' : home.backendType,
    backendConfig: config.backend_config ?? {},
    // As the reference documents it: relative to terraform_source (tofu's working directory).
    ...(config.plugin_dir ? { pluginDir: resolve(moduleDir, config.plugin_dir) } : {}),
    env,
    signal,
    log,
  };
  const planRun = action === 'apply' && Boolean(config.plan_run);
  const removeOverrides = await linkOverrides(
    sources,
    moduleDir,
    config.override_files,
    config.module_override_files,
  );
  let session: Session | undefined;
  let store: LegacyStorage | undefined;
  try {
    const legacy = storageRef(home);
    if (legacy) store = await LegacyStorage.open(legacy, log);
    session = await openSession({
      ...base,
      moduleDir,
      ...(config.private_key ? { privateKey: config.private_key } : {}),
      ...(config.env ? { userEnv: config.env } : {}),
      withoutTfVars: planRun,
    });
    const { tofu } = session;
    // A random name is new to the backend and to the legacy storage.
    const taken = async () => [
      ...(home.kind === 'storage' ? [] : await tofu.workspaces()),
      ...(store ? (await store.stateFiles()).map((file) => file.envName) : []),
    ];
    // The reference's storage namer takes params.env_name before generate_random_name.
    const { generate_random_name: _random, ...named } = params;
    const nameParams = home.kind === 'storage' && params.env_name ? named : params;
    const envName = await resolveEnvName(source, nameParams, sources, taken);
    if (!planRun) tofu.setEnv(buildVars(build, envName));
    const workspace = home.kind === 'storage' ? 'default' : workspaceFor(source, envName);
    const storage =
      store && home.kind === 'storage'
        ? await StoragePut.start(store, envName, session.statePath, log)
        : undefined;
    if (store && home.kind === 'backend')
      await migrateFromStorage({
        tofu,
        store,
        envName,
        workspace,
        tmp: session.tmp,
        log,
        keepCopy: action !== 'destroy',
      });
    const previousOutputs =
      storage && !planRun ? await storage.previousOutputsVarFile(tofu, session.tmp) : [];
    const run: PutRun = {
      source,
      config,
      planRun,
      session,
      tofu,
      envName,
      workspace,
      sources,
      varFiles: planRun
        ? []
        : [...previousOutputs, ...(await varFileArgs(config.vars, config.var_files, sources, session.tmp))],
      storeOptions: base,
      storage,
      log,
    };
    log.info(`environment '${envName}' (workspace '${run.workspace}')`);
    const { version, summary, outputs } =
      action === 'destroy' ? await destroy(run) : planOnly ? await plan(run) : await apply(run);
    const metadata: MetadataField[] = [
      ...outputMetadata(outputs),
      ...(config.summary_metadata ? summaryMetadata(summary) : []),
      { name: 'terraform_version', value: await tofu.version() },
    ];
    return { version, metadata };
  } finally {
    store?.close();
    await session?.close();
    await removeOverrides();
  }
}

interface PutResult {
  version: Version;
  summary: PlanSummary | undefined;
  outputs: Record<string, OutputValue>;
}

/** `-lock-timeout`, which the reference passes to plan, apply and destroy. */
const lockFlags = (config: TerraformConfig): string[] =>
  config.lock_timeout ? [`-lock-timeout=${config.lock_timeout}`] : [];

/** `import_files`: each address not yet in the state is imported with its id. */
async function runImports(run: PutRun): Promise<void> {
  const files = run.config.import_files ?? [];
  if (!files.length) return;
  const wanted: [string, string][] = [];
  for (const [index, file] of files.entries()) {
    const mapping = await readMapping(putPath(run.sources, file), `import_files[${index}]`);
    for (const [address, id] of Object.entries(mapping)) {
      if (typeof id !== 'string' && typeof id !== 'number')
        throw new ConfigError(`invalid 'import_files[${index}]': the id of '${address}' must be a string`);
      wanted.push([address, String(id)]);
    }
  }
  const present = new Set(await run.tofu.stateList());
  for (const [address, id] of wanted) {
    if (present.has(address)) {
      run.log.info(`${address} is already in the state: not importing`);
      continue;
    }
    const flags = ['-no-color', '-input=false', ...lockFlags(run.config)];
    await run.tofu.run(['import', ...flags, ...run.varFiles, address, id]);
  }
}

async function appliedResult(run: PutRun, summary: PlanSummary | undefined): Promise<PutResult> {
  if (run.storage)
    return { version: await run.storage.applied(), summary, outputs: await run.tofu.outputs() };
  await discardPlan(run.tofu, run.envName, await run.tofu.workspaces());
  await run.tofu.selectWorkspace(run.workspace, false);
  const state = await run.tofu.state();
  if (!state) throw new RemoteError(`workspace '${run.workspace}' has no state after the apply`);
  return {
    version: { env_name: run.envName, serial: String(state.serial), lineage: state.lineage },
    summary,
    outputs: await run.tofu.outputs(),
  };
}

async function apply(run: PutRun): Promise<PutResult> {
  const { tofu, config } = run;
  let planFile: string | undefined;
  if (run.planRun) {
    const plan = run.storage ? await run.storage.loadPlan() : (await loadBackendPlan(run)).plan;
    planFile = join(run.session.tmp, 'stored.tfplan');
    await writeFile(planFile, plan, { mode: 0o600 });
    run.log.info(`applying the stored plan ${planChecksum(plan).slice(0, 12)}`);
  }
  await tofu.selectWorkspace(run.workspace, true);
  if (!planFile) await runImports(run);
  const parallelism = config.parallelism ? [`-parallelism=${config.parallelism}`] : [];
  const args = [
    'apply',
    '-no-color',
    '-input=false',
    '-auto-approve',
    ...(planFile ? [] : run.varFiles),
    ...parallelism,
    ...lockFlags(config),
    ...(planFile && run.storage ? run.storage.stateArgs() : []),
    ...(planFile ? [planFile] : []),
  ];
  let output: string;
  try {
    output = (await tofu.run(args)).output;
  } catch (error) {
    if (error instanceof InterruptedError || !config.delete_on_failure) {
      await keepFailedState(run);
      throw error;
    }
    throw await destroyAfterFailure(run, error);
  }
  return appliedResult(run, summariseApplyOutput(output));
}

async function destroyAfterFailure(run: PutRun, failure: unknown): Promise<Error> {
  const reason = failure instanceof Error ? failure.message : String(failure);
  run.log.info(`apply failed; delete_on_failure is set: destroying environment '${run.envName}'`);
  try {
    await destroyWorkspace(run);
  } catch (error) {
    await keepFailedState(run);
    const destroyReason = error instanceof Error ? error.message : String(error);
    return new RemoteError(`${reason}; delete_on_failure: the destroy failed too: ${destroyReason}`, {
      cause: failure,
    });
  }
  await run.storage?.destroyed();
  return new RemoteError(`${reason}; delete_on_failure: environment '${run.envName}' was destroyed`, {
    cause: failure,
  });
}

/**
 * As the reference: imports, `destroy`, then deletes the workspace (never `default`) and any
 * stored plan. A workspace that does not exist is a warning (the reference fails to select it).
 */
async function destroyWorkspace(run: PutRun): Promise<PlanSummary | undefined> {
  const { tofu } = run;
  let summary: PlanSummary | undefined;
  if ((await tofu.workspaces()).includes(run.workspace)) {
    await tofu.selectWorkspace(run.workspace, false);
    await runImports(run);
    const args = ['destroy', '-no-color', '-input=false', '-auto-approve', ...lockFlags(run.config)];
    const result = await tofu.run([...args, ...run.varFiles]);
    summary = summariseApplyOutput(result.output);
    await tofu.deleteWorkspace(run.workspace);
  } else {
    run.log.warn(`workspace '${run.workspace}' does not exist: nothing to destroy`);
  }
  await discardPlan(tofu, run.envName, await tofu.workspaces());
  return summary;
}

/** The reference's destroy version: `{env_name, serial: ""}` (storage: with the time), and no outputs. */
async function destroy(run: PutRun): Promise<PutResult> {
  let summary: PlanSummary | undefined;
  try {
    summary = await destroyWorkspace(run);
  } catch (error) {
    await keepFailedState(run);
    throw error;
  }
  const version = run.storage ? await run.storage.destroyed() : { env_name: run.envName, serial: '' };
  return { version, summary, outputs: {} };
}

/** Storage mode: as the reference, a failed put's state goes to `<env>.tfstate.tainted`. */
async function keepFailedState(run: PutRun): Promise<void> {
  if (run.storage)
    run.log.warn(`IMPORTANT: ${await run.storage.failed()} for the next put or manual cleanup`);
}

async function loadBackendPlan(run: PutRun) {
  const stored = await loadPlan(run.tofu, run.envName, await run.tofu.workspaces());
  if (!stored)
    throw new ConfigError(
      `params.plan_run: no stored plan for environment '${run.envName}': run a put with plan_only: true first (a plan is discarded once applied)`,
    );
  return stored;
}

/** The reference's plan version: `{env_name, serial: "", plan_only: "true", plan_checksum}`, no outputs. */
async function plan(run: PutRun): Promise<PutResult> {
  const { tofu, config } = run;
  await tofu.selectWorkspace(run.workspace, true);
  await runImports(run);
  const planFile = join(run.session.tmp, 'new.tfplan');
  await tofu.run([
    'plan',
    '-no-color',
    '-input=false',
    `-out=${planFile}`,
    ...lockFlags(config),
    ...run.varFiles,
  ]);
  const bytes = await readFile(planFile);
  const json = await tofu.showPlanJson(planFile);
  const summary = summariseShowJson(json);
  const checksum = planChecksum(bytes);
  if (!run.storage)
    await storePlan(run.storeOptions, run.session.tmp, run.envName, { plan: bytes, json, checksum, summary });
  run.log.info(
    `plan ${checksum.slice(0, 12)} stored: ${summary.to_add} to add, ${summary.to_change} to change, ${summary.to_destroy} to destroy`,
  );
  const version: Version = run.storage
    ? await run.storage.storePlan(bytes)
    : { env_name: run.envName, serial: '', plan_only: 'true', plan_checksum: checksum };
  return { version, summary, outputs: {} };
}
