// Generic protocol checks (concourse-semantics §1.1–1.6, checklist §1.10) over the calls of protocol-calls.ts.
import {
  checkVersions,
  describeExit,
  outputValue,
  responseVersion,
  succeeded,
  type Call,
} from '../harness/call.js';
import { findStackTrace } from '../protocol/stack-trace.js';
import { sameVersion, showVersion, versionKey, type Version } from '../protocol/types.js';
import { Inconclusive, skipped, verdict, type CheckResult } from './check-result.js';
import type { OutCalls, ReadCalls } from './protocol-calls.js';
import type { SuiteConfig } from './suite-config.js';

function judge(
  id: string,
  title: string,
  calls: (Call | undefined)[],
  body: (reasons: string[]) => void,
): CheckResult {
  const ids = calls.flatMap((c) => (c ? [c.id] : []));
  try {
    const reasons: string[] = [];
    body(reasons);
    return verdict(id, title, reasons, ids);
  } catch (error) {
    if (error instanceof Inconclusive) return skipped(id, title, error.message, ids);
    throw error;
  }
}

/** Throws Inconclusive for timed-out calls; returns the reason a call failed, or undefined. */
function failure(call: Call): string | undefined {
  if (call.result.timedOut)
    throw new Inconclusive(`inconclusive: ${call.label} timed out (reported by timeouts)`);
  return succeeded(call) ? undefined : `${call.label}: ${describeExit(call)}`;
}

function versionsOf(call: Call, reasons: string[]): Version[] | undefined {
  const why = failure(call);
  if (why) {
    reasons.push(why);
    return undefined;
  }
  const versions = checkVersions(call);
  if (!versions) reasons.push(`${call.label}: output is not a JSON array`);
  return versions;
}

export function judgeReadCalls(read: ReadCalls): CheckResult[] {
  const results: CheckResult[] = [];
  results.push(
    judge('check.initial', 'check without a version succeeds with an array', read.initial, (reasons) => {
      if (read.initial[0]) versionsOf(read.initial[0], reasons);
    }),
  );

  const [a, b] = read.fromLatest;
  if (!read.latest || !a || !b) {
    const why = 'check returned no versions to start from';
    results.push(skipped('check.from-latest', 'check from the latest version includes it, last', why));
  } else {
    const latest = read.latest;
    results.push(
      judge('check.from-latest', 'check from the latest version includes it, last', [a], (reasons) => {
        const versions = versionsOf(a, reasons);
        if (!versions) return;
        if (!versions.some((v) => sameVersion(v, latest)))
          reasons.push(`requested version ${showVersion(latest)} is missing from ${showVersion(versions)}`);
        else if (!sameVersion(versions.at(-1), latest))
          reasons.push(
            `does not end with requested version ${showVersion(latest)}: ${showVersion(versions)}`,
          );
      }),
    );
  }

  if (!read.latest || !read.checkUnknown) {
    results.push(
      skipped('check.from-unknown', 'check from a vanished version returns the current one', 'no versions'),
    );
  } else {
    const latest = read.latest;
    const call = read.checkUnknown;
    results.push(
      judge(
        'check.from-unknown',
        'check from a vanished version returns the current one',
        [call],
        (reasons) => {
          const versions = versionsOf(call, reasons);
          if (versions && !sameVersion(versions.at(-1), latest))
            reasons.push(
              `expected to end with the current version ${showVersion(latest)}, got ${showVersion(versions)}`,
            );
        },
      ),
    );
  }

  const pairs = [read.initial, read.fromLatest].filter((p) => p.length === 2);
  results.push(
    judge(
      'check.idempotent',
      'check gives the same answer twice (with /tmp kept)',
      pairs.flat(),
      (reasons) => {
        for (const [x, y] of pairs) {
          if (!x || !y) continue;
          if (x.result.timedOut || y.result.timedOut)
            throw new Inconclusive(`inconclusive: ${x.label} timed out`);
          if (x.result.exitCode !== y.result.exitCode) {
            reasons.push(`${x.label}: exit ${x.result.exitCode}, then ${y.result.exitCode}`);
            continue;
          }
          const vx = checkVersions(x);
          const vy = checkVersions(y);
          if (JSON.stringify(vx?.map(versionKey)) !== JSON.stringify(vy?.map(versionKey)))
            reasons.push(`${x.label}: ${showVersion(vx)}, then ${showVersion(vy)}`);
        }
      },
    ),
  );

  if (!read.latest || !read.inLatest) {
    results.push(
      skipped(
        'in.echoes-version',
        'in fetches the latest version and echoes it',
        'check returned no versions',
      ),
    );
  } else {
    const latest = read.latest;
    const call = read.inLatest;
    results.push(
      judge('in.echoes-version', 'in fetches the latest version and echoes it', [call], (reasons) => {
        const why = failure(call);
        if (why) return void reasons.push(why);
        const echoed = responseVersion(call);
        if (!sameVersion(echoed, latest))
          reasons.push(
            `requested ${showVersion(latest)}, in answered ${showVersion(echoed ?? outputValue(call))}`,
          );
      }),
    );
  }

  results.push(
    judge(
      'in.missing-version',
      'in exits non-zero for a version that does not exist',
      [read.inMissing],
      (reasons) => {
        const call = read.inMissing;
        if (call.result.timedOut) throw new Inconclusive(`inconclusive: ${call.label} timed out`);
        if (call.result.exitCode === 0)
          reasons.push(
            `exit 0 for ${showVersion(read.unknown)}, answered ${call.result.stdout.trim().slice(0, 120)}`,
          );
      },
    ),
  );
  return results;
}

