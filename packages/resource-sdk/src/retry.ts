import pRetry from 'p-retry';
import { ConfigError, ProtocolError } from './errors.js';

export interface RetryOptions {
  /** Attempts after the first one. */
  retries?: number;
  minDelayMs?: number;
  maxDelayMs?: number;
  /** Whether a failure is worth another attempt; config and protocol errors never are. */
  shouldRetry?: (error: unknown) => boolean;
  /** Called before each new attempt, e.g. to log "retrying push (2/5)". */
  onRetry?: (error: unknown, attempt: number, retriesLeft: number) => void;
  signal?: AbortSignal;
}

/** Runs `task` with exponential backoff (factor 2, jittered) capped at `maxDelayMs`. */
export async function withRetry<T>(
  task: (attempt: number) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const {
    retries = 4,
    minDelayMs = 250,
    maxDelayMs = 8_000,
    shouldRetry = () => true,
    onRetry,
    signal,
  } = options;
  const retryable = (error: unknown) =>
    !(error instanceof ConfigError || error instanceof ProtocolError) && shouldRetry(error);
  return pRetry(task, {
    retries,
    minTimeout: minDelayMs,
    maxTimeout: maxDelayMs,
    factor: 2,
    randomize: true,
    ...(signal ? { signal } : {}),
    shouldRetry: ({ error }) => retryable(error),
    onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
      if (retriesLeft > 0 && retryable(error)) onRetry?.(error, attemptNumber, retriesLeft);
    },
  });
}
