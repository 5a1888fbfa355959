// The single-file bundle the image ships, run as Concourse runs it: a process with stdin JSON.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { bundleResource } from '@hangar/resource-sdk/bundle';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { FakeSlack } from '@hangar/testkit';
import { BUILD_ENV, tempDir, webhookPost } from './invoke.js';

let slack: FakeSlack;
beforeAll(async () => {
  slack = await FakeSlack.start();
});
afterAll(() => slack.close());

test('dist/resource.js posts through a webhook and prints only the version on stdout', async () => {
  const dir = await tempDir();
  const bundle = join(dir, 'resource.js');
  await bundleResource({ entry: join(import.meta.dirname, '..', 'src', 'index.ts'), outfile: bundle });
  const url = slack.createWebhook('ops', { secret: 'BUNDLECANARY000000000000' });
  const run = promisify(execFile)('node', [bundle, 'out', dir], {
    env: { ...BUILD_ENV, PATH: process.env['PATH'] },
  });
  run.child.stdin?.end(
    JSON.stringify({ source: { url }, params: { text: 'build $BUILD_NAME', channel: '#ops' } }),
  );
  const { stdout, stderr } = await run;
  expect(JSON.parse(stdout)).toEqual({
    version: { timestamp: expect.stringMatching(/^\d+$/) as string },
  });
  expect(stderr).toBe('posted to #ops (ok)\n');
  expect(slack.webhookCalls().at(-1)?.args).toEqual(webhookPost({ text: 'build 7\n', channel: '#ops' }));
});
