// The shipped artefacts: the single-file bundle runs as check/in/out processes.
import { spawnSync } from 'node:child_process';
import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleResource } from '@hangar/resource-sdk/bundle';
import { workspace } from './harness.js';

describe('bundle', () => {
  it('runs check and in through links named like /opt/resource/*', async () => {
    const ws = await workspace();
    const bin = join(ws.root, 'opt-resource');
    await mkdir(bin);
    await bundleResource({
      entry: join(import.meta.dirname, '../src/index.ts'),
      outfile: join(bin, 'resource.js'),
    });
    for (const name of ['check', 'in', 'out']) await symlink('resource.js', join(bin, `${name}.js`));
    const { remote, work } = await ws.repo();
    const head = await work.commit('bundled');
    await work.push('origin', 'main');
    const run = (script: string, args: string[], request: object) =>
      spawnSync('node', [join(bin, `${script}.js`), ...args], {
        input: JSON.stringify(request),
        env: ws.env,
        encoding: 'utf8',
      });
    const checked = run('check', [], { source: { uri: remote, private_key: 'canary-not-a-key' } });
    expect(checked.stderr).toMatch(
      /^error: source\.private_key is not a valid SSH private key \(ssh-keygen: [^)]+\)\n$/,
    );
    expect(checked.stderr).not.toContain('canary-not-a-key');
    const ok = run('check', [], { source: { uri: remote } });
    expect(JSON.parse(ok.stdout)).toEqual([{ ref: head }]);
    const dest = join(ws.root, 'dest');
    const got = run('in', [dest], { source: { uri: remote }, version: { ref: head } });
    expect(got.status, got.stderr).toBe(0);
    expect((JSON.parse(got.stdout) as { version: unknown }).version).toEqual({ ref: head });
  });
});
