// put: apply, plan (plan_only), apply a stored plan (plan_run) or destroy one environment.
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ConfigError,
  RemoteError,
  resolveInside,
  type MetadataField,
  type OutContext,
  type Version,
  type VersionResult,
} from '@hangar/resource-sdk';
import { mergeConfig, rejectLegacyStorage, requireBackend } from './config.js';
import { resolveEnvName } from './env-name.js';
import {
  outputMetadata,
  summariseApplyOutput,
  summariseShowJson,
  summaryMetadata,
  type PlanSummary,
} from './outputs.js';
import { linkOverrides } from './overrides.js';
import { discardPlan, loadPlan, planChecksum, storePlan } from './plan-store.js';
import { buildVars, openSession, type Session, type SessionOptions } from './session.js';
import type { PutParams, Source, TerraformConfig } from './source.js';
import { InterruptedError } from './tofu-process.js';
import { findBinary, type Tofu } from './tofu.js';
import { readMapping, varFileArgs } from './var-files.js';
import { workspaceFor } from './workspace.js';

interface PutRun {
  source: Source;
  config: TerraformConfig;
  session: Session;
  tofu: Tofu;
  envName: string;
  workspace: string;
  sources: string;
  /** `-var-file=` arguments in precedence order. */
  varFiles: string[];
  storeOptions: Omit<SessionOptions, 'moduleDir' | 'userEnv' | 'withoutTfVars'>;
  log: OutContext<Source, PutParams>['log'];
}

export async function out(context: OutContext<Source, PutParams>): Promise<VersionResult> {
  const { source, params, sources, log, signal, env, build } = context;
  rejectLegacyStorage(source);
  const config = mergeConfig(source, params);
  const backendType = requireBackend(config, 'params');
  const action = params.action ?? 'apply';
  if (config.plan_only && config.plan_run)
    throw new ConfigError(
      `params.plan_only and params.plan_run exclude each other: plan in one put, apply in a later one`,
    );
  if (action === 'destroy' && (config.plan_only || config.plan_run))
    throw new ConfigError(`params.action: destroy cannot be combined with plan_only or plan_run`);
  if (!config.terraform_source) throw new ConfigError(`missing required field 'params.terraform_source'`);
  const moduleDir = resolveInside(sources, config.terraform_source);
  if (!(await stat(moduleDir).catch(() => undefined))?.isDirectory())
    throw new ConfigError(
      `invalid 'params.terraform_source': '${config.terraform_source}' is not a directory`,
    );

  const binary = await findBinary(source.binary, env);
  const base = {
    binary,
    backendType,
    backendConfig: config.backend_config ?? {},
    ...(config.plugin_dir ? { pluginDir: resolveInside(sources, config.plugin_dir) } : {}),
    env,
    signal,
    log,
  };
  const removeOverrides = await linkOverrides(
    sources,
    moduleDir,
    config.override_files,
    config.module_override_files,
  );
  let session: Session | undefined;
  try {
    session = await openSession({
      ...base,
      moduleDir,
      ...(config.private_key ? { privateKey: config.private_key } : {}),
      ...(config.env ? { userEnv: config.env } : {}),
      withoutTfVars: Boolean(config.plan_run),
    });
    const { tofu } = session;
    const envName = await resolveEnvName(source, params, sources, () => tofu.workspaces());
    if (!config.plan_run) tofu.addDefaultEnv(buildVars(build, envName));
    const run: PutRun = {
      source,
      config,
      session,
      tofu,
      envName,
      workspace: workspaceFor(source, envName),
      sources,
      varFiles: config.plan_run ? [] : await varFileArgs(config.vars, config.var_files, sources, session.tmp),
      storeOptions: base,
      log,
    };
    log.info(`environment '${envName}' (workspace '${run.workspace}')`);
    const result =
      action === 'destroy' ? await destroy(run) : config.plan_only ? await plan(run) : await apply(run);
    result.metadata = [
      ...(result.metadata ?? []),
      { name: 'terraform_version', value: await tofu.version() },
    ];
    return result;
  } finally {
    await session?.close();
    await removeOverrides();
  }
}

function commonFlags(config: TerraformConfig): string[] {
  const flags = ['-no-color', '-input=false'];
  if (config.lock_timeout) flags.push(`-lock-timeout=${config.lock_timeout}`);
  if (config.parallelism) flags.push(`-parallelism=${config.parallelism}`);
  return flags;
}

