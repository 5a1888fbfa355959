// Human summary: one line per check, reasons indented under failures; colours only when asked (TTY).
import pc from 'picocolors';
import { totals, type RunReport } from './run-report.js';

export function formatHuman(report: RunReport, colour: boolean): string {
  const c = pc.createColors(colour);
  const mark = { pass: c.green('✓'), fail: c.red('✗'), skip: c.yellow('-') };
  const lines: string[] = [c.bold(`hangar-conformance: ${report.subject}`)];
  for (const suite of report.suites) {
    lines.push('', c.bold(suite.name));
    const width = Math.max(...suite.results.map((r) => r.id.length));
    for (const result of suite.results) {
      const id = result.status === 'fail' ? c.red(result.id.padEnd(width)) : result.id.padEnd(width);
      lines.push(`  ${mark[result.status]} ${id}  ${c.dim(result.title)}`);
      for (const reason of result.reasons.slice(0, 8))
        lines.push(`      ${result.status === 'fail' ? reason : c.dim(reason)}`);
      if (result.reasons.length > 8) lines.push(`      … ${result.reasons.length - 8} more`);
    }
  }
  const t = totals(report);
  const seconds = (report.durationMs / 1000).toFixed(1);
  const parts = [
    t.failed > 0 ? c.red(`${t.failed} failed`) : `${t.failed} failed`,
    c.green(`${t.passed} passed`),
    `${t.skipped} skipped`,
  ];
  lines.push('', `${parts.join(', ')} — ${report.calls.length} calls in ${seconds} s`);
  lines.push(t.failed > 0 ? c.red(c.bold('NOT CONFORMANT')) : c.green(c.bold('CONFORMANT')));
  return lines.join('\n') + '\n';
}
