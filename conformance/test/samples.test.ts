// The gallery: a well-behaved sample passes everything; each broken variant is caught by exactly the
// check meant to catch it. A harness that passes a broken resource is a bug.
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { levelOf } from '../src/checks/catalog.js';
import { failing, parseReport, quickArgs, runCli, SAMPLE, sampleRemote } from './sample-remote.js';

async function verdictFor(flaw: string | undefined, timeoutMs: number, corpus: boolean) {
  const remote = await sampleRemote();
  try {
    const cmd = `node ${SAMPLE}${flaw ? ` --flaw ${flaw}` : ''}`;
    const args = ['--cmd', cmd, ...quickArgs(remote), '--timeout', String(timeoutMs), '--json'];
    if (!corpus) args.push('--skip', 'bad-input');
    const { code, stdout, stderr } = await runCli(args);
    expect(stderr).toBe('');
    return { code, report: parseReport(stdout) };
  } finally {
    await remote.cleanup();
  }
}

describe.concurrent('sample resources in quick mode', () => {
  test('the well-behaved sample passes every check', async () => {
    const { code, report } = await verdictFor(undefined, 20_000, true);
    expect(failing(report)).toEqual([]);
    expect(report.recommendations).toEqual([]);
    expect(report.totals.skipped).toBe(0);
    expect(report.totals.passed).toBeGreaterThanOrEqual(30);
    expect(code).toBe(0);
  });

  // The bad-input corpus (42 calls) runs in full where the flaw is on the input or error path; the other
  // flaws sit after input validation, where the corpus cannot reach them, so it is skipped to save CPU.
  const gallery: [flaw: string, caughtBy: string[], corpus: boolean, timeoutMs?: number][] = [
    ['logs-to-stdout', ['stdout.json'], false],
    ['numeric-versions', ['versions.strings'], false],
    ['empty-version', ['versions.not-empty'], false],
    ['writes-parent', ['in.writes-in-destination'], false],
    ['echoes-secret', ['secrets.not-leaked'], true],
    ['crash-absent-params', ['robust.absent-params'], true],
    ['drops-requested', ['check.from-latest'], false],
    ['hangs', ['timeouts'], false, 2_000],
    ['leaks-argv', ['secrets.not-in-processes'], false],
    ['key-in-file', ['secrets.not-leaked'], false],
    // Slow on hostile input is a SHOULD; `timeouts` (MUST) judges well-formed requests only.
    ['slow-on-huge-input', ['bad-input.huge-string'], true, 4_000],
  ];
  test('a secret in a declared output is allowed', async () => {
    const remote = await sampleRemote();
    try {
      const cmd = `node ${SAMPLE} --flaw key-in-file`;
      const args = ['--cmd', cmd, ...quickArgs(remote), '--skip', 'bad-input', '--json'];
      const declared = await runCli([...args, '--secret-output', '/tmp/build/get/key']);
      expect(failing(parseReport(declared.stdout))).toEqual([]);
      const undeclared = await runCli(args);
      const leak = parseReport(undeclared.stdout).suites[0]?.results.find(
        (r) => r.id === 'secrets.not-leaked',
      );
      expect(leak?.reasons).toContain(
        'source.private_key leaked in file /tmp/build/get/key written by in (latest) [canary]',
      );
    } finally {
      await remote.cleanup();
    }
  });

  test('an empty remote is seeded with out before in and check are judged', async () => {
    const remote = await sampleRemote();
    try {
      await rm(path.join(remote.dir, '1'));
      await rm(path.join(remote.dir, '2'));
      const { code, stdout } = await runCli([
        '--cmd',
        `node ${SAMPLE}`,
        ...quickArgs(remote),
        '--skip',
        'bad-input',
        '--json',
      ]);
      const report = parseReport(stdout);
      expect(failing(report)).toEqual([]);
      expect(report.totals.skipped).toBe(12);
      expect(code).toBe(0);
    } finally {
      await remote.cleanup();
    }
  });

  test('a command that does not exist fails `executables`', async () => {
    const remote = await sampleRemote();
    try {
      const args = [
        '--cmd',
        '/nonexistent/resource',
        '--source',
        JSON.stringify({ dir: remote.dir }),
        '--json',
      ];
      const { code, stdout } = await runCli([...args, '--skip', 'bad-input']);
      const executables = parseReport(stdout).suites[0]?.results.find((r) => r.id === 'executables');
      expect(executables?.status).toBe('fail');
      expect(executables?.reasons[0]).toMatch(/^check could not be started: .*not found/);
      expect(code).toBe(1);
    } finally {
      await remote.cleanup();
    }
  });

  // A MUST flaw fails the run; a SHOULD flaw is a recommendation only (exit 0).
  test.for(gallery)('%s is caught by exactly %j', async ([flaw, caughtBy, corpus, timeoutMs]) => {
    const { code, report } = await verdictFor(flaw, timeoutMs ?? 20_000, corpus);
    const must = caughtBy.filter((id) => levelOf(id) === 'must');
    expect(failing(report)).toEqual(must);
    expect(report.recommendations).toEqual(caughtBy.filter((id) => levelOf(id) === 'should'));
    expect(code).toBe(must.length > 0 ? 1 : 0);
  });
});
