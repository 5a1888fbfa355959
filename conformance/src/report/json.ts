// Machine-readable report: the RunReport plus totals, the verdict and the recommendations.
import { recommendations, totals, type RunReport } from './run-report.js';

export function formatJson(report: RunReport): string {
  const t = totals(report);
  return (
    JSON.stringify(
      { ok: t.failed === 0, totals: t, recommendations: recommendations(report), ...report },
      null,
      2,
    ) + '\n'
  );
}
