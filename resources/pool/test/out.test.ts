// Every put operation against a real bare remote (file:// unless the test is about a transport):
// state on the remote, commit messages, log lines, and the fixes over the reference.
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitServers, type GitServers } from '@hangar/testkit';
import { CANARY, seedPool, workspace, lockAnswer } from './harness.js';

let servers: GitServers;
beforeAll(async () => {
  servers = await startGitServers({ httpAuth: { username: 'ci', password: CANARY } });
});
afterAll(() => servers?.stop());

const BUILD_URL = 'http://example.com/teams/main/pipelines/deploy/jobs/deploy/builds/42';
const sourceFor = (remote: { urls: { file: string }; branch: string }, extra: object = {}) => ({
  uri: remote.urls.file,
  branch: remote.branch,
  pool: 'pool',
  retry_delay: '20ms',
  ...extra,
});

describe('acquire', () => {
  it('claims one unclaimed lock in one commit and answers with its name', async () => {
    const remote = await seedPool(servers, { unclaimed: { 'env-1': '{"host":"one"}' } });
    const ws = await workspace();
    const put = await ws.put(sourceFor(remote), { acquire: true });
    expect(put.code, put.stderr).toBe(0);
    const tip = (await remote.log()).at(-1);
    expect(put.result).toEqual(lockAnswer(tip, 'env-1'));
    expect(await remote.state()).toEqual({ claimed: ['env-1'], unclaimed: [] });
    const message = await remote.message();
    expect(message.split('\n').slice(0, 2)).toEqual(['claiming: env-1', `Build URL: ${BUILD_URL}`]);
    expect(message).toMatch(/^Hangar-Holder: http:\/\/example\.com\/.*builds\/42$/m);
    expect(message).toMatch(/^Hangar-Build-Id: 6543$/m);
    expect(message).toMatch(/^Hangar-At: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/m);
    expect(put.stderr).toContain('acquiring lock on: pool\n');
    expect(put.stderr).toContain('acquired!\n');
    expect(await remote.show('pool/claimed/env-1')).toBe('{"host":"one"}');
    // Identity: the reference image's global one when git_config names none.
    expect((await remote.log('%an <%ae>')).at(-1)).toBe('git <git@localhost>');
  });

  it('commits as the git_config identity when one is given', async () => {
    const remote = await seedPool(servers, { unclaimed: { a: '' } });
    const ws = await workspace();
    const put = await ws.put(
      sourceFor(remote, {
        git_config: [
          { name: 'user.name', value: 'Deploy Bot' },
          { name: 'user.email', value: 'bot@example.com' },
        ],
      }),
      { acquire: true },
    );
    expect(put.code, put.stderr).toBe(0);
    expect((await remote.log('%an <%ae>')).at(-1)).toBe('Deploy Bot <bot@example.com>');
  });

  it('never picks .gitkeep or dotfiles, and gives up at the timeout instead of waiting forever', async () => {
    const remote = await seedPool(servers, { unclaimed: { '.hidden': 'x' }, claimed: { a: '' } });
    const before = await remote.log();
    const ws = await workspace();
    const put = await ws.put(sourceFor(remote), { acquire: true, timeout: '300ms' });
    expect(put.code).toBe(1);
    expect(put.stderr).toContain('waiting for lock\n');
    expect(put.stderr).toMatch(
      /^error: acquiring lock gave up after 300ms \(params\.timeout\): waiting for lock$/m,
    );
    expect(await remote.log()).toEqual(before);
  });

  it('takes the timeout from source.timeout too', async () => {
    const remote = await seedPool(servers, { claimed: { a: '' } });
    const ws = await workspace();
    const put = await ws.put(sourceFor(remote, { timeout: 200_000_000 }), { acquire: true });
    expect(put.stderr).toMatch(/gave up after 200ms \(source\.timeout\)/);
  });

  it('acquire: N claims N locks in one commit, all or nothing', async () => {
    const remote = await seedPool(servers, { unclaimed: { a: '1', b: '2' }, claimed: { c: '3' } });
    const before = await remote.log();
    const ws = await workspace();
    const waiting = await ws.put(sourceFor(remote), { acquire: 3, timeout: '200ms' });
    expect(waiting.code).toBe(1);
    expect(waiting.stderr).toContain('waiting for 3 locks (2 free)');
    expect(await remote.log()).toEqual(before);

    const two = await ws.put(sourceFor(remote), { acquire: 2 });
    expect(two.code, two.stderr).toBe(0);
    expect(await remote.state()).toEqual({ claimed: ['a', 'b', 'c'], unclaimed: [] });
    const [first] = (await remote.message()).split('\n');
    expect(first).toMatch(/^claiming: (a, b|b, a)$/);
    expect(two.result.metadata[0]?.value.split(', ').sort()).toEqual(['a', 'b']);
  });

  it('takes over a claim older than source.max_hold, loudly, in two commits', async () => {
    // testkit dates the seed commit 2026-01-01: months older than max_hold.
    const remote = await seedPool(servers, { claimed: { a: 'meta' } });
    const ws = await workspace();
    const put = await ws.put(sourceFor(remote, { max_hold: '1h' }), { acquire: true });
    expect(put.code, put.stderr).toBe(0);
    expect(put.stderr).toMatch(
      /^warning: STALE LOCK: a in pool pool has been claimed for .* by unknown holder \(longer than source\.max_hold\): taking it over$/m,
    );
    const subjects = await remote.firstLines();
    expect(subjects.slice(-2)).toEqual(['unclaiming: a', 'claiming: a']);
    expect(await remote.message(`${remote.branch}~1`)).toMatch(/^Hangar-Expired: /m);
    expect(await remote.state()).toEqual({ claimed: ['a'], unclaimed: [] });
  });

  it('does not take over a fresh claim', async () => {
    const remote = await seedPool(servers, { unclaimed: { a: '' } });
    const ws = await workspace();
    expect((await ws.put(sourceFor(remote), { acquire: true })).code).toBe(0);
    const other = await ws.put(sourceFor(remote, { max_hold: '1h' }), { acquire: true, timeout: '150ms' });
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('waiting for lock');
  });
});

