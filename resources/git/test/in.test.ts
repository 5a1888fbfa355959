import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git } from '@hangar/testkit';
import { metadataMap, workspace } from './harness.js';

const file = (dir: string, name: string) => readFile(join(dir, '.git', name), 'utf8');

describe('in', () => {
  it('checks out the version and writes the metadata and .git files of the reference', async () => {
    const ws = await workspace();
    const { remote, work } = await ws.repo();
    await work.commit('first', { 'a.txt': 'one' });
    const head = await work.commit('Add feature\n\nLong description.', { 'a.txt': 'two' });
    await work.tag('v1');
    await work.push('origin', 'main', '--tags');

    const got = await ws.get({ uri: remote, branch: 'main' }, { ref: head }, { short_ref_format: 'sha-%s' });
    expect(got.stderr).not.toContain('error');
    expect(got.result.version).toEqual({ ref: head });
    // committer and committer_date are listed because they equal the author's (the reference's rule).
    expect(got.result.metadata.map((m) => m.name)).toEqual([
      'commit',
      'author',
      'author_date',
      'committer',
      'committer_date',
      'branch',
      'tags',
      'message',
    ]);
    expect(metadataMap(got.result.metadata)).toMatchObject({
      commit: head,
      author: 'Hangar Test',
      author_date: '2026-01-01 00:02:00 +0000',
      branch: 'main',
      tags: 'v1',
      message: 'Add feature\n\nLong description.\n',
    });
    expect(await readFile(join(got.dir, 'a.txt'), 'utf8')).toBe('two');
    expect(await file(got.dir, 'ref')).toBe(`${head}\n`);
    expect(await file(got.dir, 'short_ref')).toBe(`sha-${head.slice(0, 7)}`);
    expect(await file(got.dir, 'commit')).toBe(`${head}\n`);
    expect(await file(got.dir, 'author')).toBe('Hangar Test\n');
    expect(await file(got.dir, 'author_date')).toBe('2026-01-01 00:02:00 +0000\n');
    expect(await file(got.dir, 'committer')).toBe('test@hangar.invalid');
    expect(await file(got.dir, 'committer_name')).toBe('Hangar Test');
    expect(await file(got.dir, 'committer_date')).toBe('2026-01-01 00:02:00 +0000\n');
    expect(await file(got.dir, 'branch')).toBe('main\n');
    expect(await file(got.dir, 'tags')).toBe('v1\n');
    expect(await file(got.dir, 'url')).toBe('');
    expect(await file(got.dir, 'commit_message')).toBe('Add feature\n\nLong description.\n');
    expect(await file(got.dir, 'commit_timestamp')).toBe('2026-01-01 00:02:00 +0000\n');
    expect(await file(got.dir, 'describe_ref')).toBe(`${head.slice(0, 7)}\n`);
    // The reference's `type` hints, and metadata.json as its `jq '.'` prints it.
    expect(got.result.metadata.filter((m) => m.type)).toEqual([
      { name: 'author_date', value: '2026-01-01 00:02:00 +0000', type: 'time' },
      { name: 'committer_date', value: '2026-01-01 00:02:00 +0000', type: 'time' },
      { name: 'message', value: 'Add feature\n\nLong description.\n', type: 'message' },
    ]);
    expect(await file(got.dir, 'metadata.json')).toBe(
      [
        '[',
        '  {',
        '    "name": "commit",',
        `    "value": "${head}"`,
        '  },',
        '  {',
        '    "name": "author",',
        '    "value": "Hangar Test"',
        '  },',
        '  {',
        '    "name": "author_date",',
        '    "value": "2026-01-01 00:02:00 +0000",',
        '    "type": "time"',
        '  },',
        '  {',
        '    "name": "committer",',
        '    "value": "Hangar Test"',
        '  },',
        '  {',
        '    "name": "committer_date",',
        '    "value": "2026-01-01 00:02:00 +0000",',
        '    "type": "time"',
        '  },',
        '  {',
        '    "name": "branch",',
        '    "value": "main"',
        '  },',
        '  {',
        '    "name": "tags",',
        '    "value": "v1"',
        '  },',
        '  {',
        '    "name": "message",',
        '    "value": "Add feature\\n\\nLong description.\\n",',
        '    "type": "message"',
        '  }',
        ']',
        '',
      ].join('\n'),
    );
    expect(await ws.homeEntries()).toEqual([]);
  });

  it('lists committer metadata only when it equals the author, as the reference does', async () => {
    const ws = await workspace();
    const { remote, work } = await ws.repo();
    await work.writeFiles({ x: '1' });
    await work.run('add', 'x');
    await git(['commit', '-q', '-m', 'applied patch'], {
      cwd: work.path,
      env: {
        GIT_AUTHOR_NAME: 'Alice',
        GIT_AUTHOR_EMAIL: 'alice@example.com',
        GIT_AUTHOR_DATE: '1767225600 +0000',
        GIT_COMMITTER_DATE: '1767312000 +0000',
      },
    });
    const head = await work.revParse('HEAD');
    await work.push('origin', 'main');
    const got = await ws.get({ uri: remote }, { ref: head });
    const meta = metadataMap(got.result.metadata);
    expect(got.result.metadata.map((m) => m.name).slice(0, 4)).toEqual([
      'commit',
      'author',
      'author_date',
      'branch',
    ]);
    expect(meta).toMatchObject({ author: 'Alice', author_date: '2026-01-01 00:00:00 +0000' });
    expect(await file(got.dir, 'committer_date')).toBe('');
    expect(await file(got.dir, 'committer')).toBe('alice@example.com');
  });

  it('omits the branch for a version that is not a branch tip, as the reference does', async () => {
    const ws = await workspace();
    const { remote, work } = await ws.repo();
    const old = await work.commit('old');
    await work.commit('new');
    await work.push('origin', 'main');
    const got = await ws.get({ uri: remote, branch: 'main' }, { ref: old });
    expect(await file(got.dir, 'branch')).toBe('');
    expect(metadataMap(got.result.metadata)['branch']).toBeUndefined();
    expect(await git(['rev-parse', 'HEAD'], { cwd: got.dir })).toBe(old);
  });

  it('uses the remote default branch when source.branch is not set', async () => {
    const ws = await workspace();
    const { remote, work } = await ws.repo();
    const head = await work.commit('only');
    await work.push('origin', 'main');
    await git(['symbolic-ref', 'HEAD', 'refs/heads/main'], { cwd: remote });
    const got = await ws.get({ uri: remote }, { ref: head });
    expect(got.result.version).toEqual({ ref: head });
    expect(await file(got.dir, 'branch')).toBe('main\n');
  });

  it('deepens a shallow clone until an older version is found', async () => {
    const ws = await workspace();
    const { remote, work } = await ws.repo();
    const target = await work.commit('target');
    for (let n = 0; n < 6; n++) await work.commit(`c${n}`);
    await work.push('origin', 'main');
    const got = await ws.get({ uri: `file://${remote}`, branch: 'main' }, { ref: target }, { depth: 1 });
    expect(got.code).toBe(0);
    expect(got.stderr).toContain(`Could not find ref ${target}~0 in a shallow clone of depth 1`);
    expect(got.stderr).toContain('Deepening the shallow clone by an additional 2...');
    expect(await git(['rev-parse', 'HEAD'], { cwd: got.dir })).toBe(target);
    expect(existsSync(join(got.dir, '.git', 'shallow'))).toBe(true);
  });

  it('fails with one line when the version does not exist', async () => {
    const ws = await workspace();
    const { remote, work } = await ws.repo();
    await work.commit('only');
    await work.push('origin', 'main');
    const got = await ws.get({ uri: remote, branch: 'main' }, { ref: 'a'.repeat(40) });
    expect(got.code).toBe(128);
    expect(got.stderr.trim().split('\n').at(-1)).toBe(
      `error: version ${'a'.repeat(40)} is not in branch main: was it force-pushed away?`,
    );
  });

  it('gets a tag version in tag mode and answers {ref} alone, as the reference does', async () => {
    const ws = await workspace();
    const { remote, work } = await ws.repo();
    const tagged = await work.commit('tagged');
    await work.annotatedTag('v2.0.0', 'two');
    await work.commit('later');
    await work.push('origin', 'main', '--tags');
    const version = { ref: 'v2.0.0', commit: tagged };
    const got = await ws.get({ uri: remote, branch: 'main', tag_filter: 'v*' }, version);
    expect(got.result.version).toEqual({ ref: 'v2.0.0' });
    expect(await file(got.dir, 'ref')).toBe('v2.0.0\n');
    expect(await file(got.dir, 'short_ref')).toBe('v2.0.0'.slice(0, 7));
    expect(await file(got.dir, 'commit')).toBe(`${tagged}\n`);
  });

  it('answers a tag name given as the ref without a tag filter, in .git/ref, short_ref and describe_ref', async () => {
    const ws = await workspace();
    const { remote, work } = await ws.repo();
    const tagged = await work.commit('tagged twice');
    await work.annotatedTag('1.0-staging', 'other tag');
    await work.annotatedTag('0.9-production', 'a tag');
    await work.commit('later');
    await work.annotatedTag('1.1-staging', 'another tag');
    await work.commit('latest');
    await work.push('origin', 'main', '--tags');
    for (const ref of ['1.0-staging', '0.9-production']) {
      const got = await ws.get({ uri: remote }, { ref }, { short_ref_format: 'test-%s' });
      expect(got.result.version).toEqual({ ref });
      expect(await git(['rev-parse', 'HEAD'], { cwd: got.dir })).toBe(tagged);
      expect(await file(got.dir, 'ref')).toBe(`${ref}\n`);
      expect(await file(got.dir, 'short_ref')).toBe(`test-${ref.slice(0, 7)}`);
      // The default describe options name the newest annotated tag on the commit.
      expect(await file(got.dir, 'describe_ref')).toBe('0.9-production\n');
    }
  });

  it('fetches a params.fetch branch that is already the one checked out', async () => {
    const ws = await workspace();
    const { remote, work } = await ws.repo();
    const tip = await work.commit('only');
    await work.push('origin', 'main');
    const got = await ws.get({ uri: remote }, undefined, { fetch: ['main'] });
    expect(got.code, got.stderr).toBe(0);
    expect(got.result.version).toEqual({ ref: tip });
  });

  it('applies sparse_paths, git_config locally, extra fetch branches and clean_tags', async () => {
    const ws = await workspace();
    const { remote, work } = await ws.repo();
    await work.commit('tree', { 'keep/a.txt': 'a', 'drop/b.txt': 'b' });
    await work.tag('v1');
    await work.branch('feature');
    await work.push('origin', 'main', 'feature', '--tags');
    const source = {
      uri: remote,
      branch: 'main',
      sparse_paths: ['keep'],
      git_config: [{ name: 'hangar.quoted', value: `a 'b' "c" $(d)` }],
    };
    const tip = await work.revParse('HEAD');
    const got = await ws.get(source, { ref: tip }, { fetch: ['feature'], clean_tags: true });
    expect(got.code).toBe(0);
    expect(existsSync(join(got.dir, 'keep', 'a.txt'))).toBe(true);
    expect(existsSync(join(got.dir, 'drop', 'b.txt'))).toBe(false);
    expect(await git(['config', 'hangar.quoted'], { cwd: got.dir })).toBe(`a 'b' "c" $(d)`);
    expect(await git(['branch', '--list', 'feature'], { cwd: got.dir })).toContain('feature');
    expect(await git(['tag'], { cwd: got.dir })).toBe('');
    expect(await file(got.dir, 'tags')).toBe('v1\n');
    expect(await ws.homeEntries()).toEqual([]);
  });

  it('rejects unknown params with a suggestion', async () => {
    const ws = await workspace();
    const got = await ws.get({ uri: 'x' }, { ref: 'a' }, { dpeth: 1 });
    expect(got.stderr).toBe("error: unknown key 'params.dpeth' (did you mean 'depth'?)\n");
  });
});

