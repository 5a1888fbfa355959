// Network hiccups are worth another attempt; authentication failures and missing refs are not.
import { withRetry, type RetryOptions } from '@hangar/resource-sdk';
import { GitCommandError } from './git-process.js';

const TRANSIENT =
  /could not resolve host|connection (refused|reset|timed out)|operation timed out|early EOF|RPC failed|remote end hung up unexpectedly|temporary failure|service unavailable|HTTP 50[234]|TLS connection was non-properly terminated|Broken pipe/i;

/** True for git failures that look like the network, not the request. */
export function isTransientGitFailure(error: unknown): boolean {
  return error instanceof GitCommandError && TRANSIENT.test(error.result.stderr);
}

/** Runs `task`, retrying transient git failures with capped exponential backoff (3 retries by default). */
export function retryTransient<T>(
  task: (attempt: number) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  return withRetry(task, {
    retries: 3,
    minDelayMs: 500,
    maxDelayMs: 4_000,
    shouldRetry: isTransientGitFailure,
    ...options,
  });
}
