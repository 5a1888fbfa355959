// The tofu/terraform CLI in one working directory with its own data dir and a clean environment.
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { ConfigError, ProtocolError, RemoteError, type Logger } from '@hangar/resource-sdk';
import { runProcess, type RunResult } from './tofu-process.js';

/** Tofu gets this long after SIGINT to stop and release its lock (Concourse kills at ~10s). */
export const ABORT_GRACE_MS = 8_000;

export interface OutputValue {
  value: unknown;
  sensitive: boolean;
  type?: unknown;
}

export interface StateInfo {
  serial: number;
  lineage: string;
}

export interface TofuOptions {
  binary: string;
  /** The root module: the working directory of every command. */
  dir: string;
  env: Record<string, string>;
  signal: AbortSignal;
  log: Logger;
  graceMs?: number;
  /** An init that fails only on installing providers is good enough (nothing will run them). */
  providersOptional?: boolean;
}

/** init's errors about installing providers, which leave the backend initialised. */
const PROVIDER_INSTALL_ERRORS = [
  'Failed to resolve provider packages',
  'Failed to query available provider packages',
  'Failed to install provider',
  'Invalid provider registry host',
];

export interface CommandOptions {
  captureStdout?: boolean;
  allowFailure?: boolean;
  /** Keep the output out of the build log unless the command fails. */
  quiet?: boolean;
}

export class Tofu {
  constructor(private readonly options: TofuOptions) {}

  get binary(): string {
    return this.options.binary;
  }

  /** Sets variables in the environment of later commands, over the user's `env` (as the reference does). */
  setEnv(vars: Record<string, string>): void {
    Object.assign(this.options.env, vars);
  }

  async run(args: readonly string[], command: CommandOptions = {}): Promise<RunResult> {
    const { log } = this.options;
    const held: string[] = [];
    try {
      return await runProcess({
        command: this.options.binary,
        args,
        cwd: this.options.dir,
        env: this.options.env,
        signal: this.options.signal,
        graceMs: this.options.graceMs ?? ABORT_GRACE_MS,
        onLine: (line) => (command.quiet ? held.push(line) : log.info(line)),
        ...(command.captureStdout ? { captureStdout: true } : {}),
        ...(command.allowFailure ? { allowFailure: true } : {}),
      });
    } catch (error) {
      for (const line of held) log.info(line);
      throw error;
    }
  }

  async init(backendConfigFile: string, pluginDir?: string): Promise<void> {
    const args = ['init', '-no-color', '-input=false', '-get=true', `-backend-config=${backendConfigFile}`];
    if (pluginDir) args.push(`-plugin-dir=${pluginDir}`);
    try {
      await this.run(args, { quiet: true });
    } catch (error) {
      // Like the reference: the default workspace's state may name providers that cannot be
      // installed here, which fails init after the backend is set up; reading states needs none.
      const message = error instanceof Error ? error.message : '';
      if (!this.options.providersOptional || !PROVIDER_INSTALL_ERRORS.some((text) => message.includes(text)))
        throw error;
      this.options.log.info(`(a state names providers that cannot be installed: reading states needs none)`);
    }
  }

  async workspaces(): Promise<string[]> {
    const { stdout } = await this.run(['workspace', 'list', '-no-color'], { captureStdout: true });
    return stdout
      .split('\n')
      .map((line) => line.replace(/^\*/, '').trim())
      .filter(Boolean);
  }

  async selectWorkspace(name: string, create: boolean): Promise<void> {
    const args = ['workspace', 'select', '-no-color'];
    if (create) args.push('-or-create');
    await this.run([...args, name], { quiet: true });
  }

  /** Deletes a workspace (never `default`), switching away from it first. */
  async deleteWorkspace(name: string): Promise<void> {
    if (name === 'default') return;
    await this.selectWorkspace('default', false);
    await this.run(['workspace', 'delete', '-no-color', '-force', name], { quiet: true });
  }

  /** Serial and lineage of the selected workspace's state; undefined when it has none. */
  async state(): Promise<StateInfo | undefined> {
    const raw = await this.statePull();
    if (!raw.trim()) return undefined;
    const state = parseJson(raw, 'state pull') as { serial?: unknown; lineage?: unknown };
    if (typeof state.serial !== 'number' || typeof state.lineage !== 'string')
      throw new RemoteError('the state has no serial or lineage: is it a tofu/terraform state?');
    return { serial: state.serial, lineage: state.lineage };
  }

  /** The raw state (holds secrets: never logged). */
  async statePull(): Promise<string> {
    return (await this.run(['state', 'pull'], { captureStdout: true })).stdout;
  }

  async outputs(): Promise<Record<string, OutputValue>> {
    const { stdout } = await this.run(['output', '-no-color', '-json'], { captureStdout: true });
    if (!stdout.trim()) return {};
    return parseJson(stdout, 'output -json') as Record<string, OutputValue>;
  }

  /** The addresses in the state; none when there is no state yet (`state list` fails on the local backend then). */
  async stateList(): Promise<string[]> {
    if (!(await this.statePull()).trim()) return [];
    const { stdout } = await this.run(['state', 'list', '-no-color'], { captureStdout: true });
    return stdout.split('\n').filter(Boolean);
  }

  /** What `-v` prints, trimmed (the reference's `terraform_version`), e.g. `OpenTofu v1.12.6\non linux_amd64`. */
  async version(): Promise<string> {
    const { stdout } = await this.run(['-v'], { captureStdout: true });
    return stdout.trim();
  }

  async showPlanJson(planFile: string): Promise<string> {
    return (await this.run(['show', '-no-color', '-json', planFile], { captureStdout: true })).stdout;
  }
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ProtocolError(`could not parse the JSON of '${what}'`, { cause: error });
  }
}

/** Finds `tofu` or `terraform` on the PATH the resource was given. */
export async function findBinary(
  name: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<string> {
  for (const dir of (env['PATH'] ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // keep looking
    }
  }
  throw new ConfigError(
    name === 'tofu'
      ? `'tofu' is not on PATH: the resource image ships OpenTofu; a custom image must provide it`
      : `invalid 'source.binary': 'terraform' is not on PATH (the image ships OpenTofu; use a custom image that adds terraform)`,
  );
}
