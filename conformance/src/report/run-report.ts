// The outcome of one harness run, independent of how it is printed.
import type { Call } from '../harness/call.js';
import type { CheckResult, CheckStatus } from '../checks/check-result.js';

export interface SuiteReport {
  /** `generic` for the protocol suite, the case's name for a case file. */
  name: string;
  results: CheckResult[];
}

export interface CallSummary {
  id: number;
  label: string;
  script: string;
  exitCode: number | null;
  timedOut: boolean;
  durationMs: number;
}

export interface RunReport {
  subject: string;
  /** Whether SHOULD checks counted as failures (--strict). */
  strict: boolean;
  durationMs: number;
  suites: SuiteReport[];
  calls: CallSummary[];
}

export interface Totals {
  passed: number;
  failed: number;
  /** SHOULD checks not met: recommendations, not failures. */
  warned: number;
  skipped: number;
}

export function totals(report: RunReport): Totals {
  const all = report.suites.flatMap((s) => s.results);
  return {
    passed: all.filter((r) => r.status === 'pass').length,
    failed: all.filter((r) => r.status === 'fail').length,
    warned: all.filter((r) => r.status === 'warn').length,
    skipped: all.filter((r) => r.status === 'skip').length,
  };
}

export function summarizeCalls(calls: Call[]): CallSummary[] {
  return [...calls]
    .sort((a, b) => a.id - b.id)
    .map((c) => ({
      id: c.id,
      label: c.label,
      script: c.script,
      exitCode: c.result.exitCode,
      timedOut: c.result.timedOut,
      durationMs: c.result.durationMs,
    }));
}

/** Ids of the checks with `status`, sorted, e.g. for tests: `['check.from-latest']`. */
function idsWith(report: RunReport, status: CheckStatus): string[] {
  return report.suites.flatMap((s) => s.results.filter((r) => r.status === status).map((r) => r.id)).sort();
}

/** Ids of the checks that fail the verdict: MUSTs, and SHOULDs under --strict. */
export function failingChecks(report: RunReport): string[] {
  return idsWith(report, 'fail');
}

/** Ids of the SHOULD checks reported as recommendations. */
export function recommendations(report: RunReport): string[] {
  return idsWith(report, 'warn');
}
