// `hangar execute`: fly execute on this machine. `-c task.yml` runs one task with local inputs
// (`-i`, or the current directory when its name is an input), inputs of a job (`-j P/J`), extra
// args after `--`, and copies `-o` outputs out even when the task fails. `--job P J` runs a whole job.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { runBuild } from '../engine/build-runner.js';
import { inputSpecs, resolveInputs } from '../engine/inputs.js';
import { PipelineRunner } from '../engine/pipeline-runner.js';
import { parseTaskFile } from '../model/steps.js';
import { copyArtifact } from '../steps/artifact-files.js';
import { oneOffStep } from '../steps/one-off.js';
import type { PipelineRef, ResolvedInput } from '../steps/context.js';
import { resolveStaticVars } from '../steps/runtime-vars.js';
import { parse, staticVarsFrom } from './args.js';
import { CliError, type CliIo } from './io.js';
import { exitCodeFor } from './render.js';
import { engineOptions, makeRunner, onInterrupt, openSession, pipelineFor } from './session.js';
import { uploadInput } from './upload.js';

function pairList(values: unknown, flag: string): [string, string][] {
  return ((values as string[] | undefined) ?? []).map((text) => {
    const eq = text.indexOf('=');
    if (eq <= 0) throw new CliError(`invalid ${flag} '${text}': expected name=path`);
    return [text.slice(0, eq), text.slice(eq + 1)];
  });
}

