// `((var))` resolution while a build runs, as late as possible: `((.:x))` from the local scope
// chain, `((src:x))` from the pipeline's var_sources (only `dummy` on one machine). Values from
// var sources are tracked for redaction. Missing vars make the step error.
import { interpolate, type Lookup } from '../vars/template.js';
import type { Pipeline } from '../model/types.js';
import type { BuildContext, StepState } from './context.js';
import { StepError } from './errors.js';

export function runtimeLookup(ctx: BuildContext, state: StepState): Lookup {
  const sources = varSourceLookup(ctx.pipeline?.pipeline);
  return (ref) => {
    if (ref.source === '.') return state.scope.getVar(ref.path);
    const hit = sources(ref);
    if (hit.found) ctx.redactor.track(hit.value);
    return hit;
  };
}

/** `((src:x))` from the pipeline's var_sources; only `dummy` exists on one machine. */
export function varSourceLookup(pipeline: Pipeline | undefined): Lookup {
  return (ref) => {
    if (ref.source !== undefined && ref.source !== '.') {
      const vs = pipeline?.varSources.find((s) => s.config.name === ref.source);
      if (!vs) return { found: false };
      if (vs.config.type !== 'dummy') {
        throw new StepError(
          `var source '${ref.source}' of type ${vs.config.type} is not supported by hangar`,
        );
      }
      const cfg = vs.config.config;
      const vars = (
        cfg !== null && typeof cfg === 'object' ? ((cfg as { vars?: unknown }).vars ?? {}) : {}
      ) as Record<string, unknown>;
      if (!Object.hasOwn(vars, ref.path)) return { found: false };
      return { found: true, value: vars[ref.path] };
    }
    return { found: false };
  };
}

export function resolveVars<T>(value: T, ctx: BuildContext, state: StepState): T {
  try {
    return interpolate<T>(value, runtimeLookup(ctx, state), { allowUnresolved: false }).value;
  } catch (err) {
    if (err instanceof StepError) throw err;
    throw new StepError((err as Error).message);
  }
}

/** Lenient pass (task `vars` over a task file): unknown vars stay for the strict pass. */
export function resolveStaticVars<T>(value: T, vars: Record<string, unknown>): T {
  return interpolate<T>(
    value,
    (ref) =>
      ref.source === undefined && Object.hasOwn(vars, ref.path)
        ? { found: true, value: vars[ref.path] }
        : { found: false },
    { allowUnresolved: true },
  ).value;
}