describe('claim', () => {
  it('claims the named lock', async () => {
    const remote = await seedPool(servers, { unclaimed: { a: '', b: '' } });
    const ws = await workspace();
    const put = await ws.put(sourceFor(remote), { claim: 'b' });
    expect(put.code, put.stderr).toBe(0);
    expect(await remote.state()).toEqual({ claimed: ['b'], unclaimed: ['a'] });
    expect((await remote.firstLines()).at(-1)).toBe('claiming: b');
    expect(put.stderr).toContain('claimed!');
  });

  it('waits while the lock is claimed (bounded), and fails at once for a lock that does not exist', async () => {
    const remote = await seedPool(servers, { claimed: { a: '' } });
    const ws = await workspace();
    const busy = await ws.put(sourceFor(remote), { claim: 'a', timeout: '150ms' });
    expect(busy.stderr).toContain('waiting for lock a to become unclaimed');
    expect(busy.code).toBe(1);
    const missing = await ws.put(sourceFor(remote), { claim: 'nope' });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe("claiming lock on: pool\nerror: lock 'nope' does not exist in pool 'pool'\n");
  });

  it('refuses lock names that are paths or dotfiles, naming the param', async () => {
    const remote = await seedPool(servers, { unclaimed: { a: '' } });
    const ws = await workspace();
    expect((await ws.put(sourceFor(remote), { claim: '.gitkeep' })).stderr).toBe(
      "error: params.claim '.gitkeep' starts with '.': dotfiles are never locks\n",
    );
    expect((await ws.put(sourceFor(remote), { claim: '../x' })).stderr).toMatch(
      /params\.claim '..\/x' is not a valid lock name/,
    );
  });
});