export async function executeCommand(args: string[], io: CliIo): Promise<number> {
  const dashdash = args.indexOf('--');
  const own = dashdash >= 0 ? args.slice(0, dashdash) : args;
  const extraArgs = dashdash >= 0 ? args.slice(dashdash + 1) : [];
  const { 'instance-var': _instance, ...options } = engineOptions;
  const parsed = parse(own, {
    ...options,
    config: { type: 'string', short: 'c' },
    input: { type: 'string', short: 'i', multiple: true },
    output: { type: 'string', short: 'o', multiple: true },
    'inputs-from': { type: 'string', short: 'j' },
    'include-ignored': { type: 'boolean' },
    job: { type: 'boolean' },
  });
  if (parsed.values.job === true) return executeJob(parsed, io);
  const configFile = parsed.values.config;
  if (typeof configFile !== 'string') throw new CliError('hangar execute: -c/--config TASK.yml is required');
  // -i is the input flag here (as in fly execute), so instance vars are not offered.
  const vars = await staticVarsFrom(parsed);
  let data: unknown;
  try {
    data = resolveStaticVars(
      parseYaml(await readFile(configFile, 'utf8'), { version: '1.1' }) as unknown,
      vars,
    );
  } catch (err) {
    throw new CliError(`could not read task config ${configFile}: ${(err as Error).message.split('\n')[0]}`);
  }
  const parsedTask = parseTaskFile(data);
  const unknown = parsedTask.unknown;
  let config = parsedTask.config;
  if (extraArgs.length > 0 && config.run && typeof config.run === 'object') {
    const base = Array.isArray(config.run.args) ? config.run.args : [];
    config = { ...config, run: { ...config.run, args: [...base, ...extraArgs] } };
  }
  if (unknown.length > 0) throw new CliError(`${configFile}: unknown fields: [${unknown.join(' ')}]`);
  const inputNames = (config.inputs ?? []).map((i) => i.name ?? '');
  const outputNames = (config.outputs ?? []).map((o) => o.name ?? '');
  const given = new Map(pairList(parsed.values.input, '-i'));
  const outputs = pairList(parsed.values.output, '-o');
  for (const name of given.keys())
    if (!inputNames.includes(name)) throw new CliError(`unknown input \`${name}\``);
  for (const [name] of outputs)
    if (!outputNames.includes(name)) throw new CliError(`unknown output \`${name}\``);
  const cwdName = basename(process.cwd());
  if (inputNames.includes(cwdName) && !given.has(cwdName)) given.set(cwdName, process.cwd());

  const session = openSession(parsed, io, false);
  const staging = await mkdtemp(join(tmpdir(), 'hangar-execute-'));
  try {
    let pipeline: PipelineRef | undefined;
    const gets: { name: string; resource: string }[] = [];
    const inputs = new Map<string, ResolvedInput>();
    const from = parsed.values['inputs-from'];
    if (typeof from === 'string') {
      const [pName, jName] = from.split('/', 2);
      if (!pName || !jName) throw new CliError(`invalid -j '${from}': expected PIPELINE/JOB`);
      const name = await pipelineFor(session, parsed, pName, 'execute');
      const runner = new PipelineRunner({
        store: session.store,
        runtime: session.runtime,
        stateDir: session.stateDir,
        pipelineName: name,
        build: session.build,
      });
      const job = runner.pipeline.jobs.find((j) => j.name === jName);
      if (!job) throw new CliError(`job '${jName}' not found in pipeline '${name}'`);
      const specs = inputSpecs(session.store, runner.pipelineId, runner.pipeline, job);
      const resolution = resolveInputs(session.store, session.store.jobId(runner.pipelineId, jName), specs);
      if (!resolution.ok) throw new CliError(`job ${jName}: ${resolution.input}: ${resolution.error}`);
      pipeline = { id: runner.pipelineId, name, pipeline: runner.pipeline };
      for (const spec of specs) {
        if (!inputNames.includes(spec.name) || given.has(spec.name)) continue;
        const r = resolution.inputs.get(spec.name)!;
        inputs.set(spec.name, { ...r, version: session.store.version(r.versionId).version });
        gets.push({ name: spec.name, resource: spec.resource });
      }
    }
    const artifacts = new Map<string, string>();
    for (const [name, path] of given) {
      const dest = join(staging, name);
      await uploadInput(resolve(path), dest, parsed.values['include-ignored'] === true);
      artifacts.set(name, dest);
    }
    for (const input of config.inputs ?? []) {
      const name = input.name ?? '';
      if (input.optional !== true && !artifacts.has(name) && !inputs.has(name)) {
        throw new CliError(`missing required input \`${name}\``);
      }
    }
    const env = Object.fromEntries(
      Object.keys(config.params ?? {}).flatMap((k) => (io.env[k] === undefined ? [] : [[k, io.env[k]]])),
    );
    const step = oneOffStep({ config, params: Object.keys(env).length > 0 ? env : undefined }, gets);
    const build = session.store.createOneOffBuild(pipeline?.id ?? null);
    session.renderer.buildStarted(build);
    io.stdout(`executing build ${build.id} at ${session.build.externalUrl}/builds/${build.id}\n`);
    const abort = new AbortController();
    const kill = new AbortController();
    const remove = onInterrupt(
      io,
      () => abort.abort(),
      () => kill.abort(),
    );
    try {
      const result = await runBuild({
        store: session.store,
        runtime: session.runtime,
        stateDir: session.stateDir,
        options: session.build,
        pipeline,
        job: undefined,
        build,
        inputs,
        listeners: [(id, e) => session.renderer.event(id, e)],
        step,
        abort: abort.signal,
        kill: kill.signal,
        artifacts,
        afterPlan: async (scope) => {
          for (const [name, path] of outputs) {
            const dir = scope.artifact(name);
            if (dir === undefined) continue;
            await copyArtifact(dir, resolve(path));
            io.stderr(`output ${name} copied to ${path}\n`);
          }
        },
      });
      // execute's task runs without caches (one-off); the engine skips them because there is no job.
      return exitCodeFor(result.status, result.lastTaskExit);
    } finally {
      remove();
    }
  } finally {
    session.store.close();
    await rm(staging, { recursive: true, force: true });
  }
}

/** `hangar execute --job PIPELINE JOB`: one build of the whole job, its inputs resolved now. */
async function executeJob(parsed: ReturnType<typeof parse>, io: CliIo): Promise<number> {
  const [pipelineArg, jobName] = parsed.positionals;
  if (jobName === undefined)
    throw new CliError('hangar execute --job: usage: hangar execute --job PIPELINE JOB');
  const session = openSession(parsed, io, false);
  try {
    const name = await pipelineFor(session, parsed, pipelineArg, 'execute');
    const runner = makeRunner(session, io, name);
    const build = await runner.trigger(jobName).catch((err: unknown) => {
      throw new CliError((err as Error).message);
    });
    const remove = onInterrupt(
      io,
      () => runner.abort(),
      () => runner.kill(),
    );
    try {
      const result = await runner.runBuildToEnd(build.id).catch((err: unknown) => {
        throw new CliError((err as Error).message);
      });
      return exitCodeFor(result.status, result.lastTaskExit);
    } finally {
      remove();
    }
  } finally {
    session.store.close();
  }
}
