// Behaviours that concourse/git-resource's own suite (test/check.sh, get.sh, put.sh) checks and
// that pipelines rely on when they swap the image (#21): requests without a version, fields as
// `jq -r` reads them, which unknown keys fail, tags a put pushes. Written from the behaviour, in
// our own words; the other files cover the rest of that suite.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GitRepo, git } from '@hangar/testkit';
import { DEEPENING_TO_THRESHOLD, deepeningLog, metadataMap, workspace } from './harness.js';

const gitFile = (dir: string, name: string) => readFile(join(dir, '.git', name), 'utf8');

describe('in without a version', () => {
  it('clones the tip of the default branch and answers its commit', async () => {
    const ws = await workspace();
    const { remote, work } = await ws.repo();
    await work.commit('one');
    const tip = await work.commit('two', { 'a.txt': 'two' });
    await work.push('origin', 'main');
    const got = await ws.get({ uri: remote }, undefined, { short_ref_format: 'test-%s' });
    expect(got.code, got.stderr).toBe(0);
    expect(got.result.version).toEqual({ ref: tip });
    expect(await git(['rev-parse', 'HEAD'], { cwd: got.dir })).toBe(tip);
    expect(await readFile(join(got.dir, 'a.txt'), 'utf8')).toBe('two');
    expect(await gitFile(got.dir, 'ref')).toBe(`${tip}\n`);
    expect(await gitFile(got.dir, 'short_ref')).toBe(`test-${tip.slice(0, 7)}`);
    expect(await gitFile(got.dir, 'branch')).toBe('main\n');
  });

  it('clones the tip of source.branch, one commit deep with depth "1"', async () => {
    const ws = await workspace();
    const { remote, work } = await ws.repo();
    await work.commit('on main');
    await work.push('origin', 'main');
    await work.checkout('feature', { create: true });
    await work.commit('feature one');
    const tip = await work.commit('feature two');
    await work.push('origin', 'feature');
    const got = await ws.get({ uri: `file://${remote}`, branch: 'feature' }, undefined, { depth: '1' });
    expect(got.result.version).toEqual({ ref: tip });
    expect(await git(['rev-list', '--all', '--count'], { cwd: got.dir })).toBe('1');
    expect(metadataMap(got.result.metadata)['branch']).toBe('feature');
  });
});

describe('in with a version from a put to another branch', () => {
  it('clones version.branch and answers {ref} alone', async () => {
    const ws = await workspace();
    const { remote, work } = await ws.repo();
    await work.commit('main');
    await work.push('origin', 'main');
    await work.checkout('topic', { create: true });
    const ref = await work.commit('topic');
    await work.push('origin', 'topic');
    const got = await ws.get({ uri: remote, branch: 'main' }, { branch: 'topic', ref });
    expect(got.result.version).toEqual({ ref });
    expect(await git(['rev-parse', 'HEAD'], { cwd: got.dir })).toBe(ref);
    expect(metadataMap(got.result.metadata)['branch']).toBe('topic');
  });
});

