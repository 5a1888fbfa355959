import { describe, expect, it } from 'vitest';
import { workspace } from './harness.js';

describe('check in tag mode', () => {
  it('returns {ref: tag, commit} for the newest matching tag, then every tag after the cursor', async () => {
    const ws = await workspace();
    const { remote, work } = await ws.repo();
    const c1 = await work.commit('one');
    await work.tag('v1.0.0');
    await work.tag('other-1');
    const c2 = await work.commit('two');
    await work.annotatedTag('v1.1.0', 'release 1.1');
    await work.push('origin', 'main', '--tags');
    const source = { uri: remote, tag_filter: 'v*' };
    expect((await ws.check(source)).result).toEqual([{ ref: 'v1.1.0', commit: c2 }]);

    const c3 = await work.commit('three');
    await work.tag('v1.2.0');
    const c4 = await work.commit('four');
    await work.tag('v1.3.0');
    await work.push('origin', 'main', '--tags');
    // The reference returns only the newest tag here (tail -1), skipping v1.2.0.
    expect((await ws.check(source, { ref: 'v1.1.0', commit: c2 })).result).toEqual([
      { ref: 'v1.1.0', commit: c2 },
      { ref: 'v1.2.0', commit: c3 },
      { ref: 'v1.3.0', commit: c4 },
    ]);
    expect((await ws.check({ ...source, version_depth: 2 })).result.map((v) => v.ref)).toEqual([
      'v1.2.0',
      'v1.3.0',
    ]);
    expect(c1).toBeTruthy();
  });

  it('matches the cursor exactly, not as a prefix', async () => {
    const ws = await workspace();
    const { remote, work } = await ws.repo();
    await work.commit('one');
    await work.tag('1.0-staging');
    const c2 = await work.commit('two');
    await work.tag('1.0');
    await work.push('origin', 'main', '--tags');
    expect((await ws.check({ uri: remote, tag_filter: '1.*' }, { ref: '1.0', commit: c2 })).result).toEqual([
      { ref: '1.0', commit: c2 },
    ]);
  });

  it('filters with tag_regex on the whole name and honours the branch', async () => {
    const ws = await workspace();
    const { remote, work } = await ws.repo();
    const c1 = await work.commit('one');
    await work.tag('v1');
    await work.tag('v1-rc');
    await work.checkout('side', { create: true });
    await work.commit('side');
    await work.tag('v2');
    await work.checkout('main');
    await work.push('origin', 'main', 'side', '--tags');
    expect(
      (await ws.check({ uri: remote, tag_regex: 'v[0-9]+', version_depth: 5 })).result.map((v) => v.ref),
    ).toEqual(['v1', 'v2']);
    expect(
      (await ws.check({ uri: remote, tag_regex: 'v[0-9]+', branch: 'main', version_depth: 5 })).result,
    ).toEqual([{ ref: 'v1', commit: c1 }]);
  });

  it('reports a moved tag with its new commit', async () => {
    const ws = await workspace();
    const { remote, work } = await ws.repo();
    const c1 = await work.commit('one');
    await work.tag('latest');
    await work.push('origin', 'main', '--tags');
    expect((await ws.check({ uri: remote, tag_filter: 'latest' })).result).toEqual([
      { ref: 'latest', commit: c1 },
    ]);
    const c2 = await work.commit('two');
    await work.run('tag', '-f', 'latest');
    await work.push('origin', 'main', '--tags', '--force');
    expect(
      (await ws.check({ uri: remote, tag_filter: 'latest' }, { ref: 'latest', commit: c1 })).result,
    ).toEqual([{ ref: 'latest', commit: c2 }]);
  });

  it('applies paths and [ci skip] to tagged commits', async () => {
    const ws = await workspace();
    const { remote, work } = await ws.repo();
    const c1 = await work.commit('app', { 'app/x': '1' });
    await work.tag('v1');
    await work.commit('docs', { 'docs/x': '1' });
    await work.tag('v2');
    await work.commit('app again [ci skip]', { 'app/x': '2' });
    await work.tag('v3');
    await work.push('origin', 'main', '--tags');
    expect(
      (await ws.check({ uri: remote, tag_filter: 'v*', paths: ['app'], version_depth: 5 })).result,
    ).toEqual([{ ref: 'v1', commit: c1 }]);
  });

  it('returns [] when no tag matches', async () => {
    const ws = await workspace();
    const { remote, work } = await ws.repo();
    await work.commit('one');
    await work.push('origin', 'main');
    expect((await ws.check({ uri: remote, tag_filter: 'v*' })).result).toEqual([]);
  });

  it('names a missing branch in one line', async () => {
    const ws = await workspace();
    const { remote, work } = await ws.repo();
    await work.commit('one');
    await work.tag('v1');
    await work.push('origin', 'main', '--tags');
    const outcome = await ws.check({ uri: remote, branch: '12345', tag_filter: 'v*' });
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toBe("error: branch '12345' (source.branch) does not exist on the remote\n");
  });

  it('match_tag_ancestors returns commits up to the newest tag', async () => {
    const ws = await workspace();
    const { remote, work } = await ws.repo();
    const c1 = await work.commit('one');
    const c2 = await work.commit('two');
    await work.tag('v1');
    await work.commit('after the tag');
    await work.push('origin', 'main', '--tags');
    const source = { uri: remote, tag_filter: 'v*', tag_behaviour: 'match_tag_ancestors' };
    expect((await ws.check(source)).result).toEqual([{ ref: c2 }]);
    expect((await ws.check(source, { ref: c1 })).result).toEqual([{ ref: c1 }, { ref: c2 }]);
  });

  it('match_tag_ancestors with paths: the newest commit touching them that is tagged or before a tag', async () => {
    const ws = await workspace();
    const { remote, work } = await ws.repo();
    const touch = (file: string, n: number) => work.commit(`${file} ${n}`, { [file]: String(n) });
    const aCommit = await touch('file-a', 1);
    await work.annotatedTag('1.0-staging', 'tag 1');
    const bCommit = await touch('file-b', 1);
    await work.annotatedTag('1.0-production', 'tag 2');
    await work.annotatedTag('2.0-staging', 'tag 3');
    const cCommit = await touch('file-c', 1);
    await work.run('tag', '--force', '--annotate', '--message', 'tag 3 moved', '2.0-staging');
    const bLater = await touch('file-b', 2);
    await work.annotatedTag('2.0-production', 'tag 4');
    await touch('file-c', 2); // the newest change to file-c, but no tag follows it
    await work.push('origin', 'main', '--tags');
    const check = async (tag_filter: string, paths: string[]) =>
      (await ws.check({ uri: remote, tag_filter, tag_behaviour: 'match_tag_ancestors', paths })).result;

    expect(await check('2*', ['file-c'])).toEqual([{ ref: cCommit }]);
    expect(await check('*-staging', ['file-b'])).toEqual([{ ref: bCommit }]);
    expect(await check('2.*', ['file-a'])).toEqual([{ ref: aCommit }]);
    expect(await check('1.*', ['file-c'])).toEqual([]);
    expect(await check('*', ['file-b', 'file-c'])).toEqual([{ ref: bLater }]);
    expect(await check('*', ['file-f'])).toEqual([]);
    expect(await check('4.0-*', ['file-c'])).toEqual([]);
  });
});
