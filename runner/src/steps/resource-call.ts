// Running one resource script for a step: stdin payload, build env, stderr into the build log
// (line by line, redacted by the event sink), protocol parsing done by the caller.
import { LineBuffer } from '../engine/line-buffer.js';
import type { ResourceConfig, ResourceTypeConfig } from '../model/types.js';
import type { ProcessResult, ResourceAction } from '../runtime/runtime.js';
import { ResourceTypeError } from '../runtime/registry.js';
import type { BuildContext, StepState } from './context.js';
import { StepError } from './errors.js';
import { resourceEnv } from './build-env.js';

export function resourceConfig(ctx: BuildContext, name: string): ResourceConfig {
  const r = ctx.pipeline?.pipeline.resources.find((x) => x.config.name === name);
  if (!r) throw new StepError(`unknown resource '${name}'`);
  return r.config;
}

export function resourceTypesOf(ctx: BuildContext): ResourceTypeConfig[] {
  return ctx.pipeline?.pipeline.resourceTypes.map((t) => t.config) ?? [];
}

export async function callResource(
  ctx: BuildContext,
  state: StepState,
  origin: string,
  type: string,
  action: ResourceAction,
  dir: string,
  stdin: string,
): Promise<ProcessResult> {
  try {
    ctx.runtime.assertResourceType(type, resourceTypesOf(ctx));
  } catch (err) {
    if (err instanceof ResourceTypeError) throw new StepError(err.message);
    throw err;
  }
  const lines = new LineBuffer((text) => ctx.events.log(origin, 'stderr', text));
  try {
    return await ctx.runtime.runResource({
      type,
      action,
      dir,
      stdin,
      env: resourceEnv(ctx, state.hookStatus),
      signal: state.signal,
      onStderr: (text) => lines.push(text),
      resourceTypes: resourceTypesOf(ctx),
    });
  } finally {
    lines.flush();
  }
}