describe('fields read as jq -r reads them', () => {
  it('takes numbers and booleans written as strings in check', async () => {
    const ws = await workspace();
    const { remote, work } = await ws.repo();
    const one = await work.commit('one');
    await work.commit('chore(release): publish');
    const three = await work.commit('three');
    await work.push('origin', 'main');
    const source = {
      uri: remote,
      version_depth: '2',
      commit_filter: { exclude: ['chore(release):'], exclude_all_match: 'false' },
      disable_ci_skip: 'false',
    };
    expect((await ws.check(source)).result).toEqual([{ ref: one }, { ref: three }]);
    const filtered = await ws.check(
      { uri: remote, commit_filter: { include: ['one', 'three'], include_all_match: 'true' } },
      { ref: one },
    );
    expect(filtered.result).toEqual([]);
  });

  it('treats null as unset and takes "true"/"false" params in in', async () => {
    const ws = await workspace();
    const { remote, work } = await ws.repo();
    const head = await work.commit('tagged');
    await work.tag('v1.1-pre');
    await work.push('origin', 'main', '--tags');
    const source = { uri: remote, branch: null, tag_filter: null, paths: null };
    const kept = await ws.get(source, undefined, { clean_tags: 'false', fetch_tags: null, depth: null });
    expect(kept.code, kept.stderr).toBe(0);
    expect(await git(['tag'], { cwd: kept.dir })).toBe('v1.1-pre');
    const cleaned = await ws.get(source, { ref: head }, { clean_tags: 'true', all_branches: 'true' });
    expect(await git(['tag'], { cwd: cleaned.dir })).toBe('');
    expect(await gitFile(cleaned.dir, 'tags')).toBe('v1.1-pre\n');
  });

  it('takes tag_filter with version_depth "2" from a cursor', async () => {
    const ws = await workspace();
    const { remote, work } = await ws.repo();
    const shas: string[] = [];
    for (const name of ['1.0-staging', '2.0-staging', '3.0-staging']) {
      shas.push(await work.commit(name));
      await work.annotatedTag(name, name);
    }
    await work.push('origin', 'main', '--tags');
    const source = { uri: remote, tag_filter: '*-staging', version_depth: '2' };
    expect((await ws.check(source, { ref: '2.0-staging' })).result).toEqual([
      { ref: '2.0-staging', commit: shas[1] },
      { ref: '3.0-staging', commit: shas[2] },
    ]);
    expect((await ws.check(source, { ref: 'bogus-ref' })).result).toEqual([
      { ref: '2.0-staging', commit: shas[1] },
      { ref: '3.0-staging', commit: shas[2] },
    ]);
  });
});

describe('check, on the histories the reference suite builds', () => {
  it('lists empty commits and orders by history, not by commit date', async () => {
    const ws = await workspace();
    const { remote, work } = await ws.repo();
    const first = await work.commit('first');
    await work.run(
      'commit',
      '--quiet',
      '--allow-empty',
      '--date=2099-01-01T00:00:00',
      '-m',
      'dated in the future',
    );
    const future = await work.revParse('HEAD');
    await work.run('commit', '--quiet', '--allow-empty', '-m', 'empty');
    const empty = await work.revParse('HEAD');
    await work.push('origin', 'main');
    expect((await ws.check({ uri: remote })).result).toEqual([{ ref: empty }]);
    expect((await ws.check({ uri: remote }, { ref: first })).result).toEqual([
      { ref: first },
      { ref: future },
      { ref: empty },
    ]);
  });

  it('finds a tag on a branch never merged, before and after the cache exists', async () => {
    const ws = await workspace();
    const { remote, work } = await ws.repo();
    await work.commit('main');
    await work.push('origin', 'main');
    const source = { uri: remote, tag_filter: 'v*-hotfix' };
    expect((await ws.check(source)).result).toEqual([]);
    await work.checkout('hotfix', { create: true });
    const fix = await work.commit('fix');
    await work.annotatedTag('v1.0.0-hotfix', 'hotfix');
    await work.push('origin', 'hotfix', '--tags');
    expect((await ws.check(source)).result).toEqual([{ ref: 'v1.0.0-hotfix', commit: fix }]);
    const fresh = await workspace();
    expect((await fresh.check({ uri: remote, tag_regex: 'v.*-hotfix' })).result).toEqual([
      { ref: 'v1.0.0-hotfix', commit: fix },
    ]);
  });

  it('fails with one line on an empty uri', async () => {
    const ws = await workspace();
    const outcome = await ws.check({ uri: '' });
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toBe('error: source.uri is required and must not be empty\n');
  });
});

