// The single-file bundle the image ships, run as Concourse runs it: a process with stdin JSON.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { bundleResource } from '@hangar/resource-sdk/bundle';
import { expect, test } from 'vitest';
import { useFakeGitHub } from './helpers.js';
import { tempDir } from './invoke.js';

const fake = useFakeGitHub();

test('dist/resource.js checks releases and prints only versions on stdout', async () => {
  const dir = await tempDir();
  const bundle = join(dir, 'resource.js');
  await bundleResource({ entry: join(import.meta.dirname, '..', 'src', 'index.ts'), outfile: bundle });
  const release = fake.github.addRelease({ tag_name: 'v1.0.0' });
  const run = promisify(execFile)('node', [bundle, 'check'], { env: { PATH: process.env['PATH'] } });
  run.child.stdin?.end(JSON.stringify({ source: fake.source() }));
  const { stdout, stderr } = await run;
  expect(JSON.parse(stdout)).toEqual([
    { tag: 'v1.0.0', id: String(release.id), timestamp: release.published_at },
  ]);
  expect(stderr).toBe('');
});
