import type { Step } from '../model/types.js';
import type { BuildContext, StepState } from './context.js';

/** Runs a step: true = succeeded, false = failed; throws for errored (AbortedError for aborted). */
export type RunStep = (step: Step, ctx: BuildContext, state: StepState) => Promise<boolean>;