describe('release', () => {
  it('moves the lock back in an "unclaiming" commit', async () => {
    const remote = await seedPool(servers, { claimed: { a: 'm' } });
    const ws = await workspace();
    await ws.lockDir('lock', 'a', 'm');
    const put = await ws.put(sourceFor(remote), { release: 'lock' });
    expect(put.code, put.stderr).toBe(0);
    expect(put.stderr).toContain('releasing lock: a on pool: pool\n');
    expect(await remote.state()).toEqual({ claimed: [], unclaimed: ['a'] });
    expect((await remote.message()).split('\n').slice(0, 2)).toEqual([
      'unclaiming: a',
      `Build URL: ${BUILD_URL}`,
    ]);
    expect(put.result.version.ref).toBe((await remote.log()).at(-1));
  });

  it("ignores the directory's metadata, as the reference does, unless release_with_metadata", async () => {
    const remote = await seedPool(servers, { claimed: { a: 'old', b: 'old' } });
    const ws = await workspace();
    await ws.lockDir('lock-a', 'a', 'new');
    await ws.lockDir('lock-b', 'b', 'new');
    expect((await ws.put(sourceFor(remote), { release: 'lock-a' })).code).toBe(0);
    expect(await remote.show('pool/unclaimed/a')).toBe('old');
    const opted = await ws.put(sourceFor(remote), { release: 'lock-b', release_with_metadata: true });
    expect(opted.code, opted.stderr).toBe(0);
    expect(await remote.show('pool/unclaimed/b')).toBe('new');
    expect(await remote.firstLines()).toEqual(['initial pool', 'unclaiming: a', 'unclaiming: b']);
  });

  it('fails without waiting when the lock is not claimed or does not exist', async () => {
    const remote = await seedPool(servers, { unclaimed: { a: '' } });
    const ws = await workspace();
    await ws.lockDir('lock', 'a');
    await ws.lockDir('ghost', 'ghost');
    expect((await ws.put(sourceFor(remote), { release: 'lock' })).stderr).toMatch(
      /^error: lock 'a' is not claimed in pool 'pool': nothing to release$/m,
    );
    expect((await ws.put(sourceFor(remote), { release: 'ghost' })).stderr).toMatch(
      /lock 'ghost' does not exist/,
    );
    expect((await ws.put(sourceFor(remote), { release: 'missing-dir' })).stderr).toBe(
      "error: params.release: missing-dir/name not found (the directory must hold a file 'name' with the lock name)\n",
    );
  });
});

describe('add and add_claimed', () => {
  it('adds an unclaimed lock with its metadata', async () => {
    const remote = await seedPool(servers);
    const ws = await workspace();
    await ws.lockDir('new', 'env-9', '{"x":1}\n');
    const put = await ws.put(sourceFor(remote), { add: 'new' });
    expect(put.code, put.stderr).toBe(0);
    expect(put.stderr).toContain('adding unclaimed lock: env-9 to pool: pool');
    expect(await remote.state()).toEqual({ claimed: [], unclaimed: ['env-9'] });
    expect(await remote.show('pool/unclaimed/env-9')).toBe('{"x":1}');
    expect((await remote.firstLines()).at(-1)).toBe('adding unclaimed: env-9');
  });

  it('adds a claimed lock', async () => {
    const remote = await seedPool(servers);
    const ws = await workspace();
    await ws.lockDir('new', 'env-9', 'm');
    expect((await ws.put(sourceFor(remote), { add_claimed: 'new' })).code).toBe(0);
    expect(await remote.state()).toEqual({ claimed: ['env-9'], unclaimed: [] });
    expect((await remote.firstLines()).at(-1)).toBe('adding claimed: env-9');
  });

  it('fails at once on a duplicate name instead of retrying forever', async () => {
    const remote = await seedPool(servers, { claimed: { 'env-1': 'm' } });
    const ws = await workspace();
    await ws.lockDir('new', 'env-1', 'm');
    const put = await ws.put(sourceFor(remote, { retry_delay: '1h' }), { add: 'new' });
    expect(put.code).toBe(1);
    expect(put.stderr).toMatch(
      /^error: lock 'env-1' already exists in pool 'pool' \(claimed\): lock names must be unique; use update to change its metadata$/m,
    );
    expect(await remote.firstLines()).toEqual(['initial pool']);
  });

  it('fails clearly for a pool that does not exist, and for a missing metadata file', async () => {
    const remote = await seedPool(servers);
    const ws = await workspace();
    await ws.lockDir('new', 'x', 'm');
    await ws.lockDir('bare', 'y');
    expect((await ws.put({ ...sourceFor(remote), pool: 'nope' }, { add: 'new' })).stderr).toMatch(
      /^error: pool 'nope' does not exist on branch 'master': create nope\/claimed\/.gitkeep and nope\/unclaimed\/.gitkeep$/m,
    );
    expect((await ws.put(sourceFor(remote), { add: 'bare' })).stderr).toBe(
      "error: params.add: bare/metadata not found (the lock's content)\n",
    );
  });
});

