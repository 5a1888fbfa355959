import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git } from '@hangar/testkit';
import { workspace } from './harness.js';

describe('check in commit mode', () => {
  it('returns only the newest commit on the first check, then every commit from the cursor', async () => {
    const ws = await workspace();
    const { remote, work } = await ws.repo();
    const one = await work.commit('one', { 'a.txt': '1' });
    const two = await work.commit('two', { 'a.txt': '2' });
    await work.push('origin', 'main');
    const first = await ws.check({ uri: remote, branch: 'main' });
    expect(first.stderr).toBe('');
    expect(first.result).toEqual([{ ref: two }]);

    const three = await work.commit('three', { 'a.txt': '3' });
    const four = await work.commit('four', { 'a.txt': '4' });
    await work.push('origin', 'main');
    expect((await ws.check({ uri: remote, branch: 'main' }, { ref: two })).result).toEqual([
      { ref: two },
      { ref: three },
      { ref: four },
    ]);
    expect((await ws.check({ uri: `file://${remote}`, branch: 'main' }, { ref: one })).result).toHaveLength(
      4,
    );
  });

  it('returns version_depth commits without a cursor, oldest first', async () => {
    const ws = await workspace();
    const { remote, work } = await ws.repo();
    const shas = [];
    for (const n of [1, 2, 3, 4]) shas.push(await work.commit(`c${n}`, { 'a.txt': String(n) }));
    await work.push('origin', 'main');
    expect((await ws.check({ uri: remote, version_depth: 3 })).result).toEqual(
      shas.slice(1).map((ref) => ({ ref })),
    );
  });

  it('treats a force-pushed-away cursor as a first check', async () => {
    const ws = await workspace();
    const { remote, work } = await ws.repo();
    await work.commit('base');
    const doomed = await work.commit('doomed');
    await work.push('origin', 'main');
    await ws.check({ uri: remote, branch: 'main' });
    await work.run('reset', '--hard', 'HEAD~1');
    const replacement = await work.commit('replacement');
    await work.push('origin', '+main');
    expect((await ws.check({ uri: remote, branch: 'main' }, { ref: doomed })).result).toEqual([
      { ref: replacement },
    ]);
    expect((await ws.check({ uri: remote, branch: 'main' }, { ref: 'f'.repeat(40) })).result).toEqual([
      { ref: replacement },
    ]);
  });

  it('filters by paths and ignore_paths (globs cross directories)', async () => {
    const ws = await workspace();
    const { remote, work } = await ws.repo();
    const app = await work.commit('app', { 'src/app/main.ts': '1' });
    const docs = await work.commit('docs', { 'docs/readme.md': '1' });
    const both = await work.commit('both', { 'src/app/main.ts': '2', 'src/app/notes.md': 'x' });
    await work.push('origin', 'main');
    const source = { uri: remote, branch: 'main' };
    expect((await ws.check({ ...source, paths: ['src/*'] }, { ref: app })).result).toEqual([
      { ref: app },
      { ref: both },
    ]);
    expect((await ws.check({ ...source, ignore_paths: ['src'] }, { ref: app })).result).toEqual([
      { ref: docs },
    ]);
    expect((await ws.check({ ...source, paths: ['*.md'], ignore_paths: ['docs'] })).result).toEqual([
      { ref: both },
    ]);
  });

  it('lists a merge commit that changes the paths, not the merged commits', async () => {
    const ws = await workspace();
    const { remote, work } = await ws.repo();
    const base = await work.commit('base', { 'a/x': '1' });
    await work.checkout('feature', { create: true });
    await work.commit('feature work', { 'a/x': '2' });
    await work.checkout('main');
    await work.commit('unrelated', { 'b/y': '1' });
    const merge = await work.merge('feature');
    await work.push('origin', 'main');
    expect((await ws.check({ uri: remote, branch: 'main', paths: ['a'] }, { ref: base })).result).toEqual([
      { ref: base },
      { ref: merge },
    ]);
  });

  it('skips [ci skip] and [skip ci] commits unless disable_ci_skip', async () => {
    const ws = await workspace();
    const { remote, work } = await ws.repo();
    const one = await work.commit('one');
    const skipped = await work.commit('bump version [ci skip]');
    await work.commit('docs\n\nbody says [skip ci]');
    await work.push('origin', 'main');
    expect((await ws.check({ uri: remote }, { ref: one })).result).toEqual([{ ref: one }]);
    // A first check answers the newest commit not skipped.
    expect((await ws.check({ uri: remote })).result).toEqual([{ ref: one }]);
    const all = await ws.check({ uri: remote, disable_ci_skip: true }, { ref: one });
    expect(all.result.map((v) => v.ref)).toContain(skipped);
    expect(all.result).toHaveLength(3);
  });

  it('applies commit_filter include/exclude with and without all_match', async () => {
    const ws = await workspace();
    const { remote, work } = await ws.repo();
    const a = await work.commit('feat: alpha');
    const b = await work.commit('fix: beta');
    const c = await work.commit('feat: gamma WIP');
    await work.push('origin', 'main');
    const check = async (commit_filter: object) =>
      (await ws.check({ uri: remote, commit_filter }, { ref: a })).result.map((v) => v.ref);
    expect(await check({ include: ['^feat'] })).toEqual([a, c]);
    expect(await check({ exclude: ['WIP'] })).toEqual([a, b]);
    expect(await check({ include: ['feat', 'WIP'], include_all_match: true })).toEqual([c]);
    expect(await check({ exclude: ['feat', 'gamma'], exclude_all_match: true })).toEqual([a, b]);
    expect(await check({ include: ['feat'], exclude: ['WIP'] })).toEqual([a]);
  });

  it('keeps every root of a repository with several', async () => {
    const ws = await workspace();
    const { remote, work } = await ws.repo();
    const root1 = await work.commit('root one', { 'one.txt': '1' });
    await work.run('checkout', '--quiet', '--orphan', 'other');
    const root2 = await work.commit('root two', { 'two.txt': '2' });
    await work.checkout('main');
    const merge = await work
      .run('merge', '--quiet', '--allow-unrelated-histories', '--no-edit', 'other')
      .then(() => work.revParse('HEAD'));
    await work.push('origin', 'main');
    expect((await ws.check({ uri: remote }, { ref: root1 })).result).toEqual([
      { ref: root1 },
      { ref: merge },
    ]);
    // From the root reached only through the merge's second parent: every first-parent commit.
    expect((await ws.check({ uri: remote }, { ref: root2 })).result).toEqual([
      { ref: root1 },
      { ref: merge },
    ]);
  });

  it('answers the tip of source.branch, with only that branch fetched into its cache', async () => {
    const ws = await workspace();
    const { remote, work } = await ws.repo();
    await work.commit('base');
    await work.checkout('bogus', { create: true });
    await work.commit('bogus work');
    await work.checkout('main');
    const tip = await work.commit('main tip');
    await work.push('origin', 'main', 'bogus');
    expect((await ws.check({ uri: remote, branch: 'main' })).result).toEqual([{ ref: tip }]);
    const [cache, ...others] = readdirSync(join(ws.tmp, 'hangar-git-cache'));
    expect(others).toEqual([]);
    const cacheDir = join(ws.tmp, 'hangar-git-cache', cache ?? '');
    expect(await git(['for-each-ref', '--format=%(refname)'], { cwd: cacheDir })).toBe('refs/heads/main');
  });

  it('applies paths on source.branch to that branch only', async () => {
    const ws = await workspace();
    const { remote, work } = await ws.repo();
    await work.commit('one', { 'dummy/file-b': '1' });
    await work.commit('two', { 'dummy/file-b': '2' });
    await work.checkout('newbranch', { create: true });
    const onBranch = await work.commit('three', { 'dummy/file-b': '3' });
    await work.checkout('main');
    await work.commit('later on main', { 'dummy/file-b': 'main' });
    await work.push('origin', 'main', 'newbranch');
    const source = { uri: remote, branch: 'newbranch', paths: ['dummy/*'], disable_ci_skip: true };
    expect((await ws.check(source)).result).toEqual([{ ref: onBranch }]);
  });
});

