// One invocation of a resource script by the harness, and what came of it.
import { parseLenient, parseStrict, type StrictParse } from '../protocol/stdout.js';
import { isPlainObject, normalizeVersion, type Script, type Version } from '../protocol/types.js';
import type { Mount, RunResult } from '../subjects/subject.js';
export { containerPath } from '../subjects/mounts.js';

/** Why the call was made: protocol calls are held to every output rule; bad input and canaries have their own. */
export type CallPurpose = 'protocol' | 'bad-input' | 'canary' | 'case';

export interface Call {
  id: number;
  label: string;
  script: Script;
  purpose: CallPurpose;
  /** The request as sent (a preview for reports when it is huge or not text). */
  stdinPreview: string;
  result: RunResult;
  /** Host directory passed as $1 (in/out). */
  dest?: string;
  /** Paths (relative to the call's sandbox) written outside $1 and the scratch /tmp and $HOME. */
  writesOutsideDest: string[];
  /** Absolute paths of every file the call created or changed in its sandbox. */
  filesWritten: string[];
  /** The call's directories and where Concourse would mount them. */
  mounts: Mount[];
}

export function succeeded(call: Call): boolean {
  return call.result.exitCode === 0 && !call.result.timedOut && call.result.spawnError === undefined;
}

export function strictOutput(call: Call): StrictParse {
  return parseStrict(call.result.stdout);
}

/** The output value, tolerating log lines around it (their presence is judged by `stdout-json` alone). */
export function outputValue(call: Call): unknown {
  const strict = parseStrict(call.result.stdout);
  if (strict.ok) return strict.value;
  const lenient = parseLenient(call.result.stdout);
  return lenient.found ? lenient.value : undefined;
}

/** check output as normalized versions, dropping entries that are not objects or are empty. */
export function checkVersions(call: Call): Version[] | undefined {
  const value = outputValue(call);
  if (value === null) return [];
  if (!Array.isArray(value)) return undefined;
  return value.flatMap((entry) => {
    const version = normalizeVersion(entry);
    return version && Object.keys(version).length > 0 ? [version] : [];
  });
}

/** in/out output version, normalized. */
export function responseVersion(call: Call): Version | undefined {
  const value = outputValue(call);
  return isPlainObject(value) ? normalizeVersion(value['version']) : undefined;
}

export function describeExit(call: Call): string {
  const r = call.result;
  if (r.spawnError !== undefined) return `could not start: ${r.spawnError}`;
  if (r.timedOut) return `timed out after ${r.durationMs} ms`;
  if (r.signal !== null) return `killed by ${r.signal}`;
  const stderr = r.stderr.trim().split('\n')[0] ?? '';
  return `exit ${r.exitCode}${stderr ? `: ${stderr.slice(0, 160)}` : ''}`;
}
