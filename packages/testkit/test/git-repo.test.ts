import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GIT_IDENTITY, GitRepo, git, tempDir } from '../src/index.js';

async function buildHistory(path: string): Promise<GitRepo> {
  const repo = await GitRepo.init(path);
  await repo.commit('initial', { 'README.md': '# demo\n' });
  await repo.checkout('feature', { create: true });
  await repo.commit('feature work', { 'src/feature.txt': 'feature\n' });
  await repo.checkout('main');
  await repo.commit('main work', { 'main.txt': 'main\n' });
  await repo.merge('feature');
  await repo.tag('v1.0.0');
  await repo.annotatedTag('v1.1.0', 'release 1.1.0');
  await repo.branch('release');
  return repo;
}

describe('GitRepo', () => {
  it('builds the same history with the same hashes every time', async () => {
    await using dir = await tempDir('hangar-gitrepo-');
    const first = await buildHistory(join(dir.path, 'a'));
    const second = await buildHistory(join(dir.path, 'b'));
    const head = await first.revParse('HEAD');
    expect(head).toMatch(/^[0-9a-f]{40}$/);
    expect(await second.revParse('HEAD')).toBe(head);

    expect(await first.run('log', '--format=%s|%an <%ae>|%aI', '-1')).toBe(
      `Merge feature|${GIT_IDENTITY.name} <${GIT_IDENTITY.email}>|2026-01-01T00:04:00+00:00`,
    );
    expect(await first.run('rev-list', '--parents', '-1', 'HEAD').then((l) => l.split(' ').length)).toBe(3);
    expect(await first.revParse('v1.0.0')).toBe(head);
    expect(await first.revParse('v1.1.0')).toBe(head);
    expect(await first.run('cat-file', '-t', 'v1.1.0')).toBe('tag');
    expect(await first.run('cat-file', '-t', 'v1.0.0')).toBe('commit');
    expect(await first.revParse('release')).toBe(head);
    expect(await first.run('ls-tree', '-r', '--name-only', 'HEAD')).toBe(
      'README.md\nmain.txt\nsrc/feature.txt',
    );
  });

  it('adds a submodule that a recursive clone checks out', async () => {
    await using dir = await tempDir('hangar-gitrepo-');
    const library = await GitRepo.init(join(dir.path, 'library'));
    const libraryHead = await library.commit('library', { 'lib.txt': 'library v1\n' });
    const app = await GitRepo.init(join(dir.path, 'app'));
    await app.commit('app', { 'app.txt': 'app\n' });
    await app.addSubmodule(library.path, 'vendor/library');
    expect(await app.run('ls-tree', 'HEAD', 'vendor/library')).toBe(
      `160000 commit ${libraryHead}\tvendor/library`,
    );

    const clone = join(dir.path, 'clone');
    await git([
      '-c',
      'protocol.file.allow=always',
      'clone',
      '--quiet',
      '--recurse-submodules',
      app.path,
      clone,
    ]);
    expect(await readFile(join(clone, 'vendor/library/lib.txt'), 'utf8')).toBe('library v1\n');
  });

  it('names a submodule apart from its path when asked', async () => {
    await using dir = await tempDir('hangar-gitrepo-');
    const library = await GitRepo.init(join(dir.path, 'library'));
    await library.commit('library');
    const app = await GitRepo.init(join(dir.path, 'app'));
    await app.addSubmodule(library.path, 'some-path', { name: 'some-name', message: 'vendor it' });
    expect(await app.run('config', '--file', '.gitmodules', 'submodule.some-name.path')).toBe('some-path');
    expect(await app.run('log', '-1', '--format=%s')).toBe('vendor it');
  });

  it('fails with git’s own message for an unknown ref', async () => {
    await using dir = await tempDir('hangar-gitrepo-');
    const repo = await GitRepo.init(dir.path);
    await expect(repo.revParse('nope')).rejects.toThrow(
      /git rev-parse --verify nope\^\{\} failed \(code 128\): fatal/,
    );
  });
});