export function judgeOutCalls(config: SuiteConfig, read: ReadCalls, outs: OutCalls): CheckResult[] {
  const results: CheckResult[] = [];
  const title = 'out creates a version that in fetches and check finds';
  const { out, inOut, checkAfterOut } = outs;
  if (config.putParams === undefined || !out) {
    results.push(skipped('out.round-trip', title, 'no put params given (--params)'));
  } else {
    results.push(
      judge('out.round-trip', title, [out, inOut, checkAfterOut], (reasons) => {
        const why = failure(out);
        if (why) return void reasons.push(why);
        const created = responseVersion(out);
        if (!created || !inOut || !checkAfterOut)
          return void reasons.push(`out returned no version: ${out.result.stdout.trim().slice(0, 120)}`);
        const inWhy = failure(inOut);
        if (inWhy) reasons.push(inWhy);
        else if (!sameVersion(responseVersion(inOut), created))
          reasons.push(`in of ${showVersion(created)} answered ${showVersion(responseVersion(inOut))}`);
        const versions = versionsOf(checkAfterOut, reasons);
        if (versions && !sameVersion(versions.at(-1), created))
          reasons.push(
            `${checkAfterOut.label} should end with ${showVersion(created)}, got ${showVersion(versions)}`,
          );
      }),
    );
  }

  const noStack = (calls: (Call | undefined)[], reasons: string[]): void => {
    for (const call of calls) {
      if (!call || call.result.timedOut) continue;
      const stack = findStackTrace(call.result.stderr);
      if (stack) reasons.push(`${call.label}: ${stack}`);
      else if (!succeeded(call) && call.result.stderr.trim() === '')
        reasons.push(`${call.label}: failed with nothing on stderr`);
    }
  };
  const absent = [read.inNoParams, outs.outNoParams];
  results.push(
    judge('robust.absent-params', 'absent params never crash with a stack trace', absent, (r) =>
      noStack(absent, r),
    ),
  );
  const nulls = [read.checkNullSource, read.inNullSource, outs.outNullSource];
  results.push(
    judge('robust.null-source', 'source: null never crashes with a stack trace', nulls, (r) =>
      noStack(nulls, r),
    ),
  );
  return results;
}

export function judgeOrder(read: ReadCalls, outs: OutCalls): CheckResult {
  const title = 'check lists versions oldest to newest';
  const { checkAfterOut, out } = outs;
  if (!read.latest || !checkAfterOut || !out || !succeeded(checkAfterOut))
    return skipped('check.order', title, 'needs an out round-trip from an existing version');
  const created = responseVersion(out);
  const versions = checkVersions(checkAfterOut) ?? [];
  const keys = versions.map(versionKey);
  const before = keys.indexOf(versionKey(read.latest));
  const after = created ? keys.indexOf(versionKey(created)) : -1;
  const reasons =
    before >= 0 && after >= 0 && before > after
      ? [
          `${checkAfterOut.label}: new version ${showVersion(created)} listed before older ${showVersion(read.latest)}`,
        ]
      : [];
  return verdict('check.order', title, reasons, [checkAfterOut.id]);
}
