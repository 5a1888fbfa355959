// `hangar serve` and `hangar run --ui`: the web UI, API and /metrics over the state database.
// `serve` also schedules every pipeline in the state, as Concourse's web node does.
import type { PipelineRunner } from '../engine/pipeline-runner.js';
import { Scheduler } from '../engine/scheduler.js';
import { Hub, type EngineHooks } from '../web/hub.js';
import { startWebServer, WebConfigError, type WebServer } from '../web/server.js';
import { parse, type Parsed } from './args.js';
import { CliError, type CliIo } from './io.js';
import { localUsersFrom, signInOptions, workerFrom } from './serve-auth.js';
import { engineOptions, makeRunner, openSession, type Session } from './session.js';

export const webOptions = {
  bind: { type: 'string', default: '127.0.0.1' },
  port: { type: 'string', default: '8080' },
  ...signInOptions,
} as const;

export interface Ui {
  hooks: EngineHooks;
  /** The runner `hangar run` made with `hooks`, so the UI's actions use it. */
  adopt: (pipeline: string, runner: PipelineRunner) => void;
  /** Keeps serving until Ctrl-C, then closes. */
  serveUntilInterrupted: () => Promise<void>;
}

async function start(
  parsed: Parsed,
  session: Session,
  io: CliIo,
  serving = false,
): Promise<{ hub: Hub; web: WebServer }> {
  const port = Number(parsed.values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new CliError(`invalid --port '${String(parsed.values.port)}': expected 0-65535`);
  // runners for pipelines the UI acts on (all of them under serve); they print one line per build
  // start and end, not logs (the UI shows those)
  const hub = new Hub(session.store, (name, hooks) =>
    makeRunner(session, io, name, [], false, {
      ...hooks,
      onBuildFinished: (b, result) => {
        hooks.onBuildFinished(b, result);
        if (serving) io.stdout(`finished ${b.pipeline ?? ''}/${b.job ?? ''} #${b.name} ${b.status}\n`);
      },
    }),
  );
  let web: WebServer;
  try {
    web = await startWebServer({
      hub,
      host: String(parsed.values.bind),
      port,
      token: io.env.HANGAR_WEB_TOKEN || undefined,
      debug: io.env.HANGAR_DEBUG === '1',
      log: (line) => io.stderr(`${line}\n`),
      users: localUsersFrom(parsed, io),
      worker: workerFrom(parsed, session),
    });
  } catch (err) {
    if (err instanceof WebConfigError) throw new CliError(err.message);
    const code = (err as NodeJS.ErrnoException).code;
    if (code) throw new CliError(`cannot serve on ${String(parsed.values.bind)}:${port}: ${code}`);
    throw err;
  }
  io.stderr(`hangar: UI and API at ${web.url}\n`);
  if (!io.env.HANGAR_WEB_TOKEN)
    io.stderr(`hangar: to trigger, abort, check and pin, open ${web.signInUrl}\n`);
  return { hub, web };
}

/** Until SIGINT/SIGTERM: then `before` (the scheduler aborts its builds), then the server closes. */
function untilInterrupted(web: WebServer, io: CliIo, before?: () => Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      io.stderr(before ? '\nhangar: aborting running builds and stopping\n' : '\nhangar: stopping the UI\n');
      void Promise.resolve(before?.())
        .then(() => web.close())
        .then(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** For `hangar run --ui`: undefined without --ui. */
export async function startUi(parsed: Parsed, session: Session, io: CliIo): Promise<Ui | undefined> {
  if (parsed.values.ui !== true) return undefined;
  const { hub, web } = await start(parsed, session, io);
  return {
    hooks: hub.hooks,
    adopt: (name, runner) => hub.adopt(name, runner),
    serveUntilInterrupted: () => {
      io.stderr(`hangar: still serving ${web.url} (Ctrl-C to stop)\n`);
      return untilInterrupted(web, io);
    },
  };
}

export async function serveCommand(args: string[], io: CliIo): Promise<number> {
  const parsed = parse(args, { ...engineOptions, ...webOptions });
  if (parsed.positionals.length > 0)
    throw new CliError(`hangar serve: unexpected argument '${parsed.positionals[0]!}'`);
  // builds a previous serve (or run) left running are errored: this process schedules now
  const session = openSession(parsed, io, false, { runsBuilds: true });
  try {
    const { hub, web } = await start(parsed, session, io, true);
    // builds' ATC_EXTERNAL_URL and BUILD_URL point at this server unless told otherwise
    if (typeof parsed.values['external-url'] !== 'string')
      session.build.externalUrl = web.url.replace(/\/$/, '');
    const scheduler = new Scheduler({
      store: session.store,
      runnerFor: (name) => hub.runner(name),
      onError: (name, err) =>
        io.stderr(
          `hangar: pipeline ${name} is not scheduled: ${(err as Error).message.split('\n')[0] ?? ''}\n`,
        ),
    });
    hub.scheduler = scheduler;
    scheduler.start();
    await untilInterrupted(web, io, () => scheduler.stop());
    return 0;
  } finally {
    session.store.close();
  }
}
