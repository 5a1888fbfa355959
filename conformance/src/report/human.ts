// Human summary: per suite the MUST checks, then the SHOULD checks; one line per check, reasons indented
// under failures and recommendations; colours only when asked (TTY).
import pc from 'picocolors';
import type { CheckLevel } from '../checks/catalog.js';
import { totals, type RunReport } from './run-report.js';

const HEADINGS: Record<CheckLevel, { plain: string; strict?: string }> = {
  must: { plain: 'MUST: what Concourse relies on' },
  should: {
    plain: 'SHOULD: hardening, reported as recommendations (--strict makes them fail)',
    strict: 'SHOULD: hardening, failing under --strict',
  },
};

export function formatHuman(report: RunReport, colour: boolean): string {
  const c = pc.createColors(colour);
  const mark = { pass: c.green('✓'), fail: c.red('✗'), warn: c.yellow('!'), skip: c.dim('-') };
  const lines: string[] = [c.bold(`hangar-conformance: ${report.subject}`)];
  for (const suite of report.suites) {
    lines.push('', c.bold(suite.name));
    const width = Math.max(...suite.results.map((r) => r.id.length));
    for (const level of ['must', 'should'] as const) {
      const results = suite.results.filter((r) => r.level === level);
      if (results.length === 0) continue;
      const heading = HEADINGS[level];
      lines.push(`  ${c.dim((report.strict && heading.strict) || heading.plain)}`);
      for (const result of results) {
        const id =
          result.status === 'fail'
            ? c.red(result.id.padEnd(width))
            : result.status === 'warn'
              ? c.yellow(result.id.padEnd(width))
              : result.id.padEnd(width);
        lines.push(`  ${mark[result.status]} ${id}  ${c.dim(result.title)}`);
        const loud = result.status === 'fail' || result.status === 'warn';
        for (const reason of result.reasons.slice(0, 8)) lines.push(`      ${loud ? reason : c.dim(reason)}`);
        if (result.reasons.length > 8) lines.push(`      … ${result.reasons.length - 8} more`);
      }
    }
  }
  const t = totals(report);
  const seconds = (report.durationMs / 1000).toFixed(1);
  const advice = `${t.warned} recommendation${t.warned === 1 ? '' : 's'}`;
  const parts = [
    t.failed > 0 ? c.red(`${t.failed} failed`) : `${t.failed} failed`,
    c.green(`${t.passed} passed`),
    t.warned > 0 ? c.yellow(advice) : advice,
    `${t.skipped} skipped`,
  ];
  lines.push('', `${parts.join(', ')} — ${report.calls.length} calls in ${seconds} s`);
  const verdict = t.failed > 0 ? c.red(c.bold('NOT CONFORMANT')) : c.green(c.bold('CONFORMANT'));
  const note = t.failed === 0 && t.warned > 0 ? ` (protocol; ${advice}, see SHOULD above)` : '';
  lines.push(verdict + note);
  return lines.join('\n') + '\n';
}
