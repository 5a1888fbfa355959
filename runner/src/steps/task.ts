// `task`: resolve the config (inline or `file:`, step vars, params, runtime vars), lay out a work
// directory the way Concourse lays out a task container (inputs copied, outputs created, an output
// at an input's path reusing it, caches), run `run.path` through the runtime (a container from the
// task's image on the oci runtime, a local process on the host runtime, which warns once per task
// that it ignores the image), register outputs even when the task failed.
import { createHash } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { isAbsolute, join, normalize } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { LineBuffer } from '../engine/line-buffer.js';
import { parseTaskFile } from '../model/steps.js';
import type { TaskConfig, TaskStep } from '../model/types.js';
import { taskConfigErrors } from '../model/validate.js';
import { copyArtifact, stepDir } from './artifact-files.js';
import { readArtifactFile } from './artifact-path.js';
import { taskEnv } from './build-env.js';
import type { BuildContext, StepState } from './context.js';
import { StepError } from './errors.js';
import { resolveVars, resolveStaticVars } from './runtime-vars.js';
import { resourceTypesOf } from './resource-call.js';
import { containerLimits, taskImage } from './task-image.js';

export async function loadTaskConfig(
  step: TaskStep,
  ctx: BuildContext,
  state: StepState,
): Promise<TaskConfig> {
  let config: TaskConfig;
  if (step.config) {
    config = step.config;
  } else if (step.file !== undefined) {
    const text = await readArtifactFile(state.scope, step.file, 'task config');
    let data: unknown;
    try {
      data = parseYaml(text, { version: '1.1' }) as unknown;
    } catch (err) {
      throw new StepError(`invalid task config '${step.file}': ${(err as Error).message.split('\n')[0]}`);
    }
    if (step.vars) data = resolveStaticVars(data, step.vars);
    const parsed = parseTaskFile(data);
    if (parsed.unknown.length > 0) {
      throw new StepError(`unknown fields: [${parsed.unknown.join(' ')}]`);
    }
    config = parsed.config;
    const fileParams = typeof config.params === 'object' && config.params !== null ? config.params : {};
    for (const key of Object.keys(step.params ?? {})) {
      if (!Object.hasOwn(fileParams, key)) {
        ctx.events.log(
          ctx.nextPlanId(),
          'stderr',
          `[WARNING] ${key} was defined in pipeline but missing from task file\n`,
        );
      }
    }
  } else {
    throw new StepError('must specify either `file:` or `config:`');
  }
  if (step.params) {
    const base = typeof config.params === 'object' && config.params !== null ? config.params : {};
    config = { ...config, params: { ...base, ...step.params } };
  }
  config = resolveVars(config, ctx, state);
  const problems = taskConfigErrors(config);
  if (problems.length > 0) throw new StepError(problems.map((p) => p.message.trim()).join(', '));
  return config;
}

function subPath(work: string, p: string): string {
  const cleaned = normalize(p).replace(/^(\.\.(\/|$))+/, '');
  return isAbsolute(cleaned) ? join(work, cleaned) : join(work, cleaned);
}

export interface TaskRunOptions {
  /** Extra arguments (`hangar execute -- args`). */
  extraArgs?: string[];
  /** Task caches are per job; one-off builds have none. */
  useCaches: boolean;
}

