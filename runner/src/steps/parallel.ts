// Runs branches with a concurrency limit and optional fail-fast, combining outcomes the way
// in_parallel and across do: any error -> error (all of them), else failed if any failed; an
// aborted parent -> abort. Branches cancelled by fail-fast count as failed, not errored.
import { setMaxListeners } from 'node:events';
import { AbortedError, isAborted, MultiStepError } from './errors.js';

export async function runBranches(
  count: number,
  limit: number,
  failFast: boolean,
  parent: AbortSignal,
  branch: (index: number, signal: AbortSignal) => Promise<boolean>,
): Promise<boolean> {
  const cancel = new AbortController();
  setMaxListeners(0, cancel.signal);
  const onParentAbort = (): void => cancel.abort();
  parent.addEventListener('abort', onParentAbort, { once: true });
  const results: boolean[] = new Array<boolean>(count).fill(false);
  const errors: unknown[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      if (cancel.signal.aborted) continue;
      try {
        results[i] = await branch(i, cancel.signal);
        if (!results[i] && failFast) cancel.abort();
      } catch (err) {
        if (isAborted(err) && cancel.signal.aborted) continue;
        errors.push(err);
        if (failFast) cancel.abort();
      }
    }
  };
  const workers = Math.max(1, Math.min(limit > 0 ? limit : count, count));
  try {
    await Promise.all(Array.from({ length: workers }, () => worker()));
  } finally {
    parent.removeEventListener('abort', onParentAbort);
  }
  if (parent.aborted) throw new AbortedError();
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new MultiStepError(errors);
  return results.every(Boolean);
}