describe('check performance paths', () => {
  it('answers from ls-remote without creating a cache when no filter needs history', async () => {
    const ws = await workspace();
    const { remote, work } = await ws.repo();
    const head = await work.commit('one');
    await work.push('origin', 'main');
    expect((await ws.check({ uri: remote, disable_ci_skip: true })).result).toEqual([{ ref: head }]);
    expect(existsSync(join(ws.tmp, 'hangar-git-cache'))).toBe(false);
    expect((await ws.check({ uri: remote }, { ref: head })).result).toEqual([{ ref: head }]);
    expect(existsSync(join(ws.tmp, 'hangar-git-cache'))).toBe(false);
  });

  it('keeps one blobless bare cache under $TMPDIR and reuses it', async () => {
    const ws = await workspace();
    const { remote, work } = await ws.repo();
    const one = await work.commit('one', { 'a/file': '1' });
    await work.push('origin', 'main');
    await ws.check({ uri: remote, paths: ['a'] });
    const caches = readdirSync(join(ws.tmp, 'hangar-git-cache'));
    expect(caches).toHaveLength(1);
    const two = await work.commit('two', { 'a/file': '2' });
    await work.push('origin', 'main');
    expect((await ws.check({ uri: remote, paths: ['a'] }, { ref: one })).result).toEqual([
      { ref: one },
      { ref: two },
    ]);
    expect(readdirSync(join(ws.tmp, 'hangar-git-cache'))).toEqual(caches);
    const cacheDir = join(ws.tmp, 'hangar-git-cache', caches[0] ?? '');
    expect(existsSync(join(cacheDir, 'HEAD'))).toBe(true);
    expect(existsSync(join(cacheDir, 'index'))).toBe(false);
  });
});

