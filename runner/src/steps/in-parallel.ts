// `in_parallel`: siblings share the artifact namespace; `limit` and `fail_fast` as in Concourse.
import type { InParallelStep } from '../model/types.js';
import type { BuildContext, StepState } from './context.js';
import { runBranches } from './parallel.js';
import type { RunStep } from './types.js';

export function runInParallel(
  step: InParallelStep,
  ctx: BuildContext,
  state: StepState,
  run: RunStep,
): Promise<boolean> {
  return runBranches(step.steps.length, step.limit ?? 0, step.failFast, state.signal, (i, signal) =>
    run(step.steps[i]!.step, ctx, { ...state, signal }),
  );
}
