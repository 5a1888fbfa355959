// One harness run: quick mode (a source given on the command line) and/or case files, into one report.
import { settle } from './checks/check-result.js';
import { runGenericSuite } from './checks/suite.js';
import type { SuiteConfig } from './checks/suite-config.js';
import type { LoadedCase } from './cases/format.js';
import { runCase } from './cases/run-case.js';
import { Harness, type HarnessOptions } from './harness/harness.js';
import { summarizeCalls, type RunReport, type SuiteReport } from './report/run-report.js';
import type { Subject } from './subjects/subject.js';
import type { Call } from './harness/call.js';

export interface ConformanceRun {
  subject: Subject;
  harness: HarnessOptions;
  /** Quick mode: the generic suite with this configuration. */
  quick?: SuiteConfig | undefined;
  cases?: LoadedCase[] | undefined;
  /** Check ids or prefixes not to run, in quick mode and in every case. */
  skip?: string[] | undefined;
  /** SHOULD checks that do not pass fail the run too, instead of being recommendations. */
  strict?: boolean | undefined;
}

export async function runConformance(run: ConformanceRun): Promise<RunReport> {
  const started = performance.now();
  const suites: SuiteReport[] = [];
  const calls: Call[] = [];
  if (run.quick) {
    const harness = await Harness.create(run.subject, run.harness);
    try {
      suites.push({ name: 'generic', results: await runGenericSuite(harness, run.quick) });
      calls.push(...harness.calls);
    } finally {
      await harness.dispose();
    }
  }
  for (const loaded of run.cases ?? []) {
    const outcome = await runCase(loaded, run.subject, run.harness, run.skip ?? []);
    suites.push(outcome.suite);
    calls.push(...outcome.calls);
  }
  const strict = run.strict ?? false;
  return {
    subject: run.subject.description,
    strict,
    durationMs: Math.round(performance.now() - started),
    suites: suites.map((s) => ({ ...s, results: s.results.map((r) => settle(r, strict)) })),
    calls: summarizeCalls(calls),
  };
}
