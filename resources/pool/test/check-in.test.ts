// `check` (pool commits, oldest first, cursor inclusive) and `in` (name/metadata files, the
// "no longer acquired" error, unclaimed versions) against real remotes.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitServers, type GitServers } from '@hangar/testkit';
import { CANARY, seedPool, workspace, lockAnswer } from './harness.js';

let servers: GitServers;
beforeAll(async () => {
  servers = await startGitServers({ httpAuth: { username: 'ci', password: CANARY } });
});
afterAll(() => servers?.stop());

const sourceFor = (remote: { urls: { file: string }; branch: string }, extra: object = {}) => ({
  uri: remote.urls.file,
  branch: remote.branch,
  pool: 'pool',
  retry_delay: '20ms',
  ...extra,
});

describe('check', () => {
  it('answers the latest commit touching the pool, then every pool commit since the cursor, oldest first', async () => {
    const remote = await seedPool(servers, { unclaimed: { a: '' }, files: { 'other/claimed/.gitkeep': '' } });
    const ws = await workspace();
    const [root] = await remote.log();
    const first = await ws.check(sourceFor(remote));
    expect(first.result).toEqual([{ ref: root }]);

    expect((await ws.put(sourceFor(remote), { acquire: true })).code).toBe(0);
    // Commits elsewhere (another pool, a README) are invisible.
    await remote.work.run('pull', '--quiet', 'origin', remote.branch);
    await remote.work.commit('other pool', { 'other/unclaimed/x': '' });
    await remote.work.commit('docs', { 'README.md': 'hi' });
    await remote.work.push('origin', remote.branch);
    await ws.lockDir('lock', 'a');
    expect((await ws.put(sourceFor(remote), { release: 'lock' })).code).toBe(0);

    const all = await remote.log();
    const poolCommits = [all[0], all[1], all[4]];
    const fromRoot = await ws.check(sourceFor(remote), { ref: root ?? '' });
    expect(fromRoot.result).toEqual(poolCommits.map((ref) => ({ ref })));
    const fromClaim = await ws.check(sourceFor(remote), { ref: all[1] ?? '' });
    expect(fromClaim.result).toEqual([{ ref: all[1] }, { ref: all[4] }]);
    const latest = await ws.check(sourceFor(remote), { ref: all[4] ?? '' });
    expect(latest.result).toEqual([{ ref: all[4] }]);
  });

  it('answers only the latest pool commit for an unknown or bogus cursor', async () => {
    const remote = await seedPool(servers, { unclaimed: { a: '' } });
    const ws = await workspace();
    const [root] = await remote.log();
    expect((await ws.check(sourceFor(remote), { ref: 'f'.repeat(40) })).result).toEqual([{ ref: root }]);
    expect((await ws.check(sourceFor(remote), { ref: 'not-a-sha' })).result).toEqual([{ ref: root }]);
  });

  it('answers [] when no commit touches the pool', async () => {
    const remote = await seedPool(servers);
    const ws = await workspace();
    expect((await ws.check({ ...sourceFor(remote), pool: 'elsewhere' })).result).toEqual([]);
  });

  it('works over HTTP with basic auth and never prints the password', async () => {
    const remote = await seedPool(servers, { unclaimed: { a: '' } });
    const ws = await workspace();
    const ok = await ws.check({
      ...sourceFor(remote),
      uri: remote.urls.http,
      username: 'ci',
      password: CANARY,
    });
    expect(ok.code, ok.stderr).toBe(0);
    const wrong = await ws.check({
      ...sourceFor(remote),
      uri: remote.urls.http,
      username: 'ci',
      password: `${CANARY}-x`,
    });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).not.toContain(CANARY);
    expect(wrong.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('reports every missing required field', async () => {
    const ws = await workspace();
    const result = await ws.check({});
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/source\.uri/);
    expect(result.stderr).toMatch(/source\.branch/);
    expect(result.stderr).toMatch(/source\.pool/);
  });
});

describe('in', () => {
  it('writes name and metadata of the lock claimed at the version', async () => {
    const remote = await seedPool(servers, { unclaimed: { 'env-1': '{"host":"one"}' } });
    const ws = await workspace();
    const put = await ws.put(sourceFor(remote), { acquire: true });
    const got = await ws.get(sourceFor(remote), put.result.version);
    expect(got.code, got.stderr).toBe(0);
    expect(got.result).toEqual(lockAnswer(put.result.version['ref'], 'env-1'));
    expect(await readFile(join(got.dir, 'name'), 'utf8')).toBe('env-1\n');
    expect(await readFile(join(got.dir, 'metadata'), 'utf8')).toBe('{"host":"one"}');
    // As in the reference, the destination is also a checkout of the branch at the version.
    expect((await readdir(got.dir)).sort()).toEqual(['.git', 'metadata', 'name', 'pool']);
    expect(await readdir(join(got.dir, 'pool', 'claimed'))).toContain('env-1');
  });

  it('after acquire: N, writes every name (one per line) and their contents in name order', async () => {
    const remote = await seedPool(servers, { unclaimed: { a: 'one\n', b: 'two\n', c: 'three\n' } });
    const ws = await workspace();
    const put = await ws.put(sourceFor(remote), { acquire: 2 });
    const got = await ws.get(sourceFor(remote), put.result.version);
    expect(got.code, got.stderr).toBe(0);
    const names = (await readFile(join(got.dir, 'name'), 'utf8')).split('\n').filter(Boolean);
    expect(names).toHaveLength(2);
    expect(got.result.metadata[0]).toEqual({ name: 'lock_name', value: names.join(', ') });
    const contents: Record<string, string> = { a: 'one\n', b: 'two\n', c: 'three\n' };
    expect(await readFile(join(got.dir, 'metadata'), 'utf8')).toBe(
      names.map((name) => contents[name]).join(''),
    );
  });

  it('fails with "lock instance is no longer acquired" once the claim is released, and still after another claim', async () => {
    const remote = await seedPool(servers, { unclaimed: { a: '' } });
    const ws = await workspace();
    const claim = await ws.put(sourceFor(remote), { acquire: true });
    await ws.lockDir('lock', 'a');
    expect((await ws.put(sourceFor(remote), { release: 'lock' })).code).toBe(0);
    const released = await ws.get(sourceFor(remote), claim.result.version);
    expect(released.code).toBe(1);
    expect(released.stderr).toBe('error: lock instance is no longer acquired\n');
    expect((await ws.put(sourceFor(remote), { acquire: true })).code).toBe(0);
    const claimedAgain = await ws.get(sourceFor(remote), claim.result.version);
    expect(claimedAgain.code).toBe(1);
    expect(claimedAgain.stderr).toBe('error: lock instance is no longer acquired\n');
  });

  it('prints "lock does not exist" and writes nothing for a remove commit', async () => {
    const remote = await seedPool(servers, { claimed: { a: '' } });
    const ws = await workspace();
    await ws.lockDir('lock', 'a');
    const removed = await ws.put(sourceFor(remote), { remove: 'lock' });
    const got = await ws.get(sourceFor(remote), removed.result.version);
    expect(got.code, got.stderr).toBe(0);
    expect(got.stderr).toContain('lock does not exist');
    expect(await readdir(got.dir)).not.toContain('name');
  });

  it('fetches a lock that is unclaimed at the version, as the reference does, warning another build that it does not hold it', async () => {
    const remote = await seedPool(servers, { claimed: { a: '{"some":"json"}' } });
    const releaser = await workspace({ BUILD_ID: '1', BUILD_URL: 'http://ci/builds/1' });
    await releaser.lockDir('lock', 'a');
    const released = await releaser.put(sourceFor(remote), { release: 'lock' });
    // Claimed again after the release: the release commit still names the lock, unclaimed.
    expect((await releaser.put(sourceFor(remote), { claim: 'a' })).code).toBe(0);
    // The implicit get after the put runs in the same build: no warning.
    const own = await releaser.get(sourceFor(remote), released.result.version);
    expect(own.code, own.stderr).toBe(0);
    expect(own.stderr).not.toContain('warning');
    // Another build triggered by the release commit gets it, with a warning.
    const other = await workspace({ BUILD_ID: '2', BUILD_URL: 'http://ci/builds/2' });
    const got = await other.get(sourceFor(remote), released.result.version);
    expect(got.code, got.stderr).toBe(0);
    expect(got.stderr).toMatch(/^warning: getting an unclaimed lock: this build does not hold 'a'/m);
    expect(got.result).toEqual(lockAnswer(released.result.version['ref'], 'a'));
    expect(await readFile(join(got.dir, 'name'), 'utf8')).toBe('a\n');
    expect(JSON.parse(await readFile(join(got.dir, 'metadata'), 'utf8'))).toEqual({ some: 'json' });
    // allow_unclaimed: true silences the warning; false (opt-in) makes it an error.
    const allowed = await other.get(sourceFor(remote), released.result.version, { allow_unclaimed: 'true' });
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(allowed.stderr).not.toContain('warning');
    const strict = await other.get(sourceFor(remote), released.result.version, { allow_unclaimed: false });
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(
      /^error: lock 'a' is not claimed at version [0-9a-f]{12} and params\.allow_unclaimed is false$/m,
    );
  });

  it('never takes .gitkeep for a lock', async () => {
    const remote = await seedPool(servers, { unclaimed: { a: '' } });
    const ws = await workspace();
    const [root] = await remote.log();
    const got = await ws.get(sourceFor(remote), { ref: root ?? '' }, { allow_unclaimed: true });
    // The seed commit adds .gitkeep files and lock a: the lock is a, never .gitkeep.
    expect(got.result.metadata[0]).toEqual({ name: 'lock_name', value: 'a' });
    await remote.work.run('pull', '--quiet', 'origin', remote.branch);
    await remote.work.commit('keep', { 'pool/claimed/.gitkeep': 'x' });
    await remote.work.push('origin', remote.branch);
    const keep = await ws.get(sourceFor(remote), { ref: (await remote.log()).at(-1) ?? '' });
    expect(keep.code, keep.stderr).toBe(0);
    expect(keep.result.metadata[0]).toEqual({ name: 'lock_name', value: '' });
    expect(await readdir(keep.dir)).not.toContain('name');
  });

  it('uses the latest commit to this pool when later commits touch another pool', async () => {
    const remote = await seedPool(servers, {
      unclaimed: { a: 'm' },
      files: { 'other/unclaimed/.gitkeep': '' },
    });
    const ws = await workspace();
    const put = await ws.put(sourceFor(remote), { acquire: true });
    await remote.work.run('pull', '--quiet', 'origin', remote.branch);
    const otherPool = await remote.work.commit('other', { 'other/unclaimed/z': '' });
    await remote.work.push('origin', remote.branch);
    const got = await ws.get(sourceFor(remote), put.result.version);
    expect(got.code, got.stderr).toBe(0);
    expect(await readFile(join(got.dir, 'name'), 'utf8')).toBe('a\n');
    // The version may be the other pool's commit itself (in_test "HEAD commit is about a different
    // pool"): the lock is still this pool's, and the version is answered as given.
    const atOther = await ws.get(sourceFor(remote), { ref: otherPool });
    expect(atOther.code, atOther.stderr).toBe(0);
    expect(atOther.result).toEqual(lockAnswer(otherPool, 'a'));
    expect(await readFile(join(atOther.dir, 'name'), 'utf8')).toBe('a\n');
    expect(await readFile(join(atOther.dir, 'metadata'), 'utf8')).toBe('m');
  });

  it('honours depth and fails clearly for a version beyond it', async () => {
    const remote = await seedPool(servers, { unclaimed: { a: '' } });
    const ws = await workspace();
    const first = await ws.put(sourceFor(remote), { acquire: true });
    await ws.lockDir('lock', 'a');
    await ws.put(sourceFor(remote), { release: 'lock' });
    const last = await ws.put(sourceFor(remote), { acquire: true });
    expect((await ws.get(sourceFor(remote), last.result.version, { depth: 1 })).code).toBe(0);
    const deep = await ws.get(sourceFor(remote), first.result.version, { depth: 1 });
    expect(deep.code).toBe(1);
    expect(deep.stderr).toMatch(/is not on branch 'master' within params\.depth 1/);
  });
});

describe('transports', () => {
  it('acquire and release over SSH with a key', async () => {
    const remote = await seedPool(servers, { unclaimed: { a: '' } });
    const ws = await workspace();
    const source = { ...sourceFor(remote), uri: remote.urls.ssh, private_key: servers.ssh.privateKey };
    const put = await ws.put(source, { acquire: true });
    expect(put.code, put.stderr).toBe(0);
    const got = await ws.get(source, put.result.version);
    expect(got.code, got.stderr).toBe(0);
    expect(await remote.state()).toEqual({ claimed: ['a'], unclaimed: [] });
  });
});
