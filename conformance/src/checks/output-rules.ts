// Rules every successful call must keep, whatever it was for (an accepted bad input too): the shape of
// stdout and of versions, where in writes, and the per-call timeout.
import { checkVersions, outputValue, strictOutput, succeeded, type Call } from '../harness/call.js';
import { isPlainObject, versionKey } from '../protocol/types.js';
import { verdict, type CheckResult } from './check-result.js';

/** Rules every call must keep, judged over all calls of the given purposes. */
export function judgeEveryCall(unordered: Call[]): CheckResult[] {
  const calls = [...unordered].sort((a, b) => a.id - b.id); // reasons in call order, whatever finished first
  // Exit 0 is an answer Concourse would read, whatever the request was.
  const kept = calls.filter(succeeded);
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

  // A well-formed request that never ends stalls the pipeline; slowness on hostile input (the bad-input
  // corpus) is judged by its own SHOULD entry.
  const wellFormed = calls.filter((c) => c.purpose !== 'bad-input');
  results.push(
    verdict(
      'timeouts',
      'every call with a well-formed request finishes within the timeout',
      wellFormed.filter((c) => c.result.timedOut).map(lateReason),
      wellFormed.map((c) => c.id),
    ),
  );
  return results;
}

export function lateReason(call: Call): string {
  return `${call.label}: still running after ${call.result.durationMs} ms, killed`;
}
