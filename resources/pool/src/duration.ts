// Go `time.Duration` as the reference decodes it: a string such as "90s", "1h5m10s", "250ms"
// (units ns, us/µs, ms, s, m, h; fractions allowed), or a JSON number counting nanoseconds.
import { ConfigError } from '@hangar/resource-sdk';

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
};

/** Milliseconds of a Go-style duration; throws a ConfigError naming `field` when it is not one. */
export function parseDuration(value: string | number, field: string): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0)
      throw new ConfigError(`${field} must be a non-negative number of nanoseconds, got ${value}`);
    return value / 1e6;
  }
  const text = value.trim();
  if (text === '0') return 0;
  const part = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;
  let total = 0;
  let index = 0;
  while (index < text.length) {
    part.lastIndex = index;
    const match = part.exec(text);
    if (!match) break;
    total += Number(match[1]) * (UNIT_MS[match[2] ?? ''] ?? 0);
    index = part.lastIndex;
  }
  if (!text || index !== text.length)
    throw new ConfigError(
      `${field} '${value}' is not a duration: use a number with a unit, e.g. "30s", "15m", "1h30m" (or integer nanoseconds)`,
    );
  return total;
}

/** "1h2m3s" style rendering for log lines. */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)}ms`;
  let seconds = Math.round(ms / 1_000);
  const hours = Math.floor(seconds / 3_600);
  seconds -= hours * 3_600;
  const minutes = Math.floor(seconds / 60);
  seconds -= minutes * 60;
  return `${hours ? `${hours}h` : ''}${minutes ? `${minutes}m` : ''}${seconds || (!hours && !minutes) ? `${seconds}s` : ''}`;
}
