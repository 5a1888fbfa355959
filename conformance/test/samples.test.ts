// The gallery: a well-behaved sample passes everything; each broken variant is caught by exactly the
// check meant to catch it. A harness that passes a broken resource is a bug.
import { describe, expect, test } from 'vitest';
import { failing, parseReport, quickArgs, runCli, SAMPLE, sampleRemote } from './sample-remote.js';

async function verdictFor(flaw: string | undefined, timeoutMs: number) {
  const remote = await sampleRemote();
  try {
    const cmd = `node ${SAMPLE}${flaw ? ` --flaw ${flaw}` : ''}`;
    const args = [
      '--cmd',
      cmd,
      ...quickArgs(remote),
      '--timeout',
      String(timeoutMs),
      '--concurrency',
      '3',
      '--json',
    ];
    const { code, stdout, stderr } = await runCli(args);
    expect(stderr).toBe('');
    return { code, report: parseReport(stdout) };
  } finally {
    await remote.cleanup();
  }
}

describe.concurrent('sample resources in quick mode', () => {
  test('the well-behaved sample passes every check', async () => {
    const { code, report } = await verdictFor(undefined, 20_000);
    expect(failing(report)).toEqual([]);
    expect(report.totals.skipped).toBe(0);
    expect(report.totals.passed).toBeGreaterThanOrEqual(30);
    expect(code).toBe(0);
  });

  const gallery: [flaw: string, caughtBy: string[], timeoutMs?: number][] = [
    ['logs-to-stdout', ['stdout.json']],
    ['numeric-versions', ['versions.strings']],
    ['empty-version', ['versions.not-empty']],
    ['writes-parent', ['in.writes-in-destination']],
    ['echoes-secret', ['secrets.not-leaked']],
    ['crash-absent-params', ['robust.absent-params']],
    ['drops-requested', ['check.from-latest']],
    ['hangs', ['timeouts'], 2_000],
    ['leaks-argv', ['secrets.not-leaked']],
  ];
  test.for(gallery)('%s is caught by exactly %j', async ([flaw, caughtBy, timeoutMs]) => {
    const { code, report } = await verdictFor(flaw, timeoutMs ?? 20_000);
    expect(failing(report)).toEqual(caughtBy);
    expect(code).toBe(1);
  });
});
