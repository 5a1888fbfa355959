import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GitRepo, type TempDir, tempDir } from '@hangar/testkit';
import { bareCacheDir, lsRemote, openGitSession, syncBareCache, type GitSession } from '../src/index.js';

let work: TempDir;
let session: GitSession;
let source: GitRepo;
let remote: string;

beforeEach(async () => {
  work = await tempDir('hangar-git-cache-test-');
  session = await openGitSession();
  remote = join(work.path, 'remote.git');
  await GitRepo.initBare(remote);
  source = await GitRepo.init(join(work.path, 'source'));
  await source.commit('one', { 'a.txt': '1' });
  await source.tag('v1');
  await source.push(remote, 'main', '--tags');
});

afterEach(async () => {
  await session.close();
  await work.remove();
});

describe('syncBareCache', () => {
  it('clones a partial bare repository once, then fetches into it', async () => {
    const options = {
      root: join(work.path, 'cache'),
      uri: `file://${remote}`,
      branch: 'main',
      filter: 'blob:none',
    } as const;
    const first = await syncBareCache(session.git, options);
    expect(first.created).toBe(true);
    expect(await first.git.output(['config', 'remote.origin.promisor'])).toBe('true');
    expect(await first.git.output(['rev-parse', 'refs/heads/main'])).toBe(await source.revParse('HEAD'));

    const two = await source.commit('two', { 'a.txt': '2' });
    await source.push(remote, 'main');
    const second = await syncBareCache(session.git, options);
    expect(second.created).toBe(false);
    expect(second.dir).toBe(first.dir);
    expect(await second.git.output(['rev-parse', 'refs/heads/main'])).toBe(two);
  });

  it('mirrors tags, including moved and deleted ones', async () => {
    const options = { root: join(work.path, 'cache'), uri: remote, tags: true, filter: 'tree:0' } as const;
    const cache = await syncBareCache(session.git, options);
    expect(await cache.git.lines(['tag'])).toEqual(['v1']);
    const two = await source.commit('two');
    await source.run('tag', '-f', 'v1');
    await source.tag('v2');
    await source.push(remote, 'main', '--tags', '--force');
    await syncBareCache(session.git, options);
    expect(await cache.git.output(['rev-parse', 'v1'])).toBe(two);
    await source.run('push', remote, ':refs/tags/v2');
    await syncBareCache(session.git, options);
    expect(await cache.git.lines(['tag'])).toEqual(['v1']);
  });

  it('keeps separate caches per remote and shape', () => {
    const base = { root: '/c', uri: 'a', filter: 'tree:0' } as const;
    expect(bareCacheDir(base)).not.toBe(bareCacheDir({ ...base, uri: 'b' }));
    expect(bareCacheDir(base)).not.toBe(bareCacheDir({ ...base, filter: 'blob:none' }));
    expect(bareCacheDir(base)).toBe(bareCacheDir({ ...base }));
  });

  it('leaves nothing behind when the first clone fails', async () => {
    const root = join(work.path, 'cache');
    await expect(
      syncBareCache(session.git, { root, uri: join(work.path, 'missing'), filter: 'none' }),
    ).rejects.toThrow(/git clone failed/);
    expect(existsSync(root) ? (await import('node:fs')).readdirSync(root) : []).toEqual([]);
  });
});

describe('lsRemote', () => {
  it('keeps exact ref names only', async () => {
    await source.branch('feature/main');
    await source.commit('on main');
    await source.push(remote, 'main', 'feature/main');
    const { refs, headTarget } = await lsRemote(session.git, remote, ['refs/heads/main', 'HEAD']);
    expect([...refs.keys()].sort()).toEqual(['HEAD', 'refs/heads/main']);
    expect(headTarget).toBe('refs/heads/main');
  });
});
