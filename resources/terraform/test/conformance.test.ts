// conformance/cases/terraform against the built bundle, through the harness as a user would run it.
import { dirname, join } from 'node:path';
import { failingChecks, formatHuman, runPackageCases } from '@hangar/conformance';
import { tofuPath } from '@hangar/testkit';
import { expect, test } from 'vitest';

// The bundle runs as a host process, which finds OpenTofu on PATH as the image's would.
process.env['PATH'] = `${dirname(tofuPath())}:${process.env['PATH'] ?? '/usr/bin:/bin'}`;

test('conformance/cases/terraform pass against dist/resource.js', async () => {
  const report = await runPackageCases({
    type: 'terraform',
    packageDir: join(import.meta.dirname, '..'),
  });
  expect(failingChecks(report), formatHuman(report, false)).toEqual([]);
}, 900_000);
