// Generic protocol checks (concourse-semantics §1.1–1.6, checklist §1.10): they need no knowledge of the resource.
import type { Harness } from '../harness/harness.js';
import {
  checkVersions,
  describeExit,
  outputValue,
  responseVersion,
  strictOutput,
  succeeded,
  type Call,
} from '../harness/call.js';
import { findStackTrace } from '../protocol/stack-trace.js';
import {
  isPlainObject,
  sameVersion,
  SCRIPTS,
  showVersion,
  versionKey,
  type Version,
} from '../protocol/types.js';
import { Inconclusive, skipped, verdict, type CheckResult } from './check-result.js';
import type { SuiteConfig } from './suite-config.js';

export interface ReadCalls {
  initial: Call[];
  latest: Version | undefined;
  unknown: Version;
  fromLatest: Call[];
  checkUnknown: Call | undefined;
  inLatest: Call | undefined;
  inMissing: Call;
  inNoParams: Call | undefined;
  checkNullSource: Call;
  inNullSource: Call;
}

export interface OutCalls {
  out: Call | undefined;
  inOut: Call | undefined;
  checkAfterOut: Call | undefined;
  outNoParams: Call;
  outNullSource: Call;
}

/** Availability as the subject reports it, plus any call the shell could not start (exit 126/127). */
export async function executablesCheck(harness: Harness): Promise<CheckResult> {
  const reasons: string[] = [];
  for (const script of SCRIPTS) {
    const availability = await harness.subject.available(script);
    if (!availability.ok) reasons.push(availability.reason);
  }
  for (const script of SCRIPTS) {
    const call = harness.calls.find(
      (c) =>
        c.script === script &&
        (c.result.exitCode === 126 || c.result.exitCode === 127) &&
        /not found|No such file|Permission denied|cannot execute/i.test(c.result.stderr),
    );
    if (call) reasons.push(`${script} could not be started: ${call.result.stderr.trim().split('\n')[0]}`);
  }
  return verdict('executables', 'check, in and out all exist and are executable', reasons);
}

/** Makes a version of the same shape that the remote cannot have. */
export function unknownVersionLike(version: Version | undefined): Version {
  const token = `hangar-conformance-missing-${Date.now().toString(36)}`;
  if (version === undefined || Object.keys(version).length === 0) return { version: token };
  return Object.fromEntries(Object.keys(version).map((k) => [k, token]));
}

/** Phase 1: calls that must not change the remote. */
export async function runReadCalls(harness: Harness, config: SuiteConfig): Promise<ReadCalls> {
  const { source, getParams } = config;
  const checkTwice = (): Promise<Call[]> =>
    Promise.all([
      harness.call('check', { source }, { label: 'check (no version)', purpose: 'protocol' }),
      harness.call('check', { source }, { label: 'check (no version, again)', purpose: 'protocol' }),
    ]);
  let initial = await checkTwice();
  const none = (calls: Call[]): boolean =>
    calls[0] !== undefined && succeeded(calls[0]) && checkVersions(calls[0])?.length === 0;
  if (none(initial) && config.putParams !== undefined) {
    // An empty remote: let out create the first version, so in and check have something to work on.
    const label = 'out (seeding an empty remote)';
    await harness.call(
      'out',
      { source, params: config.putParams },
      { label, purpose: 'protocol', ...(config.inputs ? { inputs: config.inputs } : {}) },
    );
    initial = await checkTwice();
  }
  const first = initial[0] && succeeded(initial[0]) ? checkVersions(initial[0]) : undefined;
  const latest = first?.at(-1);
  const unknown = unknownVersionLike(latest);
  const get = (version: Version, label: string, params = getParams): Promise<Call> =>
    harness.call('in', { source, version, params }, { label, purpose: 'protocol' });

  const [fromLatest, checkUnknown, inLatest, inMissing, inNoParams, checkNullSource, inNullSource] =
    await Promise.all([
      latest
        ? Promise.all([
            harness.call(
              'check',
              { source, version: latest },
              { label: 'check (from latest)', purpose: 'protocol' },
            ),
            harness.call(
              'check',
              { source, version: latest },
              { label: 'check (from latest, again)', purpose: 'protocol' },
            ),
          ])
        : Promise.resolve([]),
      latest
        ? harness.call(
            'check',
            { source, version: unknown },
            { label: 'check (from unknown version)', purpose: 'protocol' },
          )
        : Promise.resolve(undefined),
      latest ? get(latest, 'in (latest)') : Promise.resolve(undefined),
      get(unknown, 'in (version that does not exist)'),
      // Without get params the in (latest) request already has no params key: no need to send it twice.
      latest && Object.keys(getParams ?? {}).length > 0
        ? get(latest, 'in (no params)', undefined)
        : Promise.resolve(undefined),
      harness.call('check', { source: null }, { label: 'check (source: null)', purpose: 'protocol' }),
      harness.call(
        'in',
        { source: null, version: latest ?? unknown },
        { label: 'in (source: null)', purpose: 'protocol' },
      ),
    ]);
  return {
    initial,
    latest,
    unknown,
    fromLatest,
    checkUnknown,
    inLatest,
    inMissing,
    inNoParams: inNoParams ?? inLatest,
    checkNullSource,
    inNullSource,
  };
}

