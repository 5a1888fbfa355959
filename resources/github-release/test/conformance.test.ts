// conformance/cases/github-release against the built bundle, through the harness as a user would run it.
import { join } from 'node:path';
import { failingChecks, formatHuman, runPackageCases } from '@hangar/conformance';
import { expect, test } from 'vitest';

test('conformance/cases/github-release pass against dist/resource.js', async () => {
  const report = await runPackageCases({
    type: 'github-release',
    packageDir: join(import.meta.dirname, '..'),
  });
  expect(failingChecks(report), formatHuman(report, false)).toEqual([]);
}, 900_000);
