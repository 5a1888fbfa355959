// The cost of the resource SDK itself: a trivial resource bundled exactly as every resource is,
// run as a process (`check`), against a bare `node -e 0` in the same run. Goal: at most 1.25x.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleResource } from '@hangar/resource-sdk/bundle';
import { compare, report, timeProcess } from './measure.mjs';

export async function run() {
  const dir = await mkdtemp(join(tmpdir(), 'hangar-bench-'));
  try {
    const bundle = join(dir, 'resource.js');
    const entry = join(import.meta.dirname, '../packages/resource-sdk/test/fixtures/counter-main.ts');
    await bundleResource({ entry, outfile: bundle });
    const request = JSON.stringify({ source: { latest: 5 }, version: { number: '4' } });
    const node = process.execPath;
    const medians = compare({
      'node -e 0': () => timeProcess(node, ['-e', '0']),
      'trivial resource check': () => timeProcess(node, [bundle, 'check'], request),
    });
    report(medians, 'node -e 0', { goal: 1.25, title: 'SDK resource start-up (check)' });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
