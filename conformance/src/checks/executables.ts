// The subject has all three scripts and they can be started.
import type { Harness } from '../harness/harness.js';
import { SCRIPTS } from '../protocol/types.js';
import { verdict, type CheckResult } from './check-result.js';

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
