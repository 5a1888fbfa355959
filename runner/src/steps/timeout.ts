// `timeout`: when the deadline passes the step is interrupted and FAILS (Concourse's code, not its
// docs, which say errored); an `error` event "timeout exceeded" is logged.
import { parseGoDuration } from '../model/duration.js';
import type { BuildContext, StepState } from './context.js';
import { isAborted, StepError } from './errors.js';

export async function withTimeout(
  duration: string,
  ctx: BuildContext,
  state: StepState,
  origin: string,
  body: (state: StepState) => Promise<boolean>,
): Promise<boolean> {
  const ms = parseGoDuration(duration);
  if (ms === undefined) throw new StepError(`invalid duration '${duration}'`);
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, ms);
  const onParent = (): void => controller.abort();
  state.signal.addEventListener('abort', onParent, { once: true });
  try {
    return await body({ ...state, signal: controller.signal });
  } catch (err) {
    if (timedOut && !state.signal.aborted && isAborted(err)) {
      ctx.events.error(origin, 'timeout exceeded');
      return false;
    }
    throw err;
  } finally {
    clearTimeout(timer);
    state.signal.removeEventListener('abort', onParent);
  }
}
