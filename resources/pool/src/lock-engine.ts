// The one way lock state changes: fetch -> re-apply the operation on the fresh tip -> commit ->
// push as a fast-forward. A rejected push means someone else moved the pool first: the local commit
// is dropped and the operation re-applied (bounded, with jittered backoff). Waiting for a lock is
// bounded by the timeout and stops at once when the step is aborted (SIGTERM/SIGINT).
import { retryTransient } from '@hangar/git';
import { RemoteError, type Logger } from '@hangar/resource-sdk';
import { formatDuration } from './duration.js';
import type { PoolRepo } from './pool-repo.js';

export type Step =
  /** Changes are staged; commit them with this message and push. */
  | { kind: 'commit'; message: string; undo?: Operation }
  /** Nothing to do yet (no lock free, lock still claimed…): sleep `retry_delay` and re-apply. */
  | { kind: 'wait'; reason: string }
  /** Done without a commit (read-only operations, no-op updates). */
  | { kind: 'done' };

export type Operation = (repo: PoolRepo) => Promise<Step>;

export interface EngineOptions {
  repo: PoolRepo;
  log: Logger;
  signal: AbortSignal;
  /** What the operation is doing, for messages: "acquiring lock". */
  doing: string;
  retryDelayMs: number;
  /** Give up waiting after this long (ms); undefined waits as long as the step runs. */
  timeout?: { ms: number; field: string } | undefined;
  /** Push failures that are not races, tolerated before giving up (the reference's 5). */
  maxUnexpectedErrors?: number;
  /** Push races tolerated before giving up. */
  maxConflicts?: number;
  now?: () => number;
}

export interface EngineResult {
  ref: string;
  conflicts: number;
  waits: number;
}

/** Runs `operation` until it commits and pushes (or is done), waits out, or fails. */
export async function performRobustAction(
  options: EngineOptions,
  operation: Operation,
): Promise<EngineResult> {
  const { repo, log, signal, doing } = options;
  const now = options.now ?? Date.now;
  const started = now();
  const deadline = options.timeout ? started + options.timeout.ms : Infinity;
  const maxUnexpected = options.maxUnexpectedErrors ?? 5;
  const maxConflicts = options.maxConflicts ?? 100;
  let conflicts = 0;
  let unexpected = 0;
  let waits = 0;
  let lastReason = '';

  const stopIfAborted = () => {
    if (signal.aborted)
      throw new RemoteError(
        `${doing} stopped: ${reasonText(signal.reason)}; nothing was claimed or changed after the interruption`,
      );
  };
  const stopIfLate = () => {
    if (now() >= deadline && options.timeout)
      throw new RemoteError(
        `${doing} gave up after ${formatDuration(options.timeout.ms)} (${options.timeout.field})${lastReason ? `: ${lastReason}` : ''}`,
      );
  };
  const pause = (ms: number) => sleep(Math.max(0, Math.min(ms, deadline - now())), signal).then(() => {});

  for (;;) {
    stopIfAborted();
    await retryTransient(() => repo.reset(signal), { signal }).catch((error: unknown) => {
      stopIfAborted();
      throw error;
    });
    const step = await operation(repo);
    if (step.kind === 'done') return { ref: await repo.head(), conflicts, waits };
    if (step.kind === 'wait') {
      if (waits === 0) log.info(step.reason);
      else if (waits % 30 === 0) log.info(`still ${step.reason} (${formatDuration(now() - started)})`);
      lastReason = step.reason;
      waits++;
      stopIfLate();
      await pause(options.retryDelayMs).catch(stopOnAbort(stopIfAborted));
      stopIfLate();
      continue;
    }
    await repo.commit(step.message);
    stopIfAborted();
    stopIfLate();
    const outcome = await repo.push();
    if (outcome.kind === 'pushed') {
      const ref = await repo.head();
      if (signal.aborted && step.undo) {
        // Interrupted while the push was in flight: the claim landed but nobody will use it.
        log.warn(`${doing} was interrupted as the change was pushed: undoing it`);
        await performRobustAction(
          { ...options, signal: new AbortController().signal, timeout: undefined, doing: `undoing ${doing}` },
          step.undo,
        );
        stopIfAborted();
      }
      return { ref, conflicts, waits };
    }
    if (outcome.kind === 'conflict') {
      conflicts++;
      if (conflicts > maxConflicts)
        throw new RemoteError(
          `${doing} gave up after ${maxConflicts} push conflicts on branch '${repo.branch}' (last: ${outcome.detail})`,
        );
      log.debug(`push conflict ${conflicts}: ${outcome.detail}; re-applying on the new tip`);
      await pause(backoff(conflicts, 25, 1_000)).catch(stopOnAbort(stopIfAborted));
      stopIfLate();
      continue;
    }
    unexpected++;
    if (unexpected >= maxUnexpected)
      throw new RemoteError(
        `${doing}: too many unexpected errors pushing to '${repo.branch}': ${outcome.error.message}`,
        {
          cause: outcome.error,
        },
      );
    log.info(`failed to broadcast the change to lock state! err: ${outcome.error.message} retrying...`);
    await pause(backoff(unexpected, 250, Math.max(250, options.retryDelayMs))).catch(
      stopOnAbort(stopIfAborted),
    );
    stopIfLate();
  }
}

function stopOnAbort(stop: () => void) {
  return (error: unknown) => {
    stop();
    throw error;
  };
}

/** Jittered exponential backoff: between half and all of min(cap, base·2^attempt). */
function backoff(attempt: number, baseMs: number, capMs: number): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 16));
  return ceiling / 2 + (Math.random() * ceiling) / 2;
}

function reasonText(reason: unknown): string {
  if (reason instanceof Error) return reason.message;
  return typeof reason === 'string' ? reason : 'aborted';
}

/** setTimeout as a promise that rejects with the signal's reason when aborted. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
