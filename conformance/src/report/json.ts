// Machine-readable report: the RunReport plus totals and the verdict.
import { totals, type RunReport } from './run-report.js';

export function formatJson(report: RunReport): string {
  const t = totals(report);
  return JSON.stringify({ ok: t.failed === 0, totals: t, ...report }, null, 2) + '\n';
}
