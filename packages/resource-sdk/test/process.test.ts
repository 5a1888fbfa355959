// The SDK as Concourse sees it: a real process, argv, stdin, exit status.
import { spawnSync } from 'node:child_process';
import { symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { bundleResource } from '../src/bundle.js';
import { beforeAll, describe, expect, test } from 'vitest';
import { tempDir } from './temp.js';

let bundle = '';
let bin = '';

beforeAll(async () => {
  const dir = await import('node:fs/promises').then((fs) => fs.mkdtemp('/tmp/hangar-sdk-bundle-'));
  bundle = join(dir, 'resource.js');
  await bundleResource({
    entry: new URL('./fixtures/counter-main.ts', import.meta.url).pathname,
    outfile: bundle,
  });
  bin = dir;
  await symlink(bundle, join(dir, 'check'));
  return () => import('node:fs/promises').then((fs) => fs.rm(dir, { recursive: true, force: true }));
});

const run = (args: string[], input: string) =>
  spawnSync(process.execPath, args, { input, encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' } });

describe('a bundled resource process', () => {
  test('check through a link named check', () => {
    const result = run([join(bin, 'check')], '{"source":{"latest":2}}');
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('[{"number":"2"}]\n');
  });

  test('in with the script name as first argument writes into $1', async () => {
    const dest = await tempDir();
    const result = run([bundle, 'in', dest], '{"source":{"latest":2},"version":{"number":"1"}}');
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ version: { number: '1' } });
  });

  test('malformed JSON: exit 1, one line on stderr, nothing on stdout', () => {
    const result = run([bundle, 'check'], '{"source": {');
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^error: request on stdin is not valid JSON/);
  });

  test('an unknown source key: exit 1 naming the key and the nearest known one', () => {
    const result = run([bundle, 'check'], '{"source":{"latset":2}}');
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^error: unknown key 'source.latset' \(did you mean 'latest'\?\)/);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});
