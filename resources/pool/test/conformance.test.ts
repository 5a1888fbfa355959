// conformance/cases/pool against the built bundle, through the harness as a user would run it.
import { join } from 'node:path';
import { casesDirectory, failingChecks, formatHuman, runPackageCases } from '@hangar/conformance';
import { expect, test } from 'vitest';

const SKIP: string[] = [];

test('conformance/cases/pool pass against dist/resource.js', async () => {
  const report = await runPackageCases({
    packageDir: join(import.meta.dirname, '..'),
    casesDir: casesDirectory('pool'),
    skip: SKIP,
  });
  expect(failingChecks(report), formatHuman(report, false)).toEqual([]);
}, 900_000);
