// `do`: steps in order, stopping at the first one that does not succeed.
import type { DoStep } from '../model/types.js';
import type { BuildContext, StepState } from './context.js';
import type { RunStep } from './types.js';

export async function runDo(
  step: DoStep,
  ctx: BuildContext,
  state: StepState,
  run: RunStep,
): Promise<boolean> {
  for (const child of step.steps) {
    if (!(await run(child.step, ctx, state))) return false;
  }
  return true;
}