describe('in, when the version cannot be found', () => {
  it('fetches the complete history once deepening passes depth 127', async () => {
    const ws = await workspace();
    const { remote, work } = await ws.repo();
    const old = await work.commit('old');
    for (let n = 0; n < 127; n++) await work.run('commit', '--quiet', '--allow-empty', '-m', `c${n}`);
    await work.push('origin', 'main');
    const got = await ws.get({ uri: `file://${remote}` }, { ref: old }, { depth: 1 });
    expect(got.code, got.stderr).toBe(0);
    expect(deepeningLog(got.stderr, old)).toEqual(DEEPENING_TO_THRESHOLD);
    expect(got.stderr).toContain('Reached depth threshold 127, falling back to deep clone...');
    expect(await git(['rev-parse', 'HEAD'], { cwd: got.dir })).toBe(old);
  });

  it('deepens until the version and depth - 1 ancestors are there, and stays shallow', async () => {
    const ws = await workspace();
    const { remote, work } = await ws.repo();
    const refs = [];
    for (let n = 0; n < 4; n++) refs.push(await work.commit(`wanted ${n}`));
    for (let n = 0; n < 18; n++) await work.commit(`later ${n}`);
    await work.push('origin', 'main');
    const got = await ws.get({ uri: `file://${remote}` }, { ref: refs[3]! }, { depth: '3' });
    expect(got.code, got.stderr).toBe(0);
    expect(deepeningLog(got.stderr, refs[3]!, 2)).toEqual({ missingAt: ['3', '9'], steps: ['6', '12'] });
    expect(await git(['rev-parse', 'HEAD', 'HEAD~1', 'HEAD~2'], { cwd: got.dir })).toBe(
      [refs[3], refs[2], refs[1]].join('\n'),
    );
    expect(await git(['rev-parse', '--is-shallow-repository'], { cwd: got.dir })).toBe('true');
  });

  it('stops deepening at the full history and fails in one line', async () => {
    const ws = await workspace();
    const { remote, work } = await ws.repo();
    await work.commit('only');
    await work.push('origin', 'main');
    const missing = '0123456789abcdef0123456789abcdef01234567';
    const got = await ws.get({ uri: `file://${remote}` }, { ref: missing }, { depth: 1 });
    expect(got.code).toBe(128); // git's checkout status, as the reference exits
    expect(got.stderr).toContain(
      "Reached max depth of the origin repo while deepening the shallow clone, it's a deep clone now",
    );
    expect(got.stderr.trim().split('\n').at(-1)).toBe(
      `error: version ${missing} is not in the repository: was it force-pushed away?`,
    );
  });
});

describe('unknown keys, where the reference looks for them', () => {
  it('fails check on an unknown top-level source key, naming it', async () => {
    const ws = await workspace();
    const outcome = await ws.check({ uri: 'some-uri', some_option: 'thats unknown' });
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toMatch(/^error: unknown key 'source.some_option'/);
  });

  it('warns in in and out about unknown source keys, with the nearest key, and goes on', async () => {
    const ws = await workspace();
    const { remote, work } = await ws.repo();
    await work.commit('one');
    await work.push('origin', 'main');
    const got = await ws.get({ uri: remote, brnach: 'main', commit_filter: { exclud: ['x'] } }, undefined);
    expect(got.code, got.stderr).toBe(0);
    expect(got.stderr).toContain("unknown key 'source.brnach' (did you mean 'branch'?)");
    expect(got.stderr).toContain("unknown key 'source.commit_filter.exclud'");
    const sources = join(ws.root, 'put');
    const clone = await GitRepo.clone(remote, join(sources, 'repo'));
    await clone.commit('two');
    const put = await ws.put({ uri: remote, branch: 'main', brnach: 'x' }, { repository: 'repo' }, sources);
    expect(put.code, put.stderr).toBe(0);
    expect(put.stderr).toContain("warning: unknown key 'source.brnach'");
  });

  it('fails in and out on unknown params, naming each', async () => {
    const ws = await workspace();
    const got = await ws.get({ uri: 'some-uri' }, undefined, { unknown_key: 'a', other_key: 'b' });
    expect(got.code).toBe(1);
    expect(got.stderr).toMatch(/unknown key 'params.unknown_key'.*unknown key 'params.other_key'/);
    const put = await ws.put(
      { uri: 'some-uri', branch: 'main' },
      { repository: 'r', unknown_key: 'a' },
      ws.root,
    );
    expect(put.code).toBe(1);
    expect(put.stderr).toMatch(/unknown key 'params.unknown_key'/);
  });

  it('accepts tag_filter together with tag_regex in in, as the reference does', async () => {
    const ws = await workspace();
    const { remote, work } = await ws.repo();
    const head = await work.commit('one');
    await work.tag('v1');
    await work.push('origin', 'main', '--tags');
    const got = await ws.get({ uri: remote, tag_filter: 'v*', tag_regex: 'v.*' }, { ref: 'v1' });
    expect(got.code, got.stderr).toBe(0);
    expect(await gitFile(got.dir, 'commit')).toBe(`${head}\n`);
  });
});

