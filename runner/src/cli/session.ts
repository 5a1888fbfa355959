// What the engine commands share: flags, the state directory, the pipeline (a file to set, or a
// name already in the state), the host runtime, the log renderer and Ctrl-C handling.
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { PipelineConfigError, pipelineNameFor, setPipelineFromFile } from '../engine/state.js';
import type { BuildEvent } from '../engine/events.js';
import { PipelineRunner } from '../engine/pipeline-runner.js';
import { ResourceTypeRegistry } from '../runtime/registry.js';
import type { Runtime } from '../runtime/runtime.js';
import type { BuildOptions } from '../steps/context.js';
import type { Store } from '../store/store.js';
import type { EngineHooks } from '../web/hub.js';
import { staticVarsFrom, type Parsed } from './args.js';
import { CliError, type CliIo } from './io.js';
import { openStateDir } from './engine-options.js';
import { LogRenderer } from './render.js';
import { createRuntime } from './runtime-flags.js';

export { engineOptions } from './engine-options.js';

export interface Session {
  store: Store;
  stateDir: string;
  runtime: Runtime;
  build: BuildOptions;
  renderer: LogRenderer;
  interrupted: number;
}

function pairs(values: unknown, flag: string): [string, string][] {
  const list = Array.isArray(values) ? values : values === undefined ? [] : [values];
  return list.map((v) => {
    const text = String(v);
    const eq = text.indexOf('=');
    if (eq <= 0) throw new CliError(`invalid --${flag} '${text}': expected name=path`);
    return [text.slice(0, eq), text.slice(eq + 1)];
  });
}

/** `runsBuilds`: `run`, `trigger` and `serve` claim the state (see openState). */
export function openSession(
  parsed: Parsed,
  io: CliIo,
  prefixes: boolean,
  { runsBuilds = false, existing = false } = {},
): Session {
  const { store, stateDir, interrupted } = openStateDir(parsed, io, { claim: runsBuilds, existing });
  const registry = new ResourceTypeRegistry();
  for (const [type, path] of pairs(parsed.values['resource-type'], 'resource-type')) {
    registry.register(
      type,
      path.endsWith('.js') || path.endsWith('.mjs') ? [process.execPath, resolve(path)] : [resolve(path)],
    );
  }
  const overrides = new Map<string, string>();
  for (const [name, path] of pairs(parsed.values.override, 'override')) {
    const dir = resolve(path);
    if (!existsSync(dir) || !statSync(dir).isDirectory())
      throw new CliError(`--override ${name}: ${path} is not a directory`);
    overrides.set(name, dir);
  }
  const color = parsed.values['no-color'] !== true && io.env.NO_COLOR === undefined && io.env.TERM !== 'dumb';
  return {
    store,
    stateDir,
    runtime: createRuntime(parsed, registry, stateDir),
    build: {
      noCache: parsed.values['no-cache'] === true,
      overrides,
      externalUrl:
        typeof parsed.values['external-url'] === 'string'
          ? parsed.values['external-url']
          : 'http://127.0.0.1:8080',
    },
    renderer: new LogRenderer(io.stdout, { color, timestamps: parsed.values.timestamps === true, prefixes }),
    interrupted,
  };
}

/** PIPELINE is a YAML file (set into the state under -p or its base name) or a pipeline's name. */
export async function pipelineFor(
  session: Session,
  parsed: Parsed,
  arg: string | undefined,
  command: string,
): Promise<string> {
  if (arg === undefined) throw new CliError(`hangar ${command}: missing PIPELINE (a pipeline file or name)`);
  const explicit = typeof parsed.values.pipeline === 'string' ? parsed.values.pipeline : undefined;
  if (existsSync(arg) && statSync(arg).isFile()) {
    const name = explicit ?? pipelineNameFor(arg);
    try {
      await setPipelineFromFile(session.store, arg, name, await staticVarsFrom(parsed));
    } catch (err) {
      if (err instanceof PipelineConfigError) throw new CliError(err.message);
      throw err;
    }
    return name;
  }
  if (!session.store.pipeline(arg))
    throw new CliError(`pipeline '${arg}' not found (no such file, and not in the state)`);
  return arg;
}

export function makeRunner(
  session: Session,
  io: CliIo,
  pipelineName: string,
  jobs: string[] = [],
  showLogs = true,
  hooks?: EngineHooks,
): PipelineRunner {
  const { listener, ...callbacks } = hooks ?? {};
  return new PipelineRunner({
    ...callbacks,
    store: session.store,
    runtime: session.runtime,
    stateDir: session.stateDir,
    pipelineName,
    build: session.build,
    jobs,
    listeners: [
      ...(showLogs ? [(id: number, e: BuildEvent) => session.renderer.event(id, e)] : []),
      ...(listener ? [listener] : []),
    ],
    onMessage: (t) => io.stderr(t),
    onBuildStarted: (b) => {
      hooks?.onBuildStarted(b);
      session.renderer.buildStarted(b);
      io.stdout(session.renderer.paint('bold', `started ${b.pipeline ?? ''}/${b.job ?? ''} #${b.name}\n`));
    },
  });
}

/** First Ctrl-C aborts (hooks run), the second exits with status 2. Returns the remover. */
export function onInterrupt(io: CliIo, abort: () => void, kill: () => void): () => void {
  let count = 0;
  const handler = (): void => {
    count++;
    if (count === 1) {
      io.stderr('\ninterrupted: aborting running builds (Ctrl-C again to exit)\n');
      abort();
    } else {
      kill();
      io.stderr('\nexiting\n');
      process.exit(2);
    }
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