describe('check errors', () => {
  it('names a missing branch', async () => {
    const ws = await workspace();
    const { remote, work } = await ws.repo();
    await work.commit('one');
    await work.push('origin', 'main');
    const outcome = await ws.check({ uri: remote, branch: 'nope', disable_ci_skip: true });
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toBe("error: branch 'nope' (source.branch) does not exist on the remote\n");
  });

  it.each([
    [{ uri: 'x', version_depth: 0 }, "error: invalid 'source.version_depth': must be >= 1\n"],
    [
      { uri: 'x', commit_filter: { include: 'a string, not an array' } },
      "error: invalid 'source.commit_filter.include': expected array, got string\n",
    ],
    [{ uri: 'x', brnach: 'main' }, "error: unknown key 'source.brnach' (did you mean 'branch'?)\n"],
    [
      { uri: '--upload-pack=touch /tmp/pwned' },
      "error: source.uri must not start with '-' (git would read it as an option)\n",
    ],
    [
      { uri: 'ext::sh -c id' },
      'error: source.uri uses the ext:: transport, which runs a command; it is not allowed\n',
    ],
    [
      { uri: 'x', branch: '--orphan' },
      "error: source.branch must not start with '-' (git would read it as an option)\n",
    ],
    [
      { uri: 'x', tag_filter: 'v*', tag_regex: 'v.*' },
      'error: source.tag_filter and source.tag_regex cannot both be set: choose one\n',
    ],
  ])('rejects %j with one line', async (source, message) => {
    const ws = await workspace();
    const outcome = await ws.check(source);
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toBe(message);
  });
});

describe('debug', () => {
  it('logs each git command to stderr, redacted', async () => {
    const ws = await workspace();
    const { remote, work } = await ws.repo();
    const head = await work.commit('one');
    await work.push('origin', 'main');
    const uri = `file://${remote}`;
    const outcome = await ws.check({ uri, debug: true, username: 'ci', password: 'canary-debug-pw-81' });
    expect(outcome.result).toEqual([{ ref: head }]);
    expect(outcome.stderr).toMatch(/^\$ git clone --quiet --bare/m);
    expect(outcome.stderr).not.toContain('canary-debug-pw-81');
  });
});
