import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GitRepo,
  type LfsServer,
  assertLoopbackOnly,
  git,
  startLfsServer,
  tempDir,
  type TempDir,
} from '../src/index.js';

// What `git lfs install` writes, passed per command (the tests' git has no global config).
const LFS_FILTER = ['-c', 'filter.lfs.process=git-lfs filter-process', '-c', 'filter.lfs.required=true'];
const CONTENT = 'large binary stand-in\n';

describe('LFS server', () => {
  let lfs: LfsServer;
  let work: TempDir;

  beforeAll(async () => {
    work = await tempDir('hangar-lfs-clients-');
    lfs = await startLfsServer();
    await lfs.createBareRepo('app.git');
    const source = await GitRepo.init(join(work.path, 'source'));
    await source.run('lfs', 'install', '--local');
    await source.run('lfs', 'track', '*.bin');
    await source.commit('add a large file', { 'big.bin': CONTENT });
    await source.push(lfs.urlWithCredentials('app.git'), 'main');
  });
  afterAll(async () => {
    await lfs?.stop();
    await work?.remove();
  });

  it('listens on 127.0.0.1 only', async () => {
    expect(lfs.baseUrl).toBe(`http://127.0.0.1:${lfs.port}`);
    await assertLoopbackOnly(lfs.port);
  });

  it('serves the LFS object to a clone with credentials, and only the pointer without smudging', async () => {
    const smudged = join(work.path, 'smudged');
    await git([...LFS_FILTER, 'clone', '--quiet', lfs.urlWithCredentials('app.git'), smudged]);
    expect(await readFile(join(smudged, 'big.bin'), 'utf8')).toBe(CONTENT);

    const pointer = join(work.path, 'pointer');
    await git([...LFS_FILTER, 'clone', '--quiet', lfs.url('app.git'), pointer], {
      env: { GIT_LFS_SKIP_SMUDGE: '1' },
    });
    expect(await readFile(join(pointer, 'big.bin'), 'utf8')).toMatch(
      /^version https:\/\/git-lfs\.github\.com\/spec\/v1\noid sha256:[0-9a-f]{64}\nsize 22\n$/,
    );
  });

  it('refuses the LFS API without credentials', async () => {
    const target = join(work.path, 'anonymous');
    await expect(git([...LFS_FILTER, 'clone', '--quiet', lfs.url('app.git'), target])).rejects.toThrow(
      /smudge filter lfs failed/,
    );
  });

  it('stops its process and removes its directory', async () => {
    const server = await startLfsServer();
    await server.stop();
    await expect(server.process.exited).resolves.toBeUndefined();
    expect(existsSync(server.root)).toBe(false);
  });
});
