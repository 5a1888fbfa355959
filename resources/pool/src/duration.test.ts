import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './duration.js';

describe('parseDuration', () => {
  it.each([
    ['10s', 10_000],
    ['90m', 5_400_000],
    ['1h5m10s', 3_910_000],
    ['250ms', 250],
    ['1.5h', 5_400_000],
    ['0', 0],
    [100_000_000, 100],
    [0, 0],
  ])('%s -> %d ms', (value, ms) => {
    expect(parseDuration(value, 'source.retry_delay')).toBe(ms);
  });

  it.each(['', '10', 'soon', '5 m', '-1s', '1d'])('refuses %j naming the field', (value) => {
    expect(() => parseDuration(value, 'params.timeout')).toThrow(/^params\.timeout '.*' is not a duration/);
  });

  it('formats for log lines', () => {
    expect(formatDuration(300)).toBe('300ms');
    expect(formatDuration(900_000)).toBe('15m');
    expect(formatDuration(3_910_000)).toBe('1h5m10s');
  });
});
