// `put`: run `out` in a directory holding copies of the chosen artifacts (`inputs: detect` by
// default since v8, `all`, or a list), record the version as an output of the build, then the
// implicit get of that version (unless `no_get`) registered under the put's name.
import { join } from 'node:path';
import type { PutStep } from '../model/types.js';
import { parseInOutOutput, ProtocolError, requestJson } from '../runtime/protocol.js';
import { copyArtifact, stepDir } from './artifact-files.js';
import type { BuildContext, StepState } from './context.js';
import { StepError } from './errors.js';
import { fetchVersion } from './get.js';
import { callResource, resourceConfig, resourceTypesOf } from './resource-call.js';
import { withTypeDefaults } from '../model/defaults.js';
import { resolveVars } from './runtime-vars.js';

/** Artifact names `detect` finds: the first path segment (not `.`/`..`) of every string in params. */
export function detectInputs(params: unknown, available: ReadonlySet<string>): string[] {
  const found: string[] = [];
  const visit = (v: unknown): void => {
    if (typeof v === 'string') {
      const first = v.split('/').find((seg) => seg !== '.' && seg !== '..' && seg !== '');
      if (first !== undefined && available.has(first) && !found.includes(first)) found.push(first);
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (v !== null && typeof v === 'object') Object.values(v).forEach(visit);
  };
  visit(params);
  return found;
}

export function chooseInputs(
  step: PutStep,
  params: unknown,
  artifacts: ReadonlyMap<string, string>,
): string[] {
  if (Array.isArray(step.inputs)) {
    for (const name of step.inputs) if (!artifacts.has(name)) throw new StepError(`input not found: ${name}`);
    return step.inputs;
  }
  if (step.inputs === 'all') return [...artifacts.keys()];
  if (step.inputs === 'detect') return detectInputs(params, new Set(artifacts.keys()));
  return [];
}

export async function runPut(
  step: PutStep,
  ctx: BuildContext,
  state: StepState,
  origin: string,
  getOrigin: string,
): Promise<boolean> {
  ctx.events.emit('initialize-put', { origin: { id: origin }, name: step.name, resource: step.resource });
  const config = resourceConfig(ctx, step.resource);
  const source = resolveVars(withTypeDefaults(config.source, config.type, resourceTypesOf(ctx)), ctx, state);
  const params = resolveVars(step.params, ctx, state);
  const artifacts = state.scope.artifacts();
  const names = chooseInputs(step, params, artifacts);
  const dir = await stepDir(ctx.workDir, `put-${step.name}`);
  for (const name of names) await copyArtifact(artifacts.get(name)!, join(dir, name));
  ctx.events.emit('start-put', { origin: { id: origin } });
  const result = await callResource(ctx, state, origin, config.type, 'out', dir, requestJson(source, params));
  if (result.exitCode !== 0) {
    ctx.events.emit('finish-put', { origin: { id: origin }, exit_status: result.exitCode });
    return false;
  }
  let response;
  try {
    response = parseInOutOutput(result.stdout, `out ${dir}`);
  } catch (err) {
    if (err instanceof ProtocolError) throw new StepError(err.message);
    throw err;
  }
  if (ctx.pipeline) {
    const resourceId = ctx.store.resourceId(ctx.pipeline.id, step.resource);
    const saved = ctx.store.saveVersion(resourceId, response.version, response.metadata);
    if (ctx.job) ctx.store.addBuildOutput(ctx.build.id, resourceId, saved.id);
  }
  ctx.events.emit('finish-put', {
    origin: { id: origin },
    exit_status: 0,
    version: response.version,
    metadata: response.metadata,
  });
  if (step.noGet) return true;
  return fetchVersion(
    ctx,
    state,
    {
      name: step.name,
      resource: step.resource,
      version: response.version,
      params: step.getParams,
      origin: getOrigin,
    },
    true,
  );
}
