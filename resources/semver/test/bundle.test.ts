// The shipped artefacts: the single-file bundle runs as check/in/out processes (the runner's demo
// path: git driver bump).
import { spawnSync } from 'node:child_process';
import { mkdir, readFile, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleResource } from '@hangar/resource-sdk/bundle';
import { GitRepo, git } from '@hangar/testkit';
import { workspace } from './harness.js';

describe('bundle', () => {
  it('runs check, out and in through links named like /opt/resource/*', async () => {
    const ws = await workspace();
    const bin = join(ws.root, 'opt-resource');
    await mkdir(bin);
    await bundleResource({
      entry: join(import.meta.dirname, '../src/index.ts'),
      outfile: join(bin, 'resource.js'),
    });
    for (const name of ['check', 'in', 'out']) await symlink('resource.js', join(bin, `${name}.js`));
    const remote = join(ws.root, 'remote.git');
    await GitRepo.initBare(remote);
    const work = await GitRepo.init(join(ws.root, 'work'), { branch: 'version' });
    await work.commit('initial', { version: '1.0.0\n' });
    await work.push(remote, 'version');
    const run = (script: string, args: string[], request: object) =>
      spawnSync('node', [join(bin, `${script}.js`), ...args], {
        input: JSON.stringify(request),
        env: ws.env,
        encoding: 'utf8',
      });
    const source = { driver: 'git', uri: `file://${remote}`, branch: 'version', file: 'version' };
    expect(JSON.parse(run('check', [], { source }).stdout)).toEqual([{ number: '1.0.0' }]);
    const put = run('out', [ws.sources], { source, params: { bump: 'patch' } });
    expect(put.status, put.stderr).toBe(0);
    expect(JSON.parse(put.stdout)).toEqual({
      version: { number: '1.0.1' },
      metadata: [{ name: 'number', value: '1.0.1' }],
    });
    expect(await git(['--git-dir', remote, 'show', 'version:version'])).toBe('1.0.1');
    const dest = join(ws.root, 'dest');
    const got = run('in', [dest], { source, version: { number: '1.0.1' }, params: { pre: 'rc' } });
    expect(got.status, got.stderr).toBe(0);
    expect(await readFile(join(dest, 'number'), 'utf8')).toBe('1.0.1-rc.1');
    // Like the reference, a typo'd key and a password without a username are ignored: warned about.
    const odd = run('check', [], { source: { ...source, brnach: 'x', password: 'canary-bundle-pw' } });
    expect(odd.status, odd.stderr).toBe(0);
    expect(JSON.parse(odd.stdout)).toEqual([{ number: '1.0.1' }]);
    expect(odd.stderr).toContain("did you mean 'branch'");
    expect(odd.stderr).toContain('ignoring source.username and source.password');
    expect(odd.stderr).not.toContain('canary');
  });
});
