// conformance/cases/git against the built bundle, through the harness as a user would run it.
import { join } from 'node:path';
import { casesDirectory, failingChecks, formatHuman, runPackageCases } from '@hangar/conformance';
import { expect, test } from 'vitest';

// Skipped: a case cannot ship a git repository as a put input, and the commit-mode
// remote's history order is the case's own subject (step checks), not the generic one.
const SKIP = ['check.order', 'out.round-trip'];

test('conformance/cases/git pass against dist/resource.js', async () => {
  const report = await runPackageCases({
    packageDir: join(import.meta.dirname, '..'),
    casesDir: casesDirectory('git'),
    skip: SKIP,
  });
  expect(failingChecks(report), formatHuman(report, false)).toEqual([]);
}, 900_000);