describe('tags in in', () => {
  it('lists the tags at the commit sorted, and with fetch_tags "true" those of other branches', async () => {
    const ws = await workspace();
    const { remote, work } = await ws.repo();
    await work.commit('on main');
    await work.tag('v1.1-pre');
    await work.tag('v1.1-final');
    await work.push('origin', 'main', '--tags');
    const got = await ws.get({ uri: remote, branch: 'main' }, undefined);
    expect(metadataMap(got.result.metadata)['tags']).toBe('v1.1-final,v1.1-pre');
    await work.checkout('other', { create: true });
    await work.commit('elsewhere');
    await work.tag('v2-other');
    await work.push('origin', 'other', '--tags');
    const untagged = await ws.get({ uri: remote, branch: 'main' }, undefined, { fetch_tags: 'false' });
    expect(metadataMap(untagged.result.metadata)['tags']).toBeUndefined();
    expect(await gitFile(untagged.dir, 'tags')).toBe('');
    const all = await ws.get({ uri: remote, branch: 'main' }, undefined, { fetch_tags: 'true' });
    expect(await git(['tag'], { cwd: all.dir })).toBe('v1.1-final\nv1.1-pre\nv2-other');
  });
});

describe('submodules, as the reference selects them', () => {
  it('selects list entries by the end of the path and skips a submodule missing from the commit', async () => {
    const ws = await workspace();
    const lib = await ws.repo('lib');
    const libHead = await lib.work.commit('lib');
    await lib.work.push('origin', 'main');
    const { remote, work } = await ws.repo();
    await work.commit('base');
    await work.addSubmodule(`file://${lib.remote}`, 'vendor/lib');
    await work.addSubmodule(`file://${lib.remote}`, 'gone');
    await work.run('rm', '--quiet', 'gone');
    await work.run('checkout', 'HEAD', '--', '.gitmodules');
    const head = await work.commit('drop the gitlink but keep .gitmodules');
    await work.push('origin', 'main');
    const got = await ws.get({ uri: remote }, undefined, { submodules: ['lib'] });
    expect(got.code, got.stderr).toBe(0);
    expect(got.result.version).toEqual({ ref: head });
    expect(await git(['rev-parse', 'HEAD'], { cwd: join(got.dir, 'vendor/lib') })).toBe(libHead);
    const all = await ws.get({ uri: remote }, undefined);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stderr).toMatch(
      /warning: submodule 'gone' is in .gitmodules but its path 'gone' is not in the commit; skipped/,
    );
  });
});

