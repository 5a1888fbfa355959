// `hangar run`, `trigger`, `check`, `watch`: fly's commands against the local state (`builds` is
// in builds.ts).
import { setTimeout as delay } from 'node:timers/promises';
import { worstStatus } from '../engine/pipeline-runner.js';
import type { BuildEvent } from '../engine/events.js';
import { finishedStatuses } from '../store/store.js';
import { parse } from './args.js';
import { CliError, type CliIo } from './io.js';
import { exitCodeFor, summaryTable } from './render.js';
import { startUi, webOptions } from './serve.js';
import { engineOptions, makeRunner, onInterrupt, openSession, pipelineFor } from './session.js';

export async function runCommand(args: string[], io: CliIo): Promise<number> {
  const parsed = parse(args, {
    ...engineOptions,
    job: { type: 'string', short: 'j', multiple: true },
    watch: { type: 'boolean', short: 'w' },
    'dry-run': { type: 'boolean', short: 'n' },
    ui: { type: 'boolean' },
    ...webOptions,
  });
  const session = openSession(parsed, io, true, { runsBuilds: true });
  try {
    const name = await pipelineFor(session, parsed, parsed.positionals[0], 'run');
    // like fly set-pipeline + unpause-pipeline
    if (parsed.values['dry-run'] !== true)
      session.store.setPipelinePaused(session.store.pipeline(name)!.id, false);
    const jobs = (parsed.values.job as string[] | undefined) ?? [];
    const ui = await startUi(parsed, session, io);
    const runner = makeRunner(session, io, name, jobs, true, ui?.hooks);
    ui?.adopt(name, runner);
    for (const j of jobs)
      if (!runner.pipeline.jobs.some((x) => x.name === j)) throw new CliError(`unknown job '${j}'`);
    if (parsed.values['dry-run'] === true) {
      await runner.checkAll();
      io.stdout(`pipeline ${name}: scheduler decisions (nothing is run)\n`);
      for (const d of runner.decide()) {
        io.stdout(`  ${d.job}: ${d.action}\n`);
        if (d.resolution.ok) {
          for (const [input, r] of d.resolution.inputs) {
            io.stdout(`    ${input}: ${JSON.stringify(session.store.version(r.versionId).version)}\n`);
          }
        }
      }
      return 0;
    }
    const first = session.store.builds({}).at(0)?.id ?? 0;
    const remove = onInterrupt(
      io,
      () => runner.abort(),
      () => runner.kill(),
    );
    try {
      await (parsed.values.watch === true ? runner.watch() : runner.runUntilIdle());
    } finally {
      remove();
    }
    const ran = session.store
      .builds({ pipelineId: runner.pipelineId })
      .filter((b) => b.id > first)
      .reverse();
    const finished = ran.filter((b) => finishedStatuses.includes(b.status));
    const failingChecks = runner.failingChecks();
    if (ran.length === 0 && failingChecks.length > 0) {
      throw new CliError(
        `nothing ran: the check of ${failingChecks.join(', ')} errored (its error is above)`,
      );
    }
    if (ran.length === 0) io.stdout('nothing to run: no job has a new triggering version\n');
    else io.stdout(`\n${summaryTable(ran)}`);
    for (const b of runner.pendingBuilds())
      io.stderr(`still pending: ${b.job ?? ''} #${b.name} (inputs not satisfiable)\n`);
    await ui?.serveUntilInterrupted();
    const worst = worstStatus(finished.map((b) => b.status));
    const last = [...runner.results.entries()].filter(([, r]) => r.status === worst).at(-1)?.[1];
    return exitCodeFor(worst, last?.lastTaskExit);
  } finally {
    session.store.close();
  }
}

