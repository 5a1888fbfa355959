// JUnit XML: one <testsuite> per suite, one <testcase> per check; skips and failures with their reasons.
// A SHOULD not met (without --strict) is a <skipped> case whose message says so: CI tools (Jenkins,
// GitLab, GitHub test reporters) count and list skipped cases with their message without failing the
// build, while a passed case's <system-out> is hidden or dropped by most of them.
import { totals, type RunReport } from './run-report.js';

/** XML 1.0 cannot carry most control characters, even escaped: drop them. */
function dropControl(text: string): string {
  return [...text]
    .filter((ch) => {
      const code = ch.codePointAt(0)!;
      return (
        code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code !== 0xfffe && code !== 0xffff)
      );
    })
    .join('');
}

function escape(text: string): string {
  return dropControl(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

export function formatJunit(report: RunReport): string {
  const t = totals(report);
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(
    `<testsuites name="hangar-conformance" tests="${t.passed + t.failed + t.warned + t.skipped}" failures="${t.failed}" skipped="${t.skipped + t.warned}" time="${(report.durationMs / 1000).toFixed(3)}">`,
  );
  for (const suite of report.suites) {
    const failures = suite.results.filter((r) => r.status === 'fail').length;
    const skips = suite.results.filter((r) => r.status === 'skip' || r.status === 'warn').length;
    out.push(
      `  <testsuite name="${escape(suite.name)}" tests="${suite.results.length}" failures="${failures}" skipped="${skips}">`,
    );
    out.push(`    <properties><property name="subject" value="${escape(report.subject)}"/></properties>`);
    for (const result of suite.results) {
      const open = `    <testcase classname="${escape(suite.name)}" name="${escape(result.id)}"`;
      const body = escape(result.reasons.join('\n'));
      const level = result.level.toUpperCase();
      if (result.status === 'pass') out.push(`${open}/>`);
      else if (result.status === 'skip') out.push(`${open}><skipped message="${body}"/></testcase>`);
      else if (result.status === 'warn')
        out.push(
          `${open}><skipped message="${escape(`recommendation (SHOULD, not met): ${result.title}`)}">${body}</skipped></testcase>`,
        );
      else
        out.push(
          `${open}><failure type="${level}" message="${escape(result.title)}">${body}</failure></testcase>`,
        );
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}
