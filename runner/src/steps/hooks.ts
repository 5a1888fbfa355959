// Step and job hooks with Concourse's outcome algebra (atc/exec/on_*.go, ensure.go):
//   on_success: hook's outcome if the step succeeded;  on_failure: stays failed, hook errors count;
//   on_error: original error (plus the hook's);  on_abort: hook after an abort, abort stays;
//   ensure: always; aborted stays aborted, errors combine, else step ∧ hook.
import type { HookStep } from '../model/types.js';
import type { BuildStatus } from '../store/store.js';
import type { BuildContext, StepState } from './context.js';
import { asError, isAborted, MultiStepError } from './errors.js';
import type { RunStep } from './types.js';

function hookState(ctx: BuildContext, state: StepState, status: BuildStatus | undefined): StepState {
  // After an abort the hook gets a fresh context: only a second interrupt (kill) stops it.
  const signal = state.signal.aborted ? ctx.killSignal : state.signal;
  return { ...state, signal, hookStatus: status };
}

export async function runHook(
  step: HookStep,
  ctx: BuildContext,
  state: StepState,
  run: RunStep,
): Promise<boolean> {
  const hook = step.hook.step;
  switch (step.kind) {
    case 'on_success': {
      if (!(await run(step.step, ctx, state))) return false;
      return run(hook, ctx, hookState(ctx, state, 'succeeded'));
    }
    case 'on_failure': {
      const ok = await run(step.step, ctx, state);
      if (!ok) await run(hook, ctx, hookState(ctx, state, 'failed'));
      return ok;
    }
    case 'on_error': {
      try {
        return await run(step.step, ctx, state);
      } catch (err) {
        if (isAborted(err)) throw err;
        try {
          await run(hook, ctx, hookState(ctx, state, 'errored'));
        } catch (hookErr) {
          throw new MultiStepError([err, hookErr]);
        }
        throw err;
      }
    }
    case 'on_abort': {
      try {
        return await run(step.step, ctx, state);
      } catch (err) {
        if (!isAborted(err)) throw err;
        await run(hook, ctx, hookState(ctx, state, 'aborted')).catch(() => false);
        throw err;
      }
    }
    case 'ensure': {
      let ok = false;
      let stepErr: unknown;
      try {
        ok = await run(step.step, ctx, state);
      } catch (err) {
        stepErr = err;
      }
      let hookOk = false;
      let hookErr: unknown;
      try {
        hookOk = await run(hook, ctx, hookState(ctx, state, undefined));
      } catch (err) {
        hookErr = err;
      }
      if (stepErr !== undefined && isAborted(stepErr)) throw asError(stepErr);
      if (stepErr !== undefined && hookErr !== undefined) throw new MultiStepError([stepErr, hookErr]);
      if (stepErr !== undefined) throw asError(stepErr);
      if (hookErr !== undefined) throw asError(hookErr);
      return ok && hookOk;
    }
  }
}
