// A resource type's own verdict: the repository's conformance/cases/<type> against the package's
// built bundle (`node dist/resource.js`) or any other subject (its image through runc), with the
// package's `conformance-setups.mjs` when it has one. Resource packages and the images tests call
// this, so every case runs in CI.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadCases } from './cases/format.js';
import { importSetupModule } from './cases/setups.js';
import type { RunReport } from './report/run-report.js';
import { runConformance } from './run.js';
import { CommandSubject } from './subjects/command.js';
import type { Subject } from './subjects/subject.js';

export interface PackageCasesOptions {
  /** The resource type: its cases are conformance/cases/<type>. */
  type: string;
  /** The resource package directory (setups module, and dist/resource.js for the default subject). */
  packageDir: string;
  /** What to test (default: `node <packageDir>/dist/resource.js`); closed by the caller. */
  subject?: Subject;
  timeoutMs?: number;
  /** SHOULD checks that do not pass fail too. */
  strict?: boolean;
}

export async function runPackageCases(options: PackageCasesOptions): Promise<RunReport> {
  const setups = path.join(options.packageDir, 'conformance-setups.mjs');
  if (existsSync(setups)) await importSetupModule(setups);
  const own = options.subject
    ? undefined
    : new CommandSubject(`node ${path.join(options.packageDir, 'dist', 'resource.js')}`);
  try {
    return await runConformance({
      subject: (options.subject ?? own)!,
      harness: { timeoutMs: options.timeoutMs ?? 60_000, concurrency: 2, checkEnv: 'none' },
      strict: options.strict,
      cases: await loadCases([path.resolve(import.meta.dirname, '..', 'cases', options.type)]),
    });
  } finally {
    await own?.close();
  }
}
