// A resource package's own verdict: conformance/cases/<type> against its built bundle
// (`node dist/resource.js`), with the package's `conformance-setups.mjs` when it has one. Resource
// packages call this from a test, so every case runs in CI.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadCases } from './cases/format.js';
import { importSetupModule } from './cases/setups.js';
import type { RunReport } from './report/run-report.js';
import { runConformance } from './run.js';
import { CommandSubject } from './subjects/command.js';

export interface PackageCasesOptions {
  /** The resource package directory (holding dist/resource.js). */
  packageDir: string;
  /** The case directory, usually `casesDirectory(type)`. */
  casesDir: string;
  /** Checks this type cannot pass, each with its reason in the caller. */
  skip?: string[];
  timeoutMs?: number;
}

/** The repository's `conformance/cases/<type>` directory. */
export function casesDirectory(type: string): string {
  return path.resolve(import.meta.dirname, '..', 'cases', type);
}

export async function runPackageCases(options: PackageCasesOptions): Promise<RunReport> {
  const setups = path.join(options.packageDir, 'conformance-setups.mjs');
  if (existsSync(setups)) await importSetupModule(setups);
  const subject = new CommandSubject(`node ${path.join(options.packageDir, 'dist', 'resource.js')}`);
  try {
    return await runConformance({
      subject,
      skip: options.skip ?? [],
      harness: { timeoutMs: options.timeoutMs ?? 60_000, concurrency: 2, checkEnv: 'none' },
      cases: await loadCases([options.casesDir]),
    });
  } finally {
    await subject.close();
  }
}
