// `in` against a real Git LFS server (git-lfs's own test server, from scripts/bootstrap): LFS files
// are smudged to their content by default and left as pointers with disable_git_lfs.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitRepo, type LfsServer, startLfsServer, tempDir, type TempDir } from '@hangar/testkit';
import { workspace } from './harness.js';

const CONTENT = 'pretend this is a large binary\n';
const POINTER = /^version https:\/\/git-lfs\.github\.com\/spec\/v1\noid sha256:[0-9a-f]{64}\nsize 31\n$/;

let lfs: LfsServer;
let work: TempDir;
let version: { ref: string };

beforeAll(async () => {
  lfs = await startLfsServer();
  work = await tempDir('hangar-git-lfs-');
  await lfs.createBareRepo('app.git');
  const repo = await GitRepo.init(join(work.path, 'app'));
  await repo.run('lfs', 'install', '--local');
  await repo.run('lfs', 'track', '*.bin');
  version = { ref: await repo.commit('add a large file', { 'big.bin': CONTENT, 'small.txt': 'small\n' }) };
  await repo.push(lfs.urlWithCredentials('app.git'), 'main');
});

afterAll(async () => {
  await lfs?.stop();
  await work?.remove();
});

const source = () => ({ uri: lfs.url('app.git'), branch: 'main', ...lfs.credentials });

describe('in: Git LFS', () => {
  it('smudges LFS files to their content by default', async () => {
    const ws = await workspace();
    const got = await ws.get(source(), version);
    expect(got.code, got.stderr).toBe(0);
    expect(await readFile(join(got.dir, 'big.bin'), 'utf8')).toBe(CONTENT);
    expect(await readFile(join(got.dir, 'small.txt'), 'utf8')).toBe('small\n');
    expect(await ws.homeEntries()).toEqual([]);
  });

  it('leaves the pointer with disable_git_lfs: true', async () => {
    const ws = await workspace();
    const got = await ws.get(source(), version, { disable_git_lfs: true });
    expect(got.code, got.stderr).toBe(0);
    expect(await readFile(join(got.dir, 'big.bin'), 'utf8')).toMatch(POINTER);
  });

  it('needs no LFS credentials with disable_git_lfs: true, and fails clearly without them otherwise', async () => {
    const ws = await workspace();
    const anonymous = { uri: lfs.url('app.git'), branch: 'main' };
    const skipped = await ws.get(anonymous, version, { disable_git_lfs: true });
    expect(skipped.code, skipped.stderr).toBe(0);
    const failed = await ws.get(anonymous, version);
    expect(failed.code).toBe(128); // git's own status, as the reference exits
    // git-lfs used to resubmit empty credentials forever here (the askpass helper answered "").
    expect(failed.stderr).toContain('error: git checkout failed: big.bin: smudge filter lfs failed\n');
  });
});