describe('remove', () => {
  it('removes a claimed lock; an unclaimed one stays, as in the reference', async () => {
    const remote = await seedPool(servers, { claimed: { a: '' }, unclaimed: { b: '' } });
    const ws = await workspace();
    await ws.lockDir('a', 'a');
    await ws.lockDir('b', 'b');
    expect((await ws.put(sourceFor(remote), { remove: 'a' })).stderr).toContain(
      'removing lock: a on pool: pool',
    );
    const free = await ws.put(sourceFor(remote), { remove: 'b' });
    expect(free.code).toBe(1);
    expect(free.stderr).toMatch(
      /^error: lock 'b' is not claimed in pool 'pool': only claimed locks can be removed$/m,
    );
    expect(await remote.state()).toEqual({ claimed: [], unclaimed: ['b'] });
    expect((await remote.firstLines()).slice(1)).toEqual(['removing: a']);
    const again = await ws.put(sourceFor(remote), { remove: 'a' });
    expect(again.stderr).toMatch(/lock 'a' does not exist in pool 'pool'/);
  });
});

describe('update', () => {
  it('updates an unclaimed lock, adds a new one, and is a no-op for identical content', async () => {
    const remote = await seedPool(servers, { unclaimed: { a: 'old' } });
    const ws = await workspace();
    await ws.lockDir('a', 'a', 'new');
    await ws.lockDir('b', 'b', 'fresh');
    const updated = await ws.put(sourceFor(remote), { update: 'a' });
    expect(updated.code, updated.stderr).toBe(0);
    expect(updated.stderr).toContain('updating lock: a in pool: pool\nupdated!\n');
    expect((await ws.put(sourceFor(remote), { update: 'b' })).code).toBe(0);
    const same = await ws.put(sourceFor(remote, { retry_delay: '1h' }), { update: 'a' });
    expect(same.code).toBe(0);
    expect(await remote.firstLines()).toEqual(['initial pool', 'updating: a', 'adding unclaimed: b']);
    expect(same.result.version.ref).toBe((await remote.log()).at(-1));
    expect(await remote.show('pool/unclaimed/a')).toBe('new');
  });

  it('waits while the lock is claimed', async () => {
    const remote = await seedPool(servers, { claimed: { a: 'old' } });
    const ws = await workspace();
    await ws.lockDir('a', 'a', 'new');
    const put = await ws.put(sourceFor(remote), { update: 'a', timeout: '150ms' });
    expect(put.code).toBe(1);
    expect(put.stderr).toContain('waiting for lock a to become unclaimed');
  });
});

describe('check and check_unclaimed params', () => {
  it('check returns the tip once the lock is unclaimed, without committing', async () => {
    const remote = await seedPool(servers, { unclaimed: { a: '' }, claimed: { b: '' } });
    const ws = await workspace();
    await ws.lockDir('a', 'a');
    await ws.lockDir('b', 'b');
    const ok = await ws.put(sourceFor(remote), { check: 'a' });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toContain('checking lock: a in pool: pool');
    expect(ok.result.version.ref).toBe((await remote.log()).at(-1));
    const waiting = await ws.put(sourceFor(remote), { check: 'b', timeout: '150ms' });
    expect(waiting.stderr).toContain('waiting for lock to become unclaimed');
    expect(waiting.code).toBe(1);
    const mirror = await ws.put(sourceFor(remote), { check_unclaimed: 'b' });
    expect(mirror.code).toBe(0);
    const mirrorWaiting = await ws.put(sourceFor(remote), { check_unclaimed: 'a', timeout: '150ms' });
    expect(mirrorWaiting.stderr).toContain('waiting for lock to become claimed');
    expect(await remote.firstLines()).toEqual(['initial pool']);
  });

  it('passes for a lock that does not exist, as the reference does, with a warning', async () => {
    const remote = await seedPool(servers);
    const ws = await workspace();
    await ws.lockDir('x', 'x');
    for (const param of ['check', 'check_unclaimed']) {
      const put = await ws.put(sourceFor(remote), { [param]: 'x' });
      expect(put.code, put.stderr).toBe(0);
      expect(put.stderr).toContain("warning: lock 'x' does not exist in pool 'pool': nothing to wait for");
      expect(put.result.version.ref).toBe((await remote.log()).at(-1));
    }
  });
});

