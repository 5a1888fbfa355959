// SOURCE_DATE_EPOCH (https://reproducible-builds.org/specs/source-date-epoch/): the one clock a build may read.
import { ConfigError } from '@hangar/resource-sdk';

/** Largest time a ustar header's 11 octal digits can hold without extensions (year 33658). */
const MAX_TAR_SECONDS = 0o77777777777;

/** Validates an epoch in whole seconds. */
export function checkEpoch(seconds: number): number {
  if (!Number.isSafeInteger(seconds) || seconds < 0 || seconds > MAX_TAR_SECONDS) {
    throw new ConfigError(`SOURCE_DATE_EPOCH must be a whole number of seconds >= 0, got ${seconds}`);
  }
  return seconds;
}

/** The SOURCE_DATE_EPOCH from `env`, or undefined when it is unset or empty. */
export function sourceDateEpoch(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env['SOURCE_DATE_EPOCH']?.trim();
  if (!raw) return undefined;
  if (!/^\d+$/.test(raw))
    throw new ConfigError(`SOURCE_DATE_EPOCH must be a whole number of seconds, got '${raw}'`);
  return checkEpoch(Number(raw));
}

/** An explicit epoch wins, then SOURCE_DATE_EPOCH, then 0 (1970-01-01T00:00:00Z). */
export function resolveEpoch(explicit?: number, env: NodeJS.ProcessEnv = process.env): number {
  return explicit === undefined ? (sourceDateEpoch(env) ?? 0) : checkEpoch(explicit);
}

/** RFC 3339 form of an epoch, as used in image configs. */
export const epochToIso = (seconds: number): string =>
  new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
