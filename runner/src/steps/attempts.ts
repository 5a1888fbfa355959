// `attempts: N`: retried on failure and on error, never after an abort; the first success wins,
// otherwise the last attempt's outcome is the step's.
import type { AttemptsStep } from '../model/types.js';
import type { BuildContext, StepState } from './context.js';
import { isAborted, StepError } from './errors.js';
import type { RunStep } from './types.js';

export async function runAttempts(
  step: AttemptsStep,
  ctx: BuildContext,
  state: StepState,
  run: RunStep,
): Promise<boolean> {
  const n = typeof step.attempts === 'number' ? step.attempts : Number(step.attempts);
  if (!Number.isInteger(n) || n < 1) throw new StepError(`attempts must be greater than 0`);
  for (let attempt = 1; ; attempt++) {
    try {
      if (await run(step.step, ctx, state)) return true;
      if (attempt >= n) return false;
    } catch (err) {
      if (isAborted(err) || attempt >= n) throw err;
    }
  }
}