export async function triggerCommand(args: string[], io: CliIo): Promise<number> {
  const parsed = parse(args, { ...engineOptions, watch: { type: 'boolean', short: 'w' } });
  let [pipelineArg, jobName] = parsed.positionals;
  if (jobName === undefined && pipelineArg?.includes('/')) [pipelineArg, jobName] = pipelineArg.split('/', 2);
  if (jobName === undefined) throw new CliError('hangar trigger: usage: hangar trigger PIPELINE JOB [-w]');
  const session = openSession(parsed, io, false, { runsBuilds: true });
  try {
    const name = await pipelineFor(session, parsed, pipelineArg, 'trigger');
    // without -w only the start and the result are printed (the build still runs here)
    const runner = makeRunner(session, io, name, [], parsed.values.watch === true);
    let build;
    try {
      build = await runner.trigger(jobName);
    } catch (err) {
      throw new CliError((err as Error).message);
    }
    const remove = onInterrupt(
      io,
      () => runner.abort(),
      () => runner.kill(),
    );
    try {
      const result = await runner.runBuildToEnd(build.id);
      const row = session.store.build(build.id);
      io.stdout(`${row.pipeline ?? ''}/${row.job ?? ''} #${row.name} ${row.status}\n`);
      return exitCodeFor(result.status, result.lastTaskExit);
    } catch (err) {
      throw new CliError((err as Error).message);
    } finally {
      remove();
    }
  } finally {
    session.store.close();
  }
}

export async function checkCommand(args: string[], io: CliIo): Promise<number> {
  const parsed = parse(args, { ...engineOptions, from: { type: 'string', short: 'f', multiple: true } });
  let [pipelineArg, resource] = parsed.positionals;
  if (resource === undefined && pipelineArg?.includes('/'))
    [pipelineArg, resource] = pipelineArg.split('/', 2);
  if (resource === undefined)
    throw new CliError('hangar check: usage: hangar check PIPELINE RESOURCE [--from k:v]');
  const session = openSession(parsed, io, false);
  try {
    const name = await pipelineFor(session, parsed, pipelineArg, 'check');
    const runner = makeRunner(session, io, name);
    let from: Record<string, string> | undefined;
    for (const f of (parsed.values.from as string[] | undefined) ?? []) {
      const colon = f.indexOf(':');
      if (colon <= 0) throw new CliError(`invalid --from '${f}': expected key:value`);
      (from ??= {})[f.slice(0, colon)] = f.slice(colon + 1);
    }
    io.stdout(`checking ${name}/${resource}\n`);
    let outcome;
    try {
      outcome = await runner.check(resource, from);
    } catch (err) {
      throw new CliError((err as Error).message);
    }
    if (outcome.error) {
      io.stdout('errored\n');
      return 1;
    }
    const latest = session.store.latestVersion(session.store.resourceId(runner.pipelineId, resource));
    io.stdout(
      `succeeded: ${outcome.newVersions} new version(s)${latest ? `, latest ${JSON.stringify(latest.version)}` : ''}\n`,
    );
    return 0;
  } finally {
    session.store.close();
  }
}

export async function watchCommand(args: string[], io: CliIo): Promise<number> {
  const parsed = parse(args, { ...engineOptions, build: { type: 'string', short: 'b' } });
  const session = openSession(parsed, io, false, { existing: true });
  try {
    const arg = typeof parsed.values.build === 'string' ? parsed.values.build : parsed.positionals[0];
    const build =
      arg === undefined ? session.store.builds({ limit: 1 })[0] : session.store.build(Number(arg));
    if (!build) throw new CliError('no builds yet');
    session.renderer.buildStarted(build);
    let seen = 0;
    let lastTaskExit: number | undefined;
    for (;;) {
      const events = session.store.events(build.id) as BuildEvent[];
      for (const e of events.slice(seen)) {
        session.renderer.event(build.id, e);
        if (e.event === 'finish-task' && typeof e.data.exit_status === 'number')
          lastTaskExit = e.data.exit_status;
      }
      seen = events.length;
      const status = session.store.build(build.id).status;
      if (finishedStatuses.includes(status)) return exitCodeFor(status, lastTaskExit);
      await delay(200);
    }
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError((err as Error).message);
  } finally {
    session.store.close();
  }
}
