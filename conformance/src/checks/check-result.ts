// The verdict of one named check.
import { levelOf, type CheckLevel } from './catalog.js';

/** `warn`: a SHOULD check that did not pass, reported as a recommendation (without --strict). */
export type CheckStatus = 'pass' | 'fail' | 'warn' | 'skip';

export interface CheckResult {
  /** Stable id, e.g. `check.from-latest`; reports and tests key on it. */
  id: string;
  title: string;
  level: CheckLevel;
  status: CheckStatus;
  /** Why it failed or was skipped; empty when it passed. */
  reasons: string[];
  /** Ids of the calls that informed the verdict. */
  calls: number[];
}

export function verdict(id: string, title: string, reasons: string[], calls: number[] = []): CheckResult {
  return { id, title, level: levelOf(id), status: reasons.length === 0 ? 'pass' : 'fail', reasons, calls };
}

export function skipped(id: string, title: string, reason: string, calls: number[] = []): CheckResult {
  return { id, title, level: levelOf(id), status: 'skip', reasons: [reason], calls };
}

/** Only MUSTs fail the verdict; a failed SHOULD becomes a recommendation unless `strict`. */
export function settle(result: CheckResult, strict: boolean): CheckResult {
  return result.status === 'fail' && result.level === 'should' && !strict
    ? { ...result, status: 'warn' }
    : result;
}

/** Whether `id` is named by one of `patterns`: the id itself or a dotted prefix of it. */
export function selected(id: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => id === p || id.startsWith(`${p}.`));
}

/** Thrown inside a check when a call it needs timed out: the timeout is reported once, by `timeouts`. */
export class Inconclusive extends Error {}
