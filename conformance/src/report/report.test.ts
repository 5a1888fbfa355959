import { expect, test } from 'vitest';
import { formatHuman } from './human.js';
import { formatJson } from './json.js';
import { formatJunit } from './junit.js';
import type { RunReport } from './run-report.js';

const report: RunReport = {
  subject: 'command node r.mjs',
  strict: false,
  durationMs: 1234,
  calls: [],
  suites: [
    {
      name: 'generic',
      results: [
        {
          id: 'stdout.json',
          title: 'one JSON value',
          level: 'must',
          status: 'pass',
          reasons: [],
          calls: [1],
        },
        {
          id: 'versions.strings',
          title: 'strings',
          level: 'must',
          status: 'fail',
          reasons: ['check: n=1 not a <string> & "x"'],
          calls: [2],
        },
        {
          id: 'out.round-trip',
          title: 'round trip',
          level: 'must',
          status: 'skip',
          reasons: ['no put params'],
          calls: [],
        },
        {
          id: 'bad-input.field-types',
          title: 'fields of the wrong type',
          level: 'should',
          status: 'warn',
          reasons: ['check (field-types #1): exited 0'],
          calls: [3],
        },
      ],
    },
  ],
};

test('human report: MUSTs then SHOULDs, marks, reasons and verdict; colour only when asked', () => {
  const plain = formatHuman(report, false);
  expect(plain).toContain(
    [
      '  MUST: what Concourse relies on',
      '  ✓ stdout.json            one JSON value',
      '  ✗ versions.strings       strings',
      '      check: n=1 not a <string> & "x"',
      '  - out.round-trip         round trip',
      '      no put params',
      '  SHOULD: hardening, reported as recommendations (--strict makes them fail)',
      '  ! bad-input.field-types  fields of the wrong type',
      '      check (field-types #1): exited 0',
    ].join('\n'),
  );
  expect(plain).toContain('1 failed, 1 passed, 1 recommendation, 1 skipped — 0 calls in 1.2 s');
  expect(plain).toMatch(/\nNOT CONFORMANT\n$/);
  expect(plain).not.toContain('\u001b[');
  expect(formatHuman(report, true)).toContain('\u001b[32m✓');
});

test('human report: conformant with recommendations names them', () => {
  const passing = { ...report, suites: [{ name: 'generic', results: [report.suites[0]!.results[3]!] }] };
  expect(formatHuman(passing, false)).toMatch(
    /\nCONFORMANT \(protocol; 1 recommendation, see SHOULD above\)\n$/,
  );
});

test('JSON report carries the verdict, totals and recommendations', () => {
  const json = JSON.parse(formatJson(report)) as { ok: boolean; totals: unknown; recommendations: unknown };
  expect(json.ok).toBe(false);
  expect(json.totals).toEqual({ passed: 1, failed: 1, warned: 1, skipped: 1 });
  expect(json.recommendations).toEqual(['bad-input.field-types']);
});

test('JUnit report escapes reasons, counts failures and skips, and lists recommendations as skipped', () => {
  const xml = formatJunit(report);
  expect(xml).toContain(
    '<testsuites name="hangar-conformance" tests="4" failures="1" skipped="2" time="1.234">',
  );
  expect(xml).toContain('<testcase classname="generic" name="stdout.json"/>');
  expect(xml).toContain(
    '<failure type="MUST" message="strings">check: n=1 not a &lt;string&gt; &amp; &quot;x&quot;</failure>',
  );
  expect(xml).toContain('<skipped message="no put params"/>');
  expect(xml).toContain(
    '<testcase classname="generic" name="bad-input.field-types"><skipped message="recommendation (SHOULD, not met): fields of the wrong type">check (field-types #1): exited 0</skipped></testcase>',
  );
});
