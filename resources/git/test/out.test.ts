import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GitRepo, git } from '@hangar/testkit';
import { metadataMap, workspace, type Workspace } from './harness.js';

/** A remote with one commit, and a sources dir holding a clone at `repo` (as a get would leave it). */
async function setup(ws: Workspace, repoPath = 'repo') {
  const { remote, work } = await ws.repo();
  const base = await work.commit('base', { 'a.txt': 'base' });
  await work.push('origin', 'main');
  const sources = join(ws.root, 'put');
  const clone = await GitRepo.clone(remote, join(sources, repoPath));
  return { remote, work, base, sources, clone };
}

const remoteRef = (remote: string, ref: string) =>
  git(['rev-parse', '--verify', '--quiet', ref], { cwd: remote }).catch(() => '');

describe('out', () => {
  it('pushes HEAD to the branch and returns {ref}', async () => {
    const ws = await workspace();
    const { remote, sources, clone } = await setup(ws);
    const head = await clone.commit('change', { 'a.txt': 'new' });
    const put = await ws.put({ uri: remote, branch: 'main' }, { repository: 'repo' }, sources);
    expect(put.code).toBe(0);
    expect(put.result.version).toEqual({ ref: head });
    expect(put.result.metadata.map((m) => m.name)).toEqual([
      'commit',
      'author',
      'author_date',
      'committer',
      'committer_date',
      'branch',
      'message',
    ]);
    expect(metadataMap(put.result.metadata)['branch']).toBe('main');
    expect(await remoteRef(remote, 'refs/heads/main')).toBe(head);
    expect(await ws.homeEntries()).toEqual([]);
  });

  it('pushes to params.branch under refs_prefix and returns {branch, ref}', async () => {
    const ws = await workspace();
    const { remote, sources, clone } = await setup(ws);
    const head = await clone.commit('review me');
    const put = await ws.put(
      { uri: remote, branch: 'main' },
      { repository: 'repo', branch: 'topic', refs_prefix: 'refs/for' },
      sources,
    );
    expect(put.result.version).toEqual({ branch: 'topic', ref: head });
    expect(await remoteRef(remote, 'refs/for/topic')).toBe(head);
  });

  it('pushes the tag it made (prefixed, annotated) with the local tags the remote lacks', async () => {
    const ws = await workspace();
    const { remote, sources, clone } = await setup(ws);
    await clone.tag('made-by-the-task');
    const head = await clone.commit('release');
    await writeFile(join(sources, 'version'), '1.2.3\n');
    await writeFile(join(sources, 'notes.md'), 'Release notes');
    const params = { repository: 'repo', tag: 'version', tag_prefix: 'v', annotate: 'notes.md' };
    const put = await ws.put({ uri: remote, branch: 'main' }, params, sources);
    expect(put.code, put.stderr).toBe(0);
    expect(await remoteRef(remote, 'refs/tags/v1.2.3^{commit}')).toBe(head);
    expect(await git(['cat-file', '-t', 'v1.2.3'], { cwd: remote })).toBe('tag');
    expect(await git(['tag', '-l', '--format=%(contents)', 'v1.2.3'], { cwd: remote })).toBe('Release notes');
    expect(await remoteRef(remote, 'refs/tags/made-by-the-task')).toBe(await clone.revParse('HEAD~1'));
  });

  it('never moves a tag the remote already has unless force', async () => {
    const ws = await workspace();
    const { remote, work, base, sources, clone } = await setup(ws);
    await work.tag('stable');
    await work.push('origin', 'stable');
    const head = await clone.commit('mine');
    await clone.run('tag', 'stable', 'HEAD');
    const put = await ws.put({ uri: remote, branch: 'main' }, { repository: 'repo' }, sources);
    expect(put.code, put.stderr).toBe(0);
    expect(put.stderr).toMatch(
      /warning: tag stable differs from the remote's \([0-9a-f]{7}\); not moved without params.force/,
    );
    expect(await remoteRef(remote, 'refs/heads/main')).toBe(head);
    expect(await remoteRef(remote, 'refs/tags/stable')).toBe(base);
    const forced = await ws.put(
      { uri: remote, branch: 'main' },
      { repository: 'repo', force: true },
      sources,
    );
    expect(forced.code, forced.stderr).toBe(0);
    expect(await remoteRef(remote, 'refs/tags/stable')).toBe(head);
  });

  it('only_tag without a tag file pushes the tags the task made, and leaves the branch', async () => {
    const ws = await workspace();
    const { remote, base, sources, clone } = await setup(ws);
    const head = await clone.commit('not for main');
    await clone.tag('made-by-the-task');
    const put = await ws.put({ uri: remote }, { repository: 'repo', only_tag: 'true' }, sources);
    expect(put.code, put.stderr).toBe(0);
    expect(put.result.version).toEqual({ ref: head });
    expect(await remoteRef(remote, 'refs/tags/made-by-the-task')).toBe(head);
    expect(await remoteRef(remote, 'refs/heads/main')).toBe(base);
  });

  it('only_tag pushes the tag without touching the branch', async () => {
    const ws = await workspace();
    const { remote, base, sources, clone } = await setup(ws);
    const head = await clone.commit('not for main');
    await writeFile(join(sources, 'tag'), 'only');
    const put = await ws.put({ uri: remote }, { repository: 'repo', tag: 'tag', only_tag: true }, sources);
    expect(put.code).toBe(0);
    expect(await remoteRef(remote, 'refs/tags/only')).toBe(head);
    expect(await remoteRef(remote, 'refs/heads/main')).toBe(base);
  });

  it('fails a rejected plain push with one line naming the ref, and force overrides it', async () => {
    const ws = await workspace();
    const { remote, work, sources, clone } = await setup(ws);
    await work.commit('someone else');
    await work.push('origin', 'main');
    const mine = await clone.commit('mine');
    const put = await ws.put({ uri: remote, branch: 'main' }, { repository: 'repo' }, sources);
    expect(put.code).toBe(1);
    expect(put.stderr.trim().split('\n').at(-1)).toBe(
      `error: push to ${remote} was rejected: refs/heads/main (fetch first)`,
    );
    const forced = await ws.put(
      { uri: remote, branch: 'main' },
      { repository: 'repo', force: true },
      sources,
    );
    expect(forced.code).toBe(0);
    expect(await remoteRef(remote, 'refs/heads/main')).toBe(mine);
  });

  it('rebases onto commits pushed meanwhile', async () => {
    const ws = await workspace();
    const { remote, work, sources, clone } = await setup(ws);
    const theirs = await work.commit('theirs', { 'b.txt': 'b' });
    await work.push('origin', 'main');
    await clone.commit('mine', { 'c.txt': 'c' });
    const put = await ws.put(
      { uri: remote, branch: 'main' },
      { repository: 'repo', rebase: true, rebase_strategy_option: 'theirs' },
      sources,
    );
    expect(put.code).toBe(0);
    const pushed = await remoteRef(remote, 'refs/heads/main');
    expect(put.result.version).toEqual({ ref: pushed });
    expect(await git(['rev-parse', `${pushed}~1`], { cwd: remote })).toBe(theirs);
  });

  it('merges and returns the merge commit, or the unmerged commit when asked', async () => {
    for (const returning of [undefined, 'unmerged']) {
      const ws = await workspace();
      const { remote, work, sources, clone } = await setup(ws);
      const theirs = await work.commit('theirs', { 'b.txt': 'b' });
      await work.push('origin', 'main');
      const mine = await clone.commit('mine', { 'c.txt': 'c' });
      const put = await ws.put(
        { uri: remote, branch: 'main' },
        { repository: 'repo', merge: true, ...(returning ? { returning } : {}) },
        sources,
      );
      expect(put.code, put.stderr).toBe(0);
      const pushed = await remoteRef(remote, 'refs/heads/main');
      expect(await git(['rev-parse', `${pushed}^1`, `${pushed}^2`], { cwd: remote })).toBe(
        `${mine}\n${theirs}`,
      );
      expect([returning, put.result.version]).toEqual([returning, { ref: returning ? mine : pushed }]);
    }
  });

  it('resolves notes relative to the sources directory even for a nested repository', async () => {
    const ws = await workspace();
    const { remote, sources, clone } = await setup(ws, 'nested/repo');
    const head = await clone.commit('noted');
    await writeFile(join(sources, 'note.txt'), 'deployed to staging');
    const put = await ws.put(
      { uri: remote, branch: 'main' },
      { repository: 'nested/repo', notes: 'note.txt' },
      sources,
    );
    expect(put.code).toBe(0);
    expect(await git(['notes', 'show', head], { cwd: remote })).toBe('deployed to staging');
  });

  it('does not retry when a tag already exists remotely, and names the tag', async () => {
    const ws = await workspace();
    const { remote, work, sources, clone } = await setup(ws);
    await work.tag('v1');
    await work.push('origin', 'v1');
    await clone.commit('mine');
    await writeFile(join(sources, 'tag'), 'v1');
    const put = await ws.put(
      { uri: remote, branch: 'main' },
      { repository: 'repo', tag: 'tag', rebase: true },
      sources,
    );
    expect(put.code).toBe(1);
    expect(put.stderr).not.toMatch(/again/);
    expect(put.stderr).toMatch(/error: push to .* was rejected: .*refs\/tags\/v1 \(already exists\)/);
  });

  it('retries a push race with backoff, then gives up naming the ref', async () => {
    const ws = await workspace();
    const { remote, sources, clone } = await setup(ws);
    // A remote so busy that main moves during every push.
    const hook = join(remote, 'hooks', 'pre-receive');
    await mkdir(join(remote, 'hooks'), { recursive: true });
    await writeFile(
      hook,
      [
        '#!/bin/sh',
        'unset GIT_QUARANTINE_PATH GIT_ALTERNATE_OBJECT_DIRECTORIES',
        'export GIT_OBJECT_DIRECTORY="$PWD/objects" GIT_AUTHOR_NAME=busy GIT_AUTHOR_EMAIL=b@x GIT_COMMITTER_NAME=busy GIT_COMMITTER_EMAIL=b@x',
        'new=$(git commit-tree "$(git rev-parse refs/heads/main^{tree})" -p refs/heads/main -m busy) && git update-ref refs/heads/main "$new"',
        '',
      ].join('\n'),
    );
    await chmod(hook, 0o755);
    await clone.commit('mine');
    const put = await ws.put(
      { uri: remote, branch: 'main' },
      { repository: 'repo', rebase: true, push_retries: 2 },
      sources,
    );
    expect(put.code).toBe(1);
    expect(put.stderr.match(/rebasing again/g)).toHaveLength(2);
    expect(put.stderr.trim().split('\n').at(-1)).toBe(
      `error: push to ${remote} was rejected: refs/heads/main (failed to update ref); gave up after 3 attempts`,
    );
  });

  it('lets concurrent rebasing pushers all land', async () => {
    const ws = await workspace();
    const { remote, sources } = await setup(ws, 'unused');
    const clones = await Promise.all(
      [1, 2, 3].map(async (n) => {
        const dir = join(sources, `repo${n}`);
        const clone = await GitRepo.clone(remote, dir);
        await clone.commit(`pusher ${n}`, { [`file${n}.txt`]: String(n) });
        return `repo${n}`;
      }),
    );
    const puts = await Promise.all(
      clones.map((repository) =>
        ws.put({ uri: remote, branch: 'main' }, { repository, rebase: true, push_retries: 10 }, sources),
      ),
    );
    expect(puts.map((p) => p.code)).toEqual([0, 0, 0]);
    const log = await git(['log', '--format=%s', 'main'], { cwd: remote });
    expect(log.split('\n').sort()).toEqual(['base', 'pusher 1', 'pusher 2', 'pusher 3']);
  });

  it('sends push options', async () => {
    const ws = await workspace();
    const { remote, sources, clone } = await setup(ws);
    await git(['config', 'receive.advertisePushOptions', 'true'], { cwd: remote });
    const hook = join(remote, 'hooks', 'pre-receive');
    await writeFile(
      hook,
      `#!/bin/sh\necho "$GIT_PUSH_OPTION_COUNT $GIT_PUSH_OPTION_0 $GIT_PUSH_OPTION_1" > "${join(ws.root, 'options')}"\n`,
    );
    await chmod(hook, 0o755);
    await clone.commit('with options');
    const put = await ws.put(
      { uri: `file://${remote}`, branch: 'main' },
      { repository: 'repo', push_options: ['ci.skip', 'x=y z'] },
      sources,
    );
    expect(put.code).toBe(0);
    expect(await git(['rev-parse', 'HEAD'], { cwd: join(sources, 'repo') })).toBe(
      await remoteRef(remote, 'main'),
    );
    const { readFile } = await import('node:fs/promises');
    expect(await readFile(join(ws.root, 'options'), 'utf8')).toBe('2 ci.skip x=y z\n');
  });

  it.each([
    [
      { repository: 'repo', rebase: true, merge: true },
      'error: params.rebase and params.merge cannot both be true: choose one strategy\n',
    ],
    [{ repository: '../outside' }, /error: refusing path '\.\.\/outside'/],
    [{ repository: 'repo', tag: 'missing-file' }, "error: params.tag: file 'missing-file' does not exist\n"],
    [{}, "error: missing required field 'params.repository'\n"],
  ])('rejects %j', async (params, message) => {
    const ws = await workspace();
    const { remote, sources } = await setup(ws);
    const put = await ws.put({ uri: remote, branch: 'main' }, params, sources);
    expect(put.code).toBe(1);
    expect(put.stderr).toMatch(message);
  });

  it('requires a branch unless only_tag', async () => {
    const ws = await workspace();
    const { remote, sources } = await setup(ws);
    const put = await ws.put({ uri: remote }, { repository: 'repo' }, sources);
    expect(put.stderr).toBe(
      'error: params.branch or source.branch is required (unless params.only_tag is true)\n',
    );
  });
});

describe('out with apply_check_filters', () => {
  it('returns the newest commit the check accepts, so a [ci skip] push does not trigger', async () => {
    const ws = await workspace();
    const { remote, base, sources, clone } = await setup(ws);
    const pushed = await clone.commit('bump version [ci skip]', { VERSION: '2' });
    const source = { uri: remote, branch: 'main' };
    const put = await ws.put(source, { repository: 'repo', apply_check_filters: true }, sources);
    expect(put.code, put.stderr).toBe(0);
    expect(put.result.version).toEqual({ ref: base });
    expect(await remoteRef(remote, 'refs/heads/main')).toBe(pushed);
    expect((await ws.check(source, { ref: base })).result).toEqual([{ ref: base }]);
  });

  it('returns the pushed commit when it passes the filters', async () => {
    const ws = await workspace();
    const { remote, sources, clone } = await setup(ws);
    const pushed = await clone.commit('feature', { 'src/x': '1' });
    const put = await ws.put(
      { uri: remote, branch: 'main', paths: ['src'] },
      { repository: 'repo', apply_check_filters: true },
      sources,
    );
    expect(put.result.version).toEqual({ ref: pushed });
  });
});
