// Step outcomes: a step resolves true (succeeded) or false (failed) and throws for an error.
// Aborts are AbortedError (from the runtime); everything else thrown makes the step errored.
export { AbortedError, isAborted } from '../runtime/runtime.js';

/** An error the step already reported as an `error` event (so outer steps don't repeat it). */
export class StepError extends Error {
  override name = 'StepError';
  reported = false;
}

/** Several errors from parallel branches (in_parallel, across). */
export class MultiStepError extends StepError {
  constructor(readonly errors: unknown[]) {
    super(errors.map((e) => (e instanceof Error ? e.message : String(e))).join('; '));
    this.reported = errors.every((e) => e instanceof StepError && e.reported);
  }
}

export function asError(err: unknown): Error {
  return err instanceof Error ? err : new StepError(String(err));
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
