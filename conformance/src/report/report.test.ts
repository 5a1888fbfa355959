import { expect, test } from 'vitest';
import { formatHuman } from './human.js';
import { formatJson } from './json.js';
import { formatJunit } from './junit.js';
import type { RunReport } from './run-report.js';

const report: RunReport = {
  subject: 'command node r.mjs',
  durationMs: 1234,
  calls: [],
  suites: [
    {
      name: 'generic',
      results: [
        { id: 'stdout.json', title: 'one JSON value', status: 'pass', reasons: [], calls: [1] },
        {
          id: 'versions.strings',
          title: 'strings',
          status: 'fail',
          reasons: ['check: n=1 not a <string> & "x"'],
          calls: [2],
        },
        { id: 'out.round-trip', title: 'round trip', status: 'skip', reasons: ['no put params'], calls: [] },
      ],
    },
  ],
};

test('human report: marks, reasons and verdict; colour only when asked', () => {
  const plain = formatHuman(report, false);
  expect(plain).toContain('  ✓ stdout.json ');
  expect(plain).toContain('  ✗ versions.strings ');
  expect(plain).toContain('      check: n=1 not a <string> & "x"');
  expect(plain).toContain('1 failed, 1 passed, 1 skipped — 0 calls in 1.2 s');
  expect(plain).toMatch(/NOT CONFORMANT\n$/);
  expect(plain).not.toContain('\u001b[');
  expect(formatHuman(report, true)).toContain('\u001b[32m✓');
});

test('JSON report carries the verdict and totals', () => {
  const json = JSON.parse(formatJson(report)) as { ok: boolean; totals: unknown };
  expect(json.ok).toBe(false);
  expect(json.totals).toEqual({ passed: 1, failed: 1, skipped: 1 });
});

test('JUnit report escapes reasons and counts failures and skips', () => {
  const xml = formatJunit(report);
  expect(xml).toContain(
    '<testsuites name="hangar-conformance" tests="3" failures="1" skipped="1" time="1.234">',
  );
  expect(xml).toContain('<testcase classname="generic" name="stdout.json"/>');
  expect(xml).toContain(
    '<failure message="strings">check: n=1 not a &lt;string&gt; &amp; &quot;x&quot;</failure>',
  );
  expect(xml).toContain('<skipped message="no put params"/>');
});
