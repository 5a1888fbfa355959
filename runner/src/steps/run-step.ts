// The step dispatcher: one place that maps a step kind to its implementation, applies a core
// step's own `timeout`, and turns errors into `error` events at the step that raised them.
import type { Step } from '../model/types.js';
import { runAcross } from './across.js';
import { runAttempts } from './attempts.js';
import type { BuildContext, StepState } from './context.js';
import { runDo } from './do.js';
import { AbortedError, errorMessage, isAborted, StepError } from './errors.js';
import { runGet } from './get.js';
import { runHook } from './hooks.js';
import { runInParallel } from './in-parallel.js';
import { runLoadVar } from './load-var.js';
import { runPut } from './put.js';
import { runSetPipeline } from './set-pipeline.js';
import { runTask } from './task.js';
import { withTimeout } from './timeout.js';
import { runTry } from './try.js';

async function reported(ctx: BuildContext, origin: string, body: () => Promise<boolean>): Promise<boolean> {
  try {
    return await body();
  } catch (err) {
    if (isAborted(err)) throw err;
    const stepErr = err instanceof StepError ? err : new StepError(errorMessage(err));
    if (!stepErr.reported) {
      ctx.events.error(origin, stepErr.message);
      stepErr.reported = true;
    }
    throw stepErr;
  }
}

function core(
  ctx: BuildContext,
  state: StepState,
  timeout: string | undefined,
  body: (state: StepState, origin: string) => Promise<boolean>,
): Promise<boolean> {
  const origin = ctx.nextPlanId();
  const guarded = (s: StepState): Promise<boolean> => reported(ctx, origin, () => body(s, origin));
  return timeout ? withTimeout(timeout, ctx, state, origin, guarded) : guarded(state);
}

export async function runStep(step: Step, ctx: BuildContext, state: StepState): Promise<boolean> {
  if (state.signal.aborted) throw new AbortedError();
  switch (step.kind) {
    case 'get':
      return core(ctx, state, step.timeout, (s, origin) => runGet(step, ctx, s, origin));
    case 'put': {
      const getOrigin = ctx.nextPlanId();
      return core(ctx, state, step.timeout, (s, origin) => runPut(step, ctx, s, origin, getOrigin));
    }
    case 'task':
      return core(ctx, state, step.timeout, (s, origin) => runTask(step, ctx, s, origin));
    case 'load_var':
      return core(ctx, state, undefined, (s, origin) => runLoadVar(step, ctx, s, origin));
    case 'set_pipeline':
      return core(ctx, state, undefined, (s, origin) => runSetPipeline(step, ctx, s, origin));
    case 'run':
      return core(ctx, state, undefined, () => {
        throw new StepError('the experimental run step (prototypes) is not supported by hangar');
      });
    case 'do':
      return runDo(step, ctx, state, runStep);
    case 'try':
      return runTry(step, ctx, state, runStep);
    case 'in_parallel':
      return runInParallel(step, ctx, state, runStep);
    case 'across':
      return reported(ctx, ctx.nextPlanId(), () => runAcross(step, ctx, state, runStep));
    case 'attempts':
      return runAttempts(step, ctx, state, runStep);
    case 'timeout': {
      const origin = ctx.nextPlanId();
      return withTimeout(step.duration, ctx, state, origin, (s) => runStep(step.step, ctx, s));
    }
    case 'on_success':
    case 'on_failure':
    case 'on_error':
    case 'on_abort':
    case 'ensure':
      return runHook(step, ctx, state, runStep);
  }
}
