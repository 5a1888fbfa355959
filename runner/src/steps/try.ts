// `try`: failures and errors are swallowed; only an abort gets through.
import type { TryStep } from '../model/types.js';
import type { BuildContext, StepState } from './context.js';
import { isAborted } from './errors.js';
import type { RunStep } from './types.js';

export async function runTry(
  step: TryStep,
  ctx: BuildContext,
  state: StepState,
  run: RunStep,
): Promise<boolean> {
  try {
    await run(step.step.step, ctx, state);
  } catch (err) {
    if (isAborted(err)) throw err;
  }
  return true;
}
