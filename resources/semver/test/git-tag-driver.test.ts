// The git-tag driver: versions are annotated tags `<tag_prefix><version>` on a real remote.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitRepo, git, type GitServers, startGitServers } from '@hangar/testkit';
import { workspace } from './harness.js';

const AUTH = { username: 'ci', password: 'canary-tag-http-3c4d' };
let servers: GitServers;
let repoCount = 0;

beforeAll(async () => {
  servers = await startGitServers({ httpAuth: AUTH });
});
afterAll(() => servers?.stop());

async function taggedRepo(tags: string[]) {
  const name = `tags-${++repoCount}.git`;
  await servers.createBareRepo(name);
  const urls = servers.urls(name);
  const work = await GitRepo.init(join(servers.root, `${name}-work`), { branch: 'main' });
  await work.commit('initial', { 'README.md': 'app\n' });
  for (const tag of tags) await work.annotatedTag(tag, `release ${tag}`);
  await work.push(urls.path, 'main');
  if (tags.length) await work.run('push', urls.path, ...tags.map((tag) => `refs/tags/${tag}`));
  return { urls, work };
}

const tagSource = (uri: string, extra: object = {}) => ({ driver: 'git-tag', uri, branch: 'main', ...extra });

describe('git-tag driver', () => {
  it('check lists prefixed semver tags in semver order from the cursor', async () => {
    const ws = await workspace();
    const { urls } = await taggedRepo([
      'v1.10.0',
      'v1.2.0',
      'v1.2.0-rc.1',
      'v2.0.0',
      'api/v9.0.0',
      'vgarbage',
      'v1.3',
      '0.5.0',
    ]);
    const source = tagSource(urls.file);
    expect((await ws.check(source)).result).toEqual([{ number: '2.0.0' }]);
    expect((await ws.check(source, { number: '1.2.0' })).result).toEqual([
      { number: '1.2.0' },
      { number: '1.10.0' },
      { number: '2.0.0' },
    ]);
    expect((await ws.check(source, { number: '3.0.0' })).result).toEqual([{ number: '2.0.0' }]);
    expect((await ws.check(tagSource(urls.file, { tag_prefix: 'api/v' }))).result).toEqual([
      { number: '9.0.0' },
    ]);
    // Our own field: `""` is a prefix (bare versions), not "unset".
    expect((await ws.check(tagSource(urls.file, { tag_prefix: '' }))).result).toEqual([{ number: '0.5.0' }]);
    expect((await ws.check(tagSource(urls.file, { tag_prefix: 'none-' }))).result).toEqual([
      { number: '0.0.0' },
    ]);
  });

  it('bump tags the branch head with an annotated tag, over HTTP with basic auth', async () => {
    const ws = await workspace();
    const { urls, work } = await taggedRepo(['v1.2.0']);
    const head = await work.commit('feature', { 'a.txt': 'a\n' });
    await work.push(urls.path, 'main');
    const source = tagSource(urls.http, {
      ...AUTH,
      git_user: 'Release Bot <bot@example.com>',
      commit_message: 'release %version%',
    });
    const out = await ws.put(source, { bump: 'minor' });
    expect(out.stderr).not.toContain('canary');
    expect(out.result.version).toEqual({ number: '1.3.0' });
    expect(await git(['--git-dir', urls.path, 'rev-parse', 'v1.3.0^{commit}'])).toBe(head);
    expect(await git(['--git-dir', urls.path, 'cat-file', '-t', 'v1.3.0'])).toBe('tag');
    expect(
      await git([
        '--git-dir',
        urls.path,
        'tag',
        '-l',
        '--format=%(taggername) %(taggeremail)|%(contents:subject)',
        'v1.3.0',
      ]),
    ).toBe('Release Bot <bot@example.com>|release 1.3.0');
  });

  it('starts from initial_version, sets from a file, and fails on a missing branch', async () => {
    const ws = await workspace();
    const { urls } = await taggedRepo([]);
    const source = tagSource(urls.file, { tag_prefix: 'app-', initial_version: '1.0.0' });
    expect((await ws.put(source, { bump: 'patch' })).result.version).toEqual({ number: '1.0.1' });
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(ws.sources, 'v'), '3.0.0');
    expect((await ws.put(source, { file: 'v' })).result.version).toEqual({ number: '3.0.0' });
    expect((await ws.put(source, { file: 'v' })).stderr).toContain('already exists');
    expect(await git(['--git-dir', urls.path, 'tag', '-l'])).toBe('app-1.0.1\napp-3.0.0');
    const missing = await ws.put(tagSource(urls.file, { branch: 'nope' }), { bump: 'patch' });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("source.branch 'nope' does not exist");
  });

  it('ten concurrent bumps create ten distinct tags', { timeout: 180_000 }, async () => {
    const ws = await workspace();
    const { urls } = await taggedRepo(['v1.0.0']);
    const results = await Promise.all(
      Array.from({ length: 10 }, () => ws.putDirect(tagSource(urls.file), { bump: 'patch' })),
    );
    expect(new Set(results.map((r) => r.version['number'])).size).toBe(10);
    const tags = (await git(['--git-dir', urls.path, 'tag', '-l', '--sort=v:refname'])).split('\n');
    expect(tags).toEqual(['v1.0.0', ...Array.from({ length: 10 }, (_, i) => `v1.0.${i + 1}`)]);
  });
});