describe('in: remaining params', () => {
  it('finds a version outside the branch with search_remote_refs', async () => {
    const ws = await workspace();
    const { remote, work } = await ws.repo();
    await work.commit('main');
    await work.push('origin', 'main');
    await work.checkout('change', { create: true });
    const change = await work.commit('patch set 1');
    await work.push('origin', 'HEAD:refs/changes/01/1/1');
    const source = { uri: `file://${remote}`, branch: 'main' };
    expect((await ws.get(source, { ref: change })).code).toBe(128);
    const found = await ws.get({ ...source, search_remote_refs: true }, { ref: change });
    expect(found.code, found.stderr).toBe(0);
    expect(await git(['rev-parse', 'HEAD'], { cwd: found.dir })).toBe(change);
  });

  it('honours all_branches, fetch_tags, timestamp_format and describe_ref_options', async () => {
    const ws = await workspace();
    const { remote, work } = await ws.repo();
    await work.commit('one');
    await work.tag('v1');
    await work.branch('feature');
    const head = await work.commit('two');
    await work.push('origin', 'main', 'feature', '--tags');
    const source = { uri: `file://${remote}`, branch: 'main' };
    const got = await ws.get(
      source,
      { ref: head },
      {
        all_branches: true,
        fetch_tags: false,
        timestamp_format: 'unix',
        describe_ref_options: '--always --tags',
      },
    );
    expect(got.code, got.stderr).toBe(0);
    expect(await git(['branch', '-r'], { cwd: got.dir })).toContain('origin/feature');
    expect(await git(['tag'], { cwd: got.dir })).toBe('');
    expect(await file(got.dir, 'commit_timestamp')).toBe(`${1_767_225_600 + 120}\n`);
    const tagged = await ws.get(source, { ref: head }, { fetch_tags: true, describe_ref_options: '--tags' });
    expect(await file(tagged.dir, 'describe_ref')).toBe(`v1-1-g${head.slice(0, 7)}\n`);
    // Without all_branches only the tracked branch is cloned.
    expect(await git(['branch', '-r'], { cwd: tagged.dir })).not.toContain('origin/feature');
  });
});