describe('put, as the reference suite drives it', () => {
  async function setup() {
    const ws = await workspace();
    const { remote, work } = await ws.repo();
    await work.commit('base', { spacefile: 'line1\nline2  \nline3\n' });
    await work.push('origin', 'main');
    const sources = join(ws.root, 'put');
    const clone = await GitRepo.clone(remote, join(sources, 'repo'));
    return { ws, remote, work, sources, clone };
  }

  it('rebases with several strategy options (string or list) and pushes notes', async () => {
    for (const options of ['theirs ignore-space-change', ['theirs', 'ignore-space-change']]) {
      const { ws, remote, work, sources, clone } = await setup();
      await work.commit('remote change', { spacefile: 'line1-remote\nline2\nline3\n' });
      await work.push('origin', 'main');
      await clone.commit('local change', { spacefile: 'line1\nline2  \nline3-local\n' });
      await writeFile(join(sources, 'notes-file'), 'some-notes');
      const put = await ws.put(
        { uri: remote, branch: 'main' },
        { repository: 'repo', rebase: 'true', rebase_strategy_option: options, notes: 'notes-file' },
        sources,
      );
      expect(put.code, put.stderr).toBe(0);
      const pushed = await clone.revParse('HEAD');
      expect(put.result.version).toEqual({ ref: pushed });
      const merged = await git(['show', `${pushed}:spacefile`], { cwd: remote });
      expect(merged).toMatch(/^line1-remote$/m);
      expect(merged).toMatch(/^line3-local$/m);
      expect(await git(['notes', 'show', pushed], { cwd: remote })).toBe('some-notes');
    }
  });

  it('rebases and points the tag it makes at the rebased commit', async () => {
    const { ws, remote, work, sources, clone } = await setup();
    await work.commit('theirs', { 'other-file': 'x' });
    await work.push('origin', 'main');
    await clone.commit('mine', { 'some-file': 'y' });
    await writeFile(join(sources, 'some-tag-file'), '1.0\n');
    const put = await ws.put(
      { uri: remote, branch: 'main' },
      { repository: 'repo', rebase: true, tag: 'some-tag-file', tag_prefix: 'v' },
      sources,
    );
    expect(put.code, put.stderr).toBe(0);
    const rebased = await clone.revParse('HEAD');
    expect(put.result.version).toEqual({ ref: rebased });
    expect(await git(['rev-parse', 'main', 'v1.0'], { cwd: remote })).toBe(`${rebased}\n${rebased}`);
  });

  it('reads notes beside a nested repository first, where the reference looks', async () => {
    const ws = await workspace();
    const { remote, work } = await ws.repo();
    await work.commit('base');
    await work.push('origin', 'main');
    const sources = join(ws.root, 'put');
    const clone = await GitRepo.clone(remote, join(sources, 'nested', 'repo'));
    const head = await clone.commit('noted');
    await writeFile(join(sources, 'nested', 'notes'), 'beside the repository');
    await writeFile(join(sources, 'notes'), 'in the put directory');
    const put = await ws.put(
      { uri: remote, branch: 'main' },
      { repository: 'nested/repo', notes: 'notes' },
      sources,
    );
    expect(put.code, put.stderr).toBe(0);
    expect(await git(['notes', 'show', head], { cwd: remote })).toBe('beside the repository');
  });

  it('only_tag with force moves a tag the remote has; without force leaves it', async () => {
    const { ws, remote, work, sources, clone } = await setup();
    const upstream = await work.commit('upstream');
    await work.tag('some-only-tag');
    await work.push('origin', 'main', 'some-only-tag');
    const mine = await clone.commit('mine');
    await clone.tag('some-only-tag');
    await writeFile(join(sources, 'notes-file'), 'not pushed');
    const kept = await ws.put(
      { uri: remote },
      { repository: 'repo', only_tag: true, notes: 'notes-file' },
      sources,
    );
    expect(kept.code, kept.stderr).toBe(0);
    expect(kept.stderr).toContain('warning: params.notes is ignored with params.only_tag');
    expect(await git(['notes', 'list'], { cwd: remote })).toBe('');
    expect(await git(['rev-parse', 'some-only-tag'], { cwd: remote })).toBe(upstream);
    const forced = await ws.put(
      { uri: remote, branch: 'main' },
      { repository: 'repo', only_tag: true, force: true },
      sources,
    );
    expect(forced.result.version).toEqual({ ref: mine });
    expect(await git(['rev-parse', 'some-only-tag'], { cwd: remote })).toBe(mine);
    expect(await git(['rev-parse', 'main'], { cwd: remote })).toBe(upstream);
  });
});
