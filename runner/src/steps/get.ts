// `get`: fetch a version with the resource's `in` into a directory registered as an artifact under
// the step name. Fetched versions are cached by (type, version, source, params) unless --no-cache;
// `--override name=path` uses a local directory instead. Metadata becomes the local var `.:name`.
import { createHash } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { GetStep } from '../model/types.js';
import { parseInOutOutput, ProtocolError, requestJson } from '../runtime/protocol.js';
import { canonicalJson } from '../store/version-identity.js';
import type { Metadata, Version } from '../store/store.js';
import { stepDir } from './artifact-files.js';
import type { BuildContext, StepState } from './context.js';
import { StepError } from './errors.js';
import { callResource, resourceConfig, resourceTypesOf } from './resource-call.js';
import { withTypeDefaults } from '../model/defaults.js';
import { resolveVars } from './runtime-vars.js';

export interface FetchSpec {
  name: string;
  resource: string;
  version: Version;
  params: Record<string, unknown> | undefined;
  origin: string;
}

function metadataVar(metadata: Metadata[]): Record<string, string> {
  return Object.fromEntries(metadata.map((m) => [m.name, m.value]));
}

function versionFor(step: GetStep, ctx: BuildContext): Version {
  const input = ctx.inputs.get(step.name);
  if (input) return input.version;
  const pipelineId = ctx.pipeline?.id;
  if (pipelineId !== undefined) {
    const resourceId = ctx.store.resourceId(pipelineId, step.resource);
    const pin = typeof step.version === 'object' ? step.version : undefined;
    const found = pin ? ctx.store.pinnedVersion(resourceId, pin) : ctx.store.latestVersion(resourceId);
    if (found) return found.version;
  }
  throw new StepError(`no version of resource '${step.resource}' to get for '${step.name}'`);
}

export async function runGet(
  step: GetStep,
  ctx: BuildContext,
  state: StepState,
  origin: string,
): Promise<boolean> {
  const override = ctx.options.overrides.get(step.name);
  ctx.events.emit('initialize-get', { origin: { id: origin }, name: step.name, resource: step.resource });
  if (override !== undefined) {
    ctx.events.emit('start-get', { origin: { id: origin } });
    ctx.events.log(origin, 'stderr', `using local directory ${override} (--override)\n`);
    state.scope.registerArtifact(step.name, override);
    ctx.events.emit('finish-get', { origin: { id: origin }, exit_status: 0, version: {}, metadata: [] });
    return true;
  }
  return fetchVersion(
    ctx,
    state,
    { name: step.name, resource: step.resource, version: versionFor(step, ctx), params: step.params, origin },
    false,
  );
}

/** Runs `in` for a known version (a get, or the implicit get after a put). */
export async function fetchVersion(
  ctx: BuildContext,
  state: StepState,
  spec: FetchSpec,
  emitInitialize: boolean,
): Promise<boolean> {
  const { origin } = spec;
  if (emitInitialize) {
    ctx.events.emit('initialize-get', { origin: { id: origin }, name: spec.name, resource: spec.resource });
  }
  const config = resourceConfig(ctx, spec.resource);
  const source = resolveVars(withTypeDefaults(config.source, config.type, resourceTypesOf(ctx)), ctx, state);
  const params = resolveVars(spec.params, ctx, state);
  const key = createHash('sha256')
    .update(canonicalJson({ type: config.type, version: spec.version, source, params: params ?? null }))
    .digest('hex');
  ctx.events.emit('start-get', { origin: { id: origin } });
  const cached = ctx.options.noCache ? undefined : ctx.store.resourceCache(key);
  if (cached) {
    ctx.events.log(origin, 'stderr', 'INFO: found existing resource cache\n');
    return finish(ctx, state, spec, cached.dir, cached.version, cached.metadata);
  }
  const dir = await stepDir(ctx.workDir, `get-${spec.name}`);
  const result = await callResource(
    ctx,
    state,
    origin,
    config.type,
    'in',
    dir,
    requestJson(source, params, spec.version),
  );
  if (result.exitCode !== 0) {
    ctx.events.emit('finish-get', { origin: { id: origin }, exit_status: result.exitCode });
    return false;
  }
  let response;
  try {
    response = parseInOutOutput(result.stdout, `in ${dir}`);
  } catch (err) {
    if (err instanceof ProtocolError) throw new StepError(err.message);
    throw err;
  }
  let finalDir = dir;
  if (!ctx.options.noCache) {
    const cacheDir = join(ctx.stateDir, 'cache', 'resources', key);
    await mkdir(join(ctx.stateDir, 'cache', 'resources'), { recursive: true });
    try {
      await rename(dir, cacheDir);
      finalDir = cacheDir;
      ctx.store.saveResourceCache(key, cacheDir, response.version, response.metadata);
    } catch {
      // another branch cached the same version first; keep ours for this build
    }
  }
  return finish(ctx, state, spec, finalDir, response.version, response.metadata);
}

function finish(
  ctx: BuildContext,
  state: StepState,
  spec: FetchSpec,
  dir: string,
  version: Version,
  metadata: Metadata[],
): boolean {
  if (ctx.pipeline) {
    const resourceId = ctx.store.resourceId(ctx.pipeline.id, spec.resource);
    ctx.store.saveVersion(resourceId, version, metadata);
  }
  state.scope.registerArtifact(spec.name, dir);
  state.scope.setVar(spec.name, metadataVar(metadata));
  ctx.events.emit('finish-get', { origin: { id: spec.origin }, exit_status: 0, version, metadata });
  return true;
}

export async function removeQuietly(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true }).catch(() => undefined);
}