/** `import_files`: each address not yet in the state is imported with its id. */
async function runImports(run: PutRun): Promise<void> {
  const files = run.config.import_files ?? [];
  if (!files.length) return;
  const wanted: [string, string][] = [];
  for (const [index, file] of files.entries()) {
    const mapping = await readMapping(resolveInside(run.sources, file), `import_files[${index}]`);
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
    const flags = ['-no-color', '-input=false'];
    if (run.config.lock_timeout) flags.push(`-lock-timeout=${run.config.lock_timeout}`);
    await run.tofu.run(['import', ...flags, ...run.varFiles, address, id]);
  }
}

async function appliedResult(run: PutRun, summary: PlanSummary | undefined): Promise<VersionResult> {
  await discardPlan(run.tofu, run.envName, await run.tofu.workspaces());
  await run.tofu.selectWorkspace(run.workspace, false);
  const state = await run.tofu.state();
  if (!state) throw new RemoteError(`workspace '${run.workspace}' has no state after the apply`);
  const outputs = await run.tofu.outputs();
  return {
    version: { env_name: run.envName, serial: String(state.serial), lineage: state.lineage },
    metadata: [...outputMetadata(outputs), ...summaryMetadata(summary)],
  };
}

async function apply(run: PutRun): Promise<VersionResult> {
  const { tofu, config } = run;
  let planFile: string | undefined;
  if (config.plan_run) {
    const stored = await loadPlan(tofu, run.envName, await tofu.workspaces());
    if (!stored)
      throw new ConfigError(
        `params.plan_run: no stored plan for environment '${run.envName}': run a put with plan_only: true first (a plan is discarded once applied)`,
      );
    planFile = join(run.session.tmp, 'stored.tfplan');
    await writeFile(planFile, stored.plan, { mode: 0o600 });
    run.log.info(`applying the stored plan ${stored.checksum.slice(0, 12)}`);
  }
  await tofu.selectWorkspace(run.workspace, true);
  if (!planFile) await runImports(run);
  const args = ['apply', ...commonFlags(config), '-auto-approve', ...(planFile ? [planFile] : run.varFiles)];
  let output: string;
  try {
    output = (await tofu.run(args)).output;
  } catch (error) {
    if (error instanceof InterruptedError || !config.delete_on_failure) throw error;
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
    const destroyReason = error instanceof Error ? error.message : String(error);
    return new RemoteError(`${reason}; delete_on_failure: the destroy failed too: ${destroyReason}`, {
      cause: failure,
    });
  }
  return new RemoteError(`${reason}; delete_on_failure: environment '${run.envName}' was destroyed`, {
    cause: failure,
  });
}

/** Destroys the workspace's resources, then the workspace (never `default`) and any stored plan. */
async function destroyWorkspace(run: PutRun): Promise<PlanSummary | undefined> {
  const { tofu } = run;
  let summary: PlanSummary | undefined;
  if ((await tofu.workspaces()).includes(run.workspace)) {
    await tofu.selectWorkspace(run.workspace, false);
    const result = await tofu.run(['destroy', ...commonFlags(run.config), '-auto-approve', ...run.varFiles]);
    summary = summariseApplyOutput(result.output);
    await tofu.deleteWorkspace(run.workspace);
  } else {
    run.log.info(`workspace '${run.workspace}' does not exist: nothing to destroy`);
  }
  await discardPlan(tofu, run.envName, await tofu.workspaces());
  return summary;
}

async function destroy(run: PutRun): Promise<VersionResult> {
  const summary = await destroyWorkspace(run);
  const version: Version = { env_name: run.envName, serial: '', destroyed: 'true' };
  return { version, metadata: summaryMetadata(summary) };
}

async function plan(run: PutRun): Promise<VersionResult> {
  const { tofu, config } = run;
  await tofu.selectWorkspace(run.workspace, true);
  await runImports(run);
  const planFile = join(run.session.tmp, 'new.tfplan');
  await tofu.run(['plan', ...commonFlags(config), `-out=${planFile}`, ...run.varFiles]);
  const bytes = await readFile(planFile);
  const json = await tofu.showPlanJson(planFile);
  const summary = summariseShowJson(json);
  const checksum = planChecksum(bytes);
  await storePlan(run.storeOptions, run.session.tmp, run.envName, { plan: bytes, json, checksum, summary });
  run.log.info(
    `plan ${checksum.slice(0, 12)} stored: ${summary.to_add} to add, ${summary.to_change} to change, ${summary.to_destroy} to destroy`,
  );
  // The outputs of what is applied now: a plan version never hides them.
  const state = await tofu.state();
  const applied = state && !state.empty ? state : undefined;
  const version: Version = { env_name: run.envName, serial: applied ? String(applied.serial) : '' };
  if (applied) version['lineage'] = applied.lineage;
  Object.assign(version, { plan_only: 'true', plan_checksum: checksum });
  const metadata: MetadataField[] = [...outputMetadata(await tofu.outputs()), ...summaryMetadata(summary)];
  return { version, metadata };
}
