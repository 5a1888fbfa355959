// A job's plan as Concourse's public plan (names and structure only: no source, params or vars,
// which may hold credentials). Ids number the steps in plan order; event origins number them in
// the order they ran, so the UI draws steps from events.
import type { Step, StepEnvelope } from '../model/types.js';

export type PublicPlan = { id: string } & Record<string, unknown>;

export function publicPlan(step: Step): PublicPlan {
  let n = 0;
  const walk = (s: Step): PublicPlan => {
    const id = (++n).toString(16).padStart(8, '0');
    const inner = (e: StepEnvelope): PublicPlan => walk(e.step);
    switch (s.kind) {
      case 'get':
      case 'put':
        return { id, [s.kind]: { name: s.name, resource: s.resource } };
      case 'task':
        return { id, task: { name: s.name, privileged: s.privileged } };
      case 'run':
        return { id, run: { message: s.message, type: s.type } };
      case 'set_pipeline':
      case 'load_var':
        return { id, [s.kind]: { name: s.name } };
      case 'do':
        return { id, do: s.steps.map(inner) };
      case 'in_parallel':
        return { id, in_parallel: { steps: s.steps.map(inner), limit: s.limit, fail_fast: s.failFast } };
      case 'try':
        return { id, try: { step: inner(s.step) } };
      case 'across':
        return { id, across: { vars: s.vars.map((v) => v.var), step: walk(s.step) } };
      case 'attempts':
        return { id, retry: [walk(s.step)] };
      case 'timeout':
        return { id, timeout: { duration: s.duration, step: walk(s.step) } };
      default:
        return { id, [s.kind]: { step: walk(s.step), [s.kind]: inner(s.hook) } };
    }
  };
  return walk(step);
}