/** Phase 3: the put round-trip, then the calls that may change the remote. */
export async function runOutCalls(
  harness: Harness,
  config: SuiteConfig,
  latest: Version | undefined,
): Promise<OutCalls> {
  const { source, putParams, getParams, inputs } = config;
  let out: Call | undefined;
  let inOut: Call | undefined;
  let checkAfterOut: Call | undefined;
  if (putParams !== undefined) {
    out = await harness.call(
      'out',
      { source, params: putParams },
      { label: 'out', purpose: 'protocol', ...(inputs ? { inputs } : {}) },
    );
    const created = succeeded(out) ? responseVersion(out) : undefined;
    if (created) {
      [inOut, checkAfterOut] = await Promise.all([
        harness.call(
          'in',
          { source, version: created, params: getParams },
          { label: 'in (version from out)', purpose: 'protocol' },
        ),
        harness.call('check', latest ? { source, version: latest } : { source }, {
          label: 'check (after out)',
          purpose: 'protocol',
        }),
      ]);
    }
  }
  const [outNoParams, outNullSource] = await Promise.all([
    harness.call(
      'out',
      { source },
      { label: 'out (no params)', purpose: 'protocol', ...(inputs ? { inputs } : {}) },
    ),
    harness.call(
      'out',
      { source: null, params: putParams },
      { label: 'out (source: null)', purpose: 'protocol', ...(inputs ? { inputs } : {}) },
    ),
  ]);
  return { out, inOut, checkAfterOut, outNoParams, outNullSource };
}

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

/** Rules every call must keep, judged over all calls of the given purposes. */
export function judgeEveryCall(calls: Call[]): CheckResult[] {
  const kept = calls.filter((c) => c.purpose !== 'bad-input' && succeeded(c));
  const ids = kept.map((c) => c.id);
  const results: CheckResult[] = [];

  const jsonReasons: string[] = [];
  for (const call of kept) {
    const parsed = strictOutput(call);
    if (!parsed.ok) jsonReasons.push(`${call.label}: ${parsed.reason}`);
  }
  results.push(
    verdict('stdout.json', 'stdout carries exactly one JSON value; logs go to stderr', jsonReasons, ids),
  );

  const shape: string[] = [];
  const strings: string[] = [];
  const empty: string[] = [];
  for (const call of kept) {
    const value = outputValue(call);
    const versions: unknown[] = [];
    if (call.script === 'check') {
      if (value !== null && value !== undefined && !Array.isArray(value))
        shape.push(`${call.label}: output is not an array`);
      if (Array.isArray(value)) versions.push(...(value as unknown[]));
    } else if (!isPlainObject(value)) {
      shape.push(`${call.label}: output is not an object`);
    } else {
      versions.push(value['version']);
      const metadata = value['metadata'];
      if (metadata !== undefined && metadata !== null) {
        if (!Array.isArray(metadata)) shape.push(`${call.label}: metadata is not an array`);
        else
          for (const entry of metadata as unknown[])
            if (
              !isPlainObject(entry) ||
              typeof entry['name'] !== 'string' ||
              typeof entry['value'] !== 'string'
            )
              shape.push(
                `${call.label}: metadata entry ${JSON.stringify(entry)} is not {name, value} strings`,
              );
      }
    }
    for (const version of versions) {
      if (!isPlainObject(version)) {
        shape.push(`${call.label}: version ${JSON.stringify(version)} is not an object`);
        continue;
      }
      if (Object.keys(version).length === 0) empty.push(`${call.label}: returned the empty version {}`);
      const bad = Object.entries(version).filter(([, v]) => typeof v !== 'string');
      if (bad.length > 0)
        strings.push(
          `${call.label}: ${bad.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')} not a string`,
        );
    }
  }
  results.push(
    verdict(
      'response.shape',
      'check answers an array of versions; in/out answer {version, metadata}',
      shape,
      ids,
    ),
  );
  results.push(verdict('versions.strings', 'every version value is a string', strings, ids));
  results.push(verdict('versions.not-empty', 'no empty {} version', empty, ids));

  const order: string[] = [];
  for (const call of kept.filter((c) => c.script === 'check')) {
    const versions = checkVersions(call) ?? [];
    const keys = versions.map(versionKey);
    const dupes = keys.filter((k, i) => keys.indexOf(k) !== i);
    if (dupes.length > 0) order.push(`${call.label}: duplicate versions ${[...new Set(dupes)].join(', ')}`);
  }
  results.push(verdict('check.unique', 'check output has no duplicate versions', order, ids));

  const ins = calls.filter((c) => c.script === 'in' && c.purpose !== 'bad-input');
  const outside = ins.flatMap((c) =>
    c.writesOutsideDest.length > 0
      ? [`${c.label}: wrote ${c.writesOutsideDest.slice(0, 5).join(', ')} outside $1`]
      : [],
  );
  results.push(
    verdict(
      'in.writes-in-destination',
      'in writes only inside its destination $1',
      outside,
      ins.map((c) => c.id),
    ),
  );

  const late = calls.filter((c) => c.result.timedOut);
  results.push(
    verdict(
      'timeouts',
      'every call finishes within the timeout',
      late.map((c) => `${c.label}: still running after ${c.result.durationMs} ms, killed`),
      calls.map((c) => c.id),
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
