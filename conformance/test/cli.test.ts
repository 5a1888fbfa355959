// The CLI as users meet it: one real subprocess run, the --dir subject, case files, reports, usage errors.
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import {
  CASES,
  failing,
  PACKAGE_ROOT,
  parseReport,
  quickArgs,
  runCli,
  SAMPLE,
  SAMPLE_DIR,
  sampleRemote,
} from './sample-remote.js';

const exec = promisify(execFile);

describe.concurrent('hangar-conformance', () => {
  test('runs as a real process: human report, JUnit file, exit 0', async () => {
    const remote = await sampleRemote();
    try {
      const junit = path.join(remote.root, 'report.xml');
      const args = [
        '--import',
        'tsx',
        'src/bin.ts',
        '--cmd',
        `node ${SAMPLE}`,
        ...quickArgs(remote),
        '--skip',
        'bad-input', // run in full in-process by samples.test.ts
        '--junit',
        junit,
      ];
      const { stdout, stderr } = await exec(process.execPath, args, {
        cwd: PACKAGE_ROOT,
        env: { ...process.env, NO_COLOR: '1' },
      });
      expect(stderr).toBe('');
      expect(stdout).toContain('✓ check.from-latest');
      expect(stdout).toContain('0 failed');
      expect(stdout).toMatch(/CONFORMANT\n$/);
      expect(stdout).not.toContain('\u001b[');
      const xml = await readFile(junit, 'utf8');
      expect(xml).toContain('<testsuite name="generic"');
      expect(xml).toContain('<testcase classname="generic" name="secrets.not-leaked"/>');
      expect(xml).toContain('failures="0"');
    } finally {
      await remote.cleanup();
    }
  });

  test('a real process exits 1 with failures in the JUnit report', async () => {
    const remote = await sampleRemote();
    try {
      const junit = path.join(remote.root, 'report.xml');
      const args = [
        '--import',
        'tsx',
        'src/bin.ts',
        '--cmd',
        `node ${SAMPLE} --flaw numeric-versions`,
        ...quickArgs(remote),
        '--skip',
        'bad-input',
        '--junit',
        junit,
      ];
      const failure = await exec(process.execPath, args, { cwd: PACKAGE_ROOT }).then(
        () => undefined,
        (error: { code: number; stdout: string }) => error,
      );
      expect(failure?.code).toBe(1);
      expect(failure?.stdout).toContain('NOT CONFORMANT');
      expect(await readFile(junit, 'utf8')).toMatch(
        /name="versions.strings"><failure type="MUST" message=".*">check \(no version\): number=2 not a string/,
      );
    } finally {
      await remote.cleanup();
    }
  });

  test('--dir runs check/in/out executables from a directory', async () => {
    const remote = await sampleRemote();
    try {
      const { code, stdout } = await runCli([
        '--dir',
        SAMPLE_DIR,
        ...quickArgs(remote),
        '--skip',
        'bad-input',
        '--json',
      ]);
      const report = parseReport(stdout);
      expect(failing(report)).toEqual([]);
      expect(report.totals.skipped).toBe(12); // the bad-input corpus, covered by the --cmd gallery
      expect(code).toBe(0);
    } finally {
      await remote.cleanup();
    }
  });

  test('--dir without an out executable fails `executables`', async () => {
    const remote = await sampleRemote();
    const dir = await mkdtemp(path.join(tmpdir(), 'hangar-partial-'));
    try {
      for (const script of ['check', 'in']) {
        await writeFile(path.join(dir, script), `#!/bin/sh\nexec node ${SAMPLE} ${script} "$@"\n`);
        await chmod(path.join(dir, script), 0o755);
      }
      const { code, stdout } = await runCli([
        '--dir',
        dir,
        '--source',
        JSON.stringify({ dir: remote.dir }),
        '--json',
      ]);
      const report = parseReport(stdout);
      const executables = report.suites[0]?.results.find((r) => r.id === 'executables');
      expect(executables?.status).toBe('fail');
      expect(executables?.reasons).toEqual([`${path.join(dir, 'out')} does not exist`]);
      expect(code).toBe(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
      await remote.cleanup();
    }
  });

  test('case files: setup, steps with expectations, then the generic suite', async () => {
    // The corpus is covered by the quick-mode gallery; here it would only add 40 calls.
    const args = ['--cmd', `node ${SAMPLE}`, '--case', CASES, '--skip', 'bad-input', '--json'];
    const { code, stdout } = await runCli(args);
    const report = parseReport(stdout);
    expect(report.suites.map((s) => s.name)).toEqual(['files resource basics']);
    expect(failing(report)).toEqual([]);
    expect(report.suites[0]?.results.filter((r) => r.id.startsWith('step.'))).toHaveLength(7);
    expect(report.totals.skipped).toBe(12);
    expect(code).toBe(0);
  });

  test('case setups from a module (--setups) and from a shell command', async () => {
    const module = path.join(PACKAGE_ROOT, 'test/fixtures/setups/numbered-files.mjs');
    const cases = path.join(PACKAGE_ROOT, 'test/fixtures/cases/extensions');
    const { code, stdout } = await runCli([
      '--cmd',
      `node ${SAMPLE}`,
      '--setups',
      module,
      '--case',
      cases,
      '--json',
    ]);
    const report = parseReport(stdout);
    expect(report.suites.map((s) => [s.name, s.results.map((r) => `${r.id}:${r.status}`)])).toEqual([
      ['setup from a shell command', ['step.publish:pass', 'step.2-in:pass']],
      ['setup from a module', ['step.1-check:pass', 'step.2-in:pass']],
    ]);
    expect(code).toBe(0);
  });

  test('case steps catch type-specific misbehaviour', async () => {
    const { code, stdout } = await runCli([
      '--cmd',
      `node ${SAMPLE} --flaw drops-requested`,
      '--case',
      CASES,
      '--json',
    ]);
    expect(failing(parseReport(stdout))).toEqual([
      'check.from-latest',
      'step.check-finds-the-published-version',
      'step.check-from-the-first-version',
    ]);
    expect(code).toBe(1);
  });
});

describe('usage errors: one line, exit 2, stack only with HANGAR_DEBUG=1', () => {
  test.each([
    [[], 'give exactly one subject: --dir, --cmd, --oci or --image'],
    [['--cmd', 'x', '--dir', 'y', '--source', '{}'], 'give exactly one subject'],
    [['--image', 'reg/X:1', '--source', '{}'], "--image: image reference 'reg/X:1': invalid repository"],
    [['--cmd', 'x'], 'give --source (quick mode) or --case'],
    [['--cmd', 'x', '--source', '{nope'], '--source is not valid JSON'],
    [['--cmd', 'x', '--source', '[]'], '--source must be a JSON object'],
    [['--cmd', 'x', '--source', '{}', '--timeout', '0'], '--timeout must be a positive integer'],
    [['--cmd', 'x', '--source', '{}', '--input', 'nodir'], '--input must be NAME=DIR'],
    [['--cmd', 'x', '--source', '{}', '--check-env', 'leaky'], '--check-env must be none or concourse'],
    [['--cmd', 'x', '--case', '/nonexistent/case.yaml'], '--case /nonexistent/case.yaml does not exist'],
    [['--frobnicate'], "Unknown option '--frobnicate'"],
  ])('%j', async (argv, message) => {
    const { code, stderr, stdout } = await runCli(argv);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    const [first, ...rest] = stderr.trimEnd().split('\n');
    expect(first).toContain(`hangar-conformance: ${message}`);
    expect(rest).toEqual(['Run hangar-conformance --help for usage.']);
  });

  test('HANGAR_DEBUG=1 adds the stack', async () => {
    const { stderr } = await runCli(['--cmd', 'x'], { HANGAR_DEBUG: '1' });
    expect(stderr).toMatch(/\n\s+at /);
  });

  test('a broken case file names file, line and column', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'hangar-case-'));
    try {
      const file = path.join(dir, 'bad.yaml');
      await writeFile(
        file,
        'format: hangar-conformance/v1\nsource: {}\nsteps:\n  - check: {}\n    expect: { exit: maybe }\n',
      );
      const { code, stderr } = await runCli(['--cmd', 'x', '--case', file]);
      expect(code).toBe(2);
      expect(stderr.split('\n')[0]).toMatch(
        new RegExp(`^hangar-conformance: ${file}:5:\\d+: .* at steps\\.0\\.expect\\.exit$`),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('--help prints usage', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: hangar-conformance');
  });
});