describe('requests', () => {
  it('accepts the Go-style request with every key and "" / false for unset params', async () => {
    const remote = await seedPool(servers, { unclaimed: { a: '' } });
    const ws = await workspace();
    const params = {
      acquire: true,
      claim: '',
      release: '',
      add: '',
      add_claimed: '',
      remove: '',
      update: '',
      check: '',
      check_unclaimed: '',
    };
    const put = await ws.put({ ...sourceFor(remote), retry_delay: 100_000_000, private_key: '' }, params);
    expect(put.code, put.stderr).toBe(0);
    expect(await remote.state()).toEqual({ claimed: ['a'], unclaimed: [] });
  });

  it('requires one operation, and names bad fields', async () => {
    const remote = await seedPool(servers);
    const ws = await workspace();
    expect((await ws.put(sourceFor(remote), { acquire: false, claim: '' })).stderr).toBe(
      'error: invalid payload (missing acquire, release, remove, claim, add, add_claimed, update, check, or check_unclaimed): params must set one of them\n',
    );
    expect((await ws.put(sourceFor(remote, { retry_delay: 'soon' }), { acquire: true })).stderr).toMatch(
      /^error: source\.retry_delay 'soon' is not a duration/,
    );
    expect((await ws.put({ uri: remote.urls.file, branch: 'master' }, { acquire: true })).stderr).toMatch(
      /^error: .*source\.pool/,
    );
    expect((await ws.put(sourceFor(remote), { aquire: true })).stderr).toMatch(/did you mean 'acquire'/);
  });

  it('runs several operations in the fixed order and answers with the last', async () => {
    const remote = await seedPool(servers, { unclaimed: { a: '' } });
    const ws = await workspace();
    await ws.lockDir('new', 'b', 'm');
    // Listed "backwards": add still runs after acquire.
    const put = await ws.put(sourceFor(remote), { add: 'new', acquire: true });
    expect(put.code, put.stderr).toBe(0);
    expect(await remote.firstLines()).toEqual(['initial pool', 'claiming: a', 'adding unclaimed: b']);
    expect(put.result.metadata[0]).toEqual({ name: 'lock_name', value: 'b' });
  });
});

describe('push failures', () => {
  it("retries unexpected push errors with a cap, then reports git's message with secrets redacted", async () => {
    const remote = await seedPool(servers, { unclaimed: { a: '' } });
    const hook = join(remote.path, 'hooks', 'pre-receive');
    await writeFile(hook, `#!/bin/sh\necho "policy says no (token ${CANARY})" >&2\nexit 1\n`);
    await chmod(hook, 0o755);
    const ws = await workspace();
    const put = await ws.put(
      { ...sourceFor(remote), uri: remote.urls.http, username: 'ci', password: CANARY, retry_delay: '10ms' },
      { acquire: true },
    );
    expect(put.code).toBe(1);
    expect(put.stderr.match(/failed to broadcast the change to lock state!/g)).toHaveLength(4);
    expect(put.stderr).toMatch(
      /^error: acquiring lock: too many unexpected errors pushing to 'master': git push failed: .*/m,
    );
    expect(put.stderr).not.toContain(CANARY);
    expect(await remote.state()).toEqual({ claimed: [], unclaimed: ['a'] });
  });
});
