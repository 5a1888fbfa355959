// The generic suite: read-only protocol calls, then the bad-input corpus, then the put round-trip,
// then the secret canaries; finally the rules every call must keep.
import { Harness } from '../harness/harness.js';
import { GENERIC_CHECKS } from './catalog.js';
import { selected, type CheckResult } from './check-result.js';
import { runBadInput } from './bad-input.js';
import { runCanaries } from './canaries.js';
import { executablesCheck } from './executables.js';
import { homeCheck } from './home.js';
import { judgeEveryCall } from './output-rules.js';
import { runOutCalls, runReadCalls } from './protocol-calls.js';
import { judgeOrder, judgeOutCalls, judgeReadCalls } from './protocol.js';
import type { SuiteConfig } from './suite-config.js';

/** Report order: the catalog's, then the bad-input corpus (the sort is stable: corpus order stays). */
function rank(id: string): number {
  const index = GENERIC_CHECKS.findIndex((c) => c.id === id);
  return index >= 0 ? index : GENERIC_CHECKS.length;
}

export async function runGenericSuite(harness: Harness, config: SuiteConfig): Promise<CheckResult[]> {
  const read = await runReadCalls(harness, config);
  const badInput = await runBadInput(harness, config, read.latest ?? read.unknown);
  const outs = await runOutCalls(harness, config, read.latest);
  const secrets = await runCanaries(harness, config, read.latest, read.unknown);
  const executables = await executablesCheck(harness);
  const results = [
    executables,
    ...judgeReadCalls(read),
    ...judgeOutCalls(config, read, outs),
    judgeOrder(read, outs),
    ...judgeEveryCall(harness.calls),
    ...badInput,
    ...secrets,
    await homeCheck(harness),
  ];
  const skip = config.skip ?? [];
  const notApplicable = config.notApplicable ?? {};
  results.sort((a, b) => rank(a.id) - rank(b.id)); // stable: bad-input keeps corpus order
  return results.map((r) => {
    if (r.status === 'skip') return r;
    const reason = notApplicable[r.id];
    if (reason !== undefined) return { ...r, status: 'skip', reasons: [`not applicable: ${reason}`] };
    return selected(r.id, skip) ? { ...r, status: 'skip', reasons: ['skipped (--skip)'] } : r;
  });
}
