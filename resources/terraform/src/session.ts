// A prepared tofu working directory: backend files, a private data dir, a clean environment.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BuildMetadata, Logger } from '@hangar/resource-sdk';
import { startSshAgent, type SshAgent } from './ssh-agent.js';
import { Tofu } from './tofu.js';

/** The file we add to the user's root module so that tofu uses the configured backend. */
export const BACKEND_OVERRIDE_FILE = 'hangar_backend_override.tf.json';

export interface SessionOptions {
  binary: string;
  /** `local` (the legacy storage mode): the state is the file `Session.statePath`. */
  backendType: string;
  backendConfig: Record<string, unknown>;
  /** The user's root module; without it an empty module in the temp dir (check, get). */
  moduleDir?: string;
  pluginDir?: string;
  privateKey?: string;
  /** `env` from the configuration: applied last, so it wins. */
  userEnv?: Record<string, string>;
  /** Leave out every TF_VAR_* (a saved plan carries its own values). */
  withoutTfVars?: boolean;
  env: Readonly<Record<string, string | undefined>>;
  signal: AbortSignal;
  log: Logger;
  graceMs?: number;
}

export interface Session {
  tofu: Tofu;
  /** Private scratch space, removed on close. */
  tmp: string;
  /** The state file of the `local` backend. */
  statePath: string;
  close(): Promise<void>;
}

/**
 * The environment of every tofu command: the resource's own minus anything `TF_*` (a CLI config,
 * log level or workspace of the host must not leak in), plus automation settings, an empty CLI
 * config (no plugin cache, no credentials helpers), then the user's `env`.
 */
export function tofuEnvironment(
  base: Readonly<Record<string, string | undefined>>,
  settings: { dataDir: string; cliConfig: string; extra: Record<string, string> },
  options: Pick<SessionOptions, 'userEnv' | 'withoutTfVars'>,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base))
    if (value !== undefined && !key.startsWith('TF_')) env[key] = value;
  Object.assign(env, {
    CHECKPOINT_DISABLE: '1',
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    TF_DATA_DIR: settings.dataDir,
    TF_CLI_CONFIG_FILE: settings.cliConfig,
    ...settings.extra,
    ...options.userEnv,
  });
  if (options.withoutTfVars)
    for (const key of Object.keys(env)) if (key.startsWith('TF_VAR_')) delete env[key];
  return env;
}

export async function openSession(options: SessionOptions): Promise<Session> {
  const tmp = await mkdtemp(join(tmpdir(), 'hangar-terraform-'));
  const cleanups: (() => Promise<void>)[] = [() => rm(tmp, { recursive: true, force: true })];
  const close = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  try {
    const moduleDir = options.moduleDir ?? join(tmp, 'module');
    const backendBlock = JSON.stringify({ terraform: { backend: { [options.backendType]: {} } } }, null, 2);
    if (options.moduleDir) {
      const overridePath = join(moduleDir, BACKEND_OVERRIDE_FILE);
      await writeFile(overridePath, backendBlock);
      cleanups.push(() => rm(overridePath, { force: true }));
    } else {
      await mkdir(moduleDir, { recursive: true });
      await writeFile(join(moduleDir, 'backend.tf.json'), backendBlock);
    }
    const statePath = join(tmp, 'terraform.tfstate');
    const backendConfig = options.backendType === 'local' ? { path: statePath } : options.backendConfig;
    const backendFile = join(tmp, 'backend-config.json');
    await writeFile(backendFile, JSON.stringify(backendConfig), { mode: 0o600 });
    const cliConfig = join(tmp, 'cli.tfrc');
    await writeFile(cliConfig, '');

    const extra: Record<string, string> = {};
    if (options.privateKey) {
      const agent: SshAgent = await startSshAgent(options.privateKey, tmp, options.env);
      cleanups.push(() => agent.stop());
      Object.assign(extra, agent.env);
    }
    const env = tofuEnvironment(options.env, { dataDir: join(tmp, 'data'), cliConfig, extra }, options);
    const tofu = new Tofu({
      binary: options.binary,
      dir: moduleDir,
      env,
      signal: options.signal,
      log: options.log,
      // check and get read states only: providers a state names are not needed (as the reference).
      providersOptional: !options.moduleDir,
      ...(options.graceMs === undefined ? {} : { graceMs: options.graceMs }),
    });
    await tofu.init(backendFile, options.pluginDir);
    return { tofu, tmp, statePath, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * TF_VAR_build_* from Concourse's build metadata and TF_VAR_env_name, set as the reference sets them
 * (empty when Concourse gives none, e.g. a one-off build's job name), plus our TF_VAR_build_url.
 */
export function buildVars(build: BuildMetadata, envName: string): Record<string, string> {
  const vars: Record<string, string> = {
    TF_VAR_build_id: build.id ?? '',
    TF_VAR_build_name: build.name ?? '',
    TF_VAR_build_job_name: build.jobName ?? '',
    TF_VAR_build_pipeline_name: build.pipelineName ?? '',
    TF_VAR_build_team_name: build.teamName ?? '',
    TF_VAR_atc_external_url: build.atcExternalUrl ?? '',
    TF_VAR_env_name: envName,
  };
  if (build.url) vars['TF_VAR_build_url'] = build.url;
  return vars;
}