export async function runTask(
  step: TaskStep,
  ctx: BuildContext,
  state: StepState,
  origin: string,
  options: TaskRunOptions = { useCaches: true },
): Promise<boolean> {
  const config = await loadTaskConfig(step, ctx, state);
  const run = config.run;
  if (run === undefined || typeof run === 'string' || !run.path) {
    throw new StepError(
      `task '${step.name}' has no run.path; the host runtime cannot use an image's entrypoint`,
    );
  }
  // both events carry the config: fly prints `running PATH ARGS` from start-task's
  const shownConfig = {
    platform: config.platform,
    run: { path: run.path, args: run.args ?? [], dir: run.dir ?? '' },
    inputs: (config.inputs ?? []).map((i) => ({ name: i.name, path: i.path ?? i.name })),
  };
  ctx.events.emit('initialize-task', { origin: { id: origin }, name: step.name, config: shownConfig });
  const hasImage = Boolean(config.image_resource || config.rootfs_uri || step.image);
  if (hasImage && !ctx.runtime.runsImages && !ctx.warned.has(`image:${step.name}`)) {
    ctx.warned.add(`image:${step.name}`);
    ctx.events.log(
      origin,
      'stderr',
      `WARNING: task '${step.name}': its image is ignored by the host runtime; the task runs on this machine\n`,
    );
  }
  const hash = createHash('sha256').update(step.name).digest('hex').slice(0, 8);
  const work = await stepDir(ctx.workDir, `task-${hash}`);
  const missing: string[] = [];
  const inputPaths = new Map<string, string>();
  for (const input of config.inputs ?? []) {
    const name = input.name ?? '';
    const artifact = state.scope.artifact(step.inputMapping[name] ?? name);
    const dest = subPath(work, input.path ?? name);
    if (artifact === undefined) {
      if (input.optional !== true) missing.push(name);
      continue;
    }
    await copyArtifact(artifact, dest);
    inputPaths.set(dest, name);
  }
  if (missing.length > 0) throw new StepError(`missing inputs: ${missing.join(', ')}`);
  const outputs = (config.outputs ?? []).map((o) => ({
    name: o.name ?? '',
    dir: subPath(work, o.path ?? o.name ?? ''),
  }));
  for (const o of outputs) await mkdir(o.dir, { recursive: true });
  const caches = options.useCaches && ctx.job ? (config.caches ?? []) : [];
  const cacheRoot = ctx.job ? join(ctx.stateDir, 'cache', 'tasks', String(ctx.job.name), step.name) : '';
  for (const c of caches) {
    const stored = join(cacheRoot, normalize(c.path).replace(/^\/+/, ''));
    const dest = subPath(work, c.path);
    await copyArtifact(stored, dest).catch(async () => mkdir(dest, { recursive: true }));
  }
  const cwd = run.dir ? subPath(work, run.dir) : work;
  const runArgs = Array.isArray(run.args) ? run.args : [];
  const args = [
    ...runArgs.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))),
    ...(options.extraArgs ?? []),
  ];
  const container = ctx.options.containers?.add({
    build: ctx.build,
    stepName: step.name,
    workingDirectory: cwd,
  });
  ctx.events.emit('start-task', { origin: { id: origin }, config: shownConfig });
  const out = new LineBuffer((t) => ctx.events.log(origin, 'stdout', t));
  const err = new LineBuffer((t) => ctx.events.log(origin, 'stderr', t));
  let exitCode: number;
  try {
    ({ exitCode } = await ctx.runtime.runTask({
      path: run.path,
      args,
      cwd,
      env: taskEnv(ctx, config.params as Record<string, unknown> | undefined),
      signal: state.signal,
      onOutput: (text, source) => (source === 'stdout' ? out : err).push(text),
      workDir: work,
      containerDir: `/tmp/build/${hash}`,
      image: ctx.runtime.runsImages ? taskImage(step, config, state, resourceTypesOf(ctx)) : undefined,
      resourceTypes: resourceTypesOf(ctx),
      user: run.user,
      privileged: step.privileged,
      limits: containerLimits(step.containerLimits ?? config.container_limits),
      onContainer: (runc) => {
        if (container) container.runc = runc;
      },
    }));
  } finally {
    out.flush();
    err.flush();
    for (const o of outputs) state.scope.registerArtifact(step.outputMapping[o.name] ?? o.name, o.dir);
  }
  for (const c of caches) {
    const stored = join(cacheRoot, normalize(c.path).replace(/^\/+/, ''));
    await rm(stored, { recursive: true, force: true });
    await copyArtifact(subPath(work, c.path), stored);
    const jobId = ctx.pipeline && ctx.job ? ctx.store.jobId(ctx.pipeline.id, ctx.job.name) : undefined;
    if (jobId !== undefined) ctx.store.saveTaskCache(jobId, step.name, c.path, stored);
  }
  ctx.events.emit('finish-task', { origin: { id: origin }, exit_status: exitCode });
  return exitCode === 0;
}
