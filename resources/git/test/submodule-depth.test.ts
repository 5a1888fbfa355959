// Submodules as concourse/git-resource's get.sh drives them: over file://, named apart from their
// path, at `depth` (cloned that deep, then deepened until the recorded commit is there) and with a
// recorded commit that no branch of the submodule's remote holds any more (a failure, as there).
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git } from '@hangar/testkit';
import { DEEPENING_TO_THRESHOLD, deepeningLog, workspace, type Workspace } from './harness.js';

/** A submodule repository with `commits` commits, recorded by an app at `path` (named `name`). */
async function appWithSubmodule(ws: Workspace, options: { path: string; name?: string; commits?: number }) {
  const sub = await ws.repo('sub');
  for (let n = 1; n <= (options.commits ?? 2); n++)
    await sub.work.commit(`sub ${n}`, { 'sub.txt': `${n}\n` });
  await sub.work.push('origin', 'main');
  const app = await ws.repo('app');
  await app.work.commit('app');
  const head = await app.work.addSubmodule(`file://${sub.remote}`, options.path, {
    ...(options.name ? { name: options.name } : {}),
  });
  await app.work.push('origin', 'main');
  return { sub, app, head, recorded: await sub.work.revParse('HEAD') };
}

const headOf = (dir: string) => git(['rev-parse', 'HEAD'], { cwd: dir });
const commitCount = (dir: string) => git(['rev-list', '--all', '--count'], { cwd: dir });

describe('in: submodules at depth, as the reference clones them', () => {
  it('checks out a submodule named apart from its path, with no perl warning', async () => {
    const ws = await workspace();
    const { app, head, recorded } = await appWithSubmodule(ws, { path: 'some-path', name: 'some-name' });
    const got = await ws.get({ uri: `file://${app.remote}` }, undefined, { submodules: 'all', depth: 1 });
    expect(got.code, got.stderr).toBe(0);
    expect(got.result.version).toEqual({ ref: head });
    expect(await headOf(join(got.dir, 'some-path'))).toBe(recorded);
    expect(got.stderr).not.toMatch(/perl/);
  });

  it('gives submodules the full history at depth 0 and one commit at depth 1, all or listed', async () => {
    const ws = await workspace();
    const { app, recorded } = await appWithSubmodule(ws, { path: 'lib', commits: 3 });
    for (const [depth, submodules, count] of [
      [0, 'all', '3'],
      [0, ['lib'], '3'],
      [1, 'all', '1'],
      [1, ['lib'], '1'],
    ] as const) {
      const got = await ws.get({ uri: `file://${app.remote}` }, undefined, { depth, submodules });
      expect(got.code, got.stderr).toBe(0);
      expect(await headOf(join(got.dir, 'lib'))).toBe(recorded);
      expect([depth, submodules, await commitCount(join(got.dir, 'lib'))]).toEqual([
        depth,
        submodules,
        count,
      ]);
    }
  });

  it('recurses into nested submodules at depth 1 unless submodule_recursive is false', async () => {
    const ws = await workspace();
    const inner = await appWithSubmodule(ws, { path: 'nested' });
    const outer = await ws.repo('outer');
    await outer.work.commit('outer');
    await outer.work.addSubmodule(`file://${inner.app.remote}`, 'middle');
    await outer.work.push('origin', 'main');
    const source = { uri: `file://${outer.remote}` };

    const recursive = await ws.get(source, undefined, { depth: 1 });
    expect(recursive.code, recursive.stderr).toBe(0);
    expect(await headOf(join(recursive.dir, 'middle/nested'))).toBe(inner.recorded);
    expect(await commitCount(join(recursive.dir, 'middle/nested'))).toBe('1');
    const remote = await ws.get(source, undefined, { depth: 1, submodule_remote: true });
    expect(await headOf(join(remote.dir, 'middle/nested'))).toBe(inner.recorded);
    const flat = await ws.get(source, undefined, { depth: 1, submodule_recursive: false });
    expect(flat.code, flat.stderr).toBe(0);
    expect(await headOf(join(flat.dir, 'middle'))).toBe(inner.head);
    expect(await readdir(join(flat.dir, 'middle/nested'))).toEqual([]);
  });

  it('deepens a submodule whose recorded commit is far behind its tip, logging as the reference', async () => {
    const ws = await workspace();
    const { sub, app, head, recorded } = await appWithSubmodule(ws, { path: 'lib' });
    for (let n = 0; n < 127; n++)
      await sub.work.run('commit', '--quiet', '--allow-empty', '-m', `later ${n}`);
    await sub.work.push('origin', 'main');
    const got = await ws.get({ uri: `file://${app.remote}` }, undefined, { submodules: 'all', depth: 1 });
    expect(got.code, got.stderr).toBe(0);
    expect(got.result.version).toEqual({ ref: head });
    expect(await headOf(join(got.dir, 'lib'))).toBe(recorded);
    expect(deepeningLog(got.stderr, recorded)).toEqual(DEEPENING_TO_THRESHOLD);
    expect(got.stderr).toContain('Reached depth threshold 127, falling back to deep clone...');
  });

  it('fails when no branch of the submodule remote holds the recorded commit, at any depth', async () => {
    const ws = await workspace();
    const { sub, app, recorded } = await appWithSubmodule(ws, { path: 'lib' });
    await sub.work.run('reset', '--quiet', '--hard', 'HEAD^');
    await sub.work.push('origin', '--force', 'main');
    const error = `error: submodule 'lib' records commit ${recorded}, which no branch fetched from its remote holds: was it force-pushed away?`;

    const shallow = await ws.get({ uri: `file://${app.remote}` }, undefined, { depth: 1 });
    expect(shallow.code).toBe(128);
    expect(shallow.stderr).toContain(
      "Reached max depth of the origin repo while deepening the shallow clone, it's a deep clone now",
    );
    expect(shallow.stderr.trim().split('\n').at(-1)).toBe(error);
    const full = await ws.get({ uri: `file://${app.remote}` }, undefined);
    expect(full.code).toBe(128);
    expect(full.stderr.trim().split('\n').at(-1)).toBe(error);
  });
});
