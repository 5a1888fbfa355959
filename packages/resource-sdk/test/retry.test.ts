import { expect, test } from 'vitest';
import { ConfigError, RemoteError, withRetry } from '../src/index.js';

test('retries transient failures with backoff and reports each retry', async () => {
  const retries: number[] = [];
  let calls = 0;
  const result = await withRetry(
    () => {
      calls++;
      return calls < 3 ? Promise.reject(new RemoteError('busy')) : Promise.resolve('done');
    },
    { minDelayMs: 1, maxDelayMs: 2, onRetry: (_error, attempt) => retries.push(attempt) },
  );
  expect(result).toBe('done');
  expect(calls).toBe(3);
  expect(retries).toEqual([1, 2]);
});

test('gives up after the cap with the last error', async () => {
  let calls = 0;
  const failing = () => {
    calls++;
    return Promise.reject(new RemoteError(`attempt ${calls}`));
  };
  await expect(withRetry(failing, { retries: 2, minDelayMs: 1, maxDelayMs: 1 })).rejects.toThrow('attempt 3');
  expect(calls).toBe(3);
});

test('never retries a configuration error or what shouldRetry rejects', async () => {
  let calls = 0;
  const bad = () => {
    calls++;
    return Promise.reject(new ConfigError('bad uri'));
  };
  await expect(withRetry(bad, { minDelayMs: 1 })).rejects.toBeInstanceOf(ConfigError);
  expect(calls).toBe(1);
  await expect(
    withRetry(() => Promise.reject(new RemoteError('403')), { minDelayMs: 1, shouldRetry: () => false }),
  ).rejects.toThrow('403');
});
