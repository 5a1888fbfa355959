// `across`: the step once per combination of the vars' values (cartesian product, first var
// outermost), each in a child scope; parallelism is the product of each var's max_in_flight.
import type { AcrossStep } from '../model/types.js';
import type { BuildContext, StepState } from './context.js';
import { StepError } from './errors.js';
import { runBranches } from './parallel.js';
import { resolveVars } from './runtime-vars.js';
import type { RunStep } from './types.js';

export function combinations(lists: unknown[][]): unknown[][] {
  return lists.reduce<unknown[][]>(
    (acc, values) => acc.flatMap((combo) => values.map((v) => [...combo, v])),
    [[]],
  );
}

export async function runAcross(
  step: AcrossStep,
  ctx: BuildContext,
  state: StepState,
  run: RunStep,
): Promise<boolean> {
  const lists = step.vars.map((v) => {
    const values = resolveVars(v.values, ctx, state);
    if (!Array.isArray(values)) throw new StepError(`across var '${v.var}': values must be a list`);
    return values;
  });
  const combos = combinations(lists);
  const limit = step.vars.reduce((product, v, i) => {
    const m = v.maxInFlight ?? 1;
    return product * (m === 'all' ? Math.max(1, lists[i]!.length) : m);
  }, 1);
  ctx.events.emit('across-substeps', {
    origin: { id: ctx.nextPlanId() },
    substeps: combos.map((c) => Object.fromEntries(step.vars.map((v, i) => [v.var, c[i]]))),
  });
  return runBranches(combos.length, limit, step.failFast, state.signal, (i, signal) => {
    const scope = state.scope.child();
    step.vars.forEach((v, j) => scope.setVar(v.var, combos[i]![j]));
    return run(step.step, ctx, { ...state, signal, scope, inAcross: true });
  });
}
