// The behaviours concourse/pool-resource's own suites check (test/check.sh, integration/in_test.go,
// integration/out_test.go), restated against real remotes. The put behaviours run on the default
// branch and on another one, as the reference's do. Where we differ on purpose (nothing written
// to $HOME, the check cache keyed by remote), the test pins our behaviour; see the README.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitRepo, git, startGitServers, tempDir, type GitServers } from '@hangar/testkit';
import { CANARY, seedPool, workspace, type PoolRemote, lockAnswer } from './harness.js';

let servers: GitServers;
beforeAll(async () => {
  servers = await startGitServers({ httpAuth: { username: 'ci', password: CANARY } });
});
afterAll(() => servers?.stop());

const BUILD_URL = 'http://example.com/teams/main/pipelines/deploy/jobs/deploy/builds/42';
const source = (remote: PoolRemote, extra: object = {}) => ({
  uri: remote.urls.file,
  branch: remote.branch,
  pool: 'lock-pool',
  ...extra,
});
/** The reference's fixture: two unclaimed locks with JSON metadata. */
const LOCKS = { 'some-lock': '{"some":"json"}\n', 'some-other-lock': '{"some":"wrong-json"}\n' };

/** Someone else (a human, another pipeline) moves a lock and pushes. */
async function moveOutside(remote: PoolRemote, lock: string, from: string, to: string): Promise<void> {
  const { work, branch } = remote;
  await work.run('fetch', '--quiet', 'origin', branch);
  await work.run('reset', '--quiet', '--hard', `origin/${branch}`);
  await work.run('mv', `lock-pool/${from}/${lock}`, `lock-pool/${to}/${lock}`);
  await work.commit(`${to === 'claimed' ? 'claiming' : 'unclaiming'} ${lock} by hand`);
  await work.push('origin', branch);
}

describe('check (test/check.sh)', () => {
  it('follows the branch after a force-push to an unrelated history', async () => {
    const remote = await seedPool(servers, { pool: 'lock-pool', unclaimed: LOCKS });
    const ws = await workspace();
    expect((await ws.check(source(remote))).result).toEqual([{ ref: (await remote.log()).at(-1) }]);
    const dir = await tempDir('hangar-pool-rewrite-');
    const other = await GitRepo.init(join(dir.path, 'other'), { branch: remote.branch });
    const rewritten = await other.commit('another history', { 'lock-pool/unclaimed/x': 'x' });
    await other.addRemote('origin', remote.path);
    await other.push('origin', `+${remote.branch}`);
    // Same TMPDIR, so the check cache from the first check is reused.
    expect((await ws.check(source(remote))).result).toEqual([{ ref: rewritten }]);
    await dir.remove();
  });

  it('accepts empty credentials, a key with private_key_user, https_tunnel and forward_agent: false, and writes nothing to $HOME', async () => {
    const remote = await seedPool(servers, { pool: 'lock-pool', unclaimed: LOCKS });
    const ws = await workspace();
    const tip = [{ ref: (await remote.log()).at(-1) }];
    const empty = await ws.check(source(remote, { username: '', password: '' }));
    expect(empty.result).toEqual(tip);
    const withKey = await ws.check(
      source(remote, {
        private_key: servers.ssh.privateKey,
        private_key_user: 'someuser',
        forward_agent: false,
        https_tunnel: {
          proxy_host: 'proxy-server.mycorp.com',
          proxy_port: '3128',
          proxy_user: 'u',
          proxy_password: CANARY,
        },
      }),
    );
    expect(withKey.code, withKey.stderr).toBe(0);
    expect(withKey.result).toEqual(tip);
    const credentials = await ws.check(source(remote, { username: 'user1', password: CANARY }));
    expect(credentials.result).toEqual(tip);
    // The reference writes ~/.netrc, ~/.ssh/config and ~/.ssh/tunnel_config; we never do.
    expect(await readdir(join(ws.root, 'home'))).toEqual([]);
  });

  it('fails for a missing repository with credentials, without printing them or touching $HOME', async () => {
    const ws = await workspace();
    const failed = await ws.check({
      uri: join(ws.root, 'non_existent_repo'),
      branch: 'master',
      pool: 'lock-pool',
      username: 'user1',
      password: CANARY,
    });
    expect(failed.code).toBe(1);
    expect(failed.stderr).not.toContain(CANARY);
    expect(await readdir(join(ws.root, 'home'))).toEqual([]);
  });
});

describe('in (integration/in_test.go)', () => {
  it("names every missing field in the reference's words", async () => {
    const ws = await workspace();
    const got = await ws.get({}, {});
    expect(got.code).toBe(1);
    for (const field of ['uri', 'branch', 'pool'])
      expect(got.stderr).toContain(`invalid payload (missing ${field})`);
  });

  it('answers the version and the lock for a commit that removed it, writing no files', async () => {
    const remote = await seedPool(servers, { pool: 'lock-pool', claimed: LOCKS });
    const ws = await workspace();
    await ws.lockDir('lock', 'some-lock');
    const removed = await ws.put(source(remote), { remove: 'lock' });
    const got = await ws.get(source(remote), removed.result.version);
    expect(got.code, got.stderr).toBe(0);
    expect(got.result).toEqual(lockAnswer(removed.result.version['ref'], 'some-lock', 'lock-pool'));
    expect(await readdir(got.dir)).not.toContain('metadata');
  });

  it('without a version, fetches the lock of the branch tip; depth may be a string', async () => {
    const remote = await seedPool(servers, { pool: 'lock-pool', unclaimed: LOCKS });
    const ws = await workspace();
    await moveOutside(remote, 'some-lock', 'unclaimed', 'claimed');
    const got = await ws.get(source(remote), {}, { depth: '2' });
    expect(got.code, got.stderr).toBe(0);
    expect(got.result.version).toEqual({ ref: (await remote.log()).at(-1) });
    expect(await readFile(join(got.dir, 'name'), 'utf8')).toBe('some-lock\n');
    expect(await git(['rev-list', '--count', 'HEAD'], { cwd: got.dir })).toBe('2');
  });
});

describe.each(['master', 'another-branch'])('out on branch %s (integration/out_test.go)', (branch) => {
  const seed = (claimed: Record<string, string> = {}) =>
    seedPool(servers, { pool: 'lock-pool', branch, unclaimed: LOCKS, claimed });
  /** The reference's Go client sends every key, unset ones as "" / false, and durations in ns. */
  const goParams = (set: object) => ({
    release: '',
    acquire: false,
    add: '',
    add_claimed: '',
    remove: '',
    claim: '',
    update: '',
    check: '',
    check_unclaimed: '',
    ...set,
  });
  const goSource = (remote: PoolRemote, extra: object = {}) =>
    source(remote, { private_key: '', retry_delay: 100_000_000, ...extra });
  const lastMessage = async (remote: PoolRemote) => (await remote.message()).split('\n').slice(0, 2);

  it("names each missing source field and a missing operation in the reference's words", async () => {
    const remote = await seed();
    const ws = await workspace();
    for (const field of ['uri', 'pool', 'branch']) {
      const put = await ws.put(goSource(remote, { [field]: '' }), goParams({ acquire: true }));
      expect(put.code).toBe(1);
      expect(put.stderr).toContain(`invalid payload (missing ${field})`);
    }
    const none = await ws.put(goSource(remote), goParams({}));
    expect(none.stderr).toContain(
      'invalid payload (missing acquire, release, remove, claim, add, add_claimed, update, check, or check_unclaimed',
    );
  });

  it('acquire moves one lock to claimed and answers the new tip', async () => {
    const remote = await seed();
    const ws = await workspace();
    const put = await ws.put(goSource(remote), goParams({ acquire: true }));
    expect(put.code, put.stderr).toBe(0);
    const { claimed } = await remote.state('lock-pool');
    expect(claimed).toHaveLength(1);
    expect(put.result).toEqual(lockAnswer((await remote.log()).at(-1), claimed[0], 'lock-pool'));
    expect(await lastMessage(remote)).toEqual([`claiming: ${claimed[0]}`, `Build URL: ${BUILD_URL}`]);
  });

  it('acquire waits while every lock is claimed, then takes the one released', async () => {
    const remote = await seed();
    await moveOutside(remote, 'some-lock', 'unclaimed', 'claimed');
    await moveOutside(remote, 'some-other-lock', 'unclaimed', 'claimed');
    const ws = await workspace();
    const put = ws.startPut(goSource(remote), goParams({ acquire: true }));
    await put.stderrMatches(/waiting for lock/);
    await moveOutside(remote, 'some-lock', 'claimed', 'unclaimed');
    const done = await put.done;
    expect(done.code, done.stderr).toBe(0);
    expect(done.result.metadata[0]).toEqual({ name: 'lock_name', value: 'some-lock' });
    expect(await remote.state('lock-pool')).toEqual({
      claimed: ['some-lock', 'some-other-lock'],
      unclaimed: [],
    });
  });

  it('claim takes the named lock, and waits for it while someone else holds it', async () => {
    const remote = await seed();
    const ws = await workspace();
    const put = await ws.put(goSource(remote), goParams({ claim: 'some-lock' }));
    expect(put.code, put.stderr).toBe(0);
    expect(put.result).toEqual(lockAnswer((await remote.log()).at(-1), 'some-lock', 'lock-pool'));
    expect(await lastMessage(remote)).toEqual(['claiming: some-lock', `Build URL: ${BUILD_URL}`]);
    const again = ws.startPut(goSource(remote), goParams({ claim: 'some-lock' }));
    await again.stderrMatches(/waiting for lock some-lock/);
    await moveOutside(remote, 'some-lock', 'claimed', 'unclaimed');
    expect((await again.done).code).toBe(0);
    expect((await remote.state('lock-pool')).claimed).toEqual(['some-lock']);
  });

  it('remove and release take the directory of the get after acquire', async () => {
    const remote = await seed();
    const ws = await workspace();
    for (const operation of ['remove', 'release'] as const) {
      const acquired = await ws.put(goSource(remote), goParams({ acquire: true }));
      const lock = acquired.result.metadata[0]?.value;
      // The implicit get: a checkout of the branch plus `name` and `metadata`.
      const got = await ws.get(source(remote), acquired.result.version);
      const dir = join('..', got.dir.split('/').at(-1) ?? '');
      const put = await ws.put(goSource(remote), goParams({ [operation]: dir }));
      expect(put.code, put.stderr).toBe(0);
      expect(put.result).toEqual(lockAnswer((await remote.log()).at(-1), lock, 'lock-pool'));
      const verb = operation === 'remove' ? 'removing' : 'unclaiming';
      expect(await lastMessage(remote)).toEqual([`${verb}: ${lock}`, `Build URL: ${BUILD_URL}`]);
    }
    const { claimed, unclaimed } = await remote.state('lock-pool');
    expect([claimed.length, unclaimed.length]).toEqual([0, 1]);
  });

  it('add and add_claimed write the metadata as a new lock', async () => {
    const remote = await seed();
    const ws = await workspace();
    await ws.lockDir('task-name', 'added-lock-name', 'hello');
    await ws.lockDir('task-claimed', 'claimed-lock-name', 'hello');
    const added = await ws.put(goSource(remote), goParams({ add: 'task-name' }));
    expect(added.code, added.stderr).toBe(0);
    expect(await lastMessage(remote)).toEqual([
      'adding unclaimed: added-lock-name',
      `Build URL: ${BUILD_URL}`,
    ]);
    expect(await ws.put(goSource(remote), goParams({ add_claimed: 'task-claimed' }))).toMatchObject({
      code: 0,
    });
    expect(await lastMessage(remote)).toEqual([
      'adding claimed: claimed-lock-name',
      `Build URL: ${BUILD_URL}`,
    ]);
    expect(await remote.show('lock-pool/unclaimed/added-lock-name')).toBe('hello');
    expect(await remote.show('lock-pool/claimed/claimed-lock-name')).toBe('hello');
    // Lock files are executable in git, as the reference writes them (0555).
    const modes = await git(['ls-tree', '-r', branch, '--', 'lock-pool/unclaimed/added-lock-name'], {
      cwd: remote.path,
    });
    expect(modes).toMatch(/^100755 /);
  });

  it('update adds a missing lock, rewrites an unclaimed one, and waits while it is claimed', async () => {
    const remote = await seed({ held: 'old' });
    const ws = await workspace();
    await ws.lockDir('new', 'added-lock-name', 'hello');
    await ws.lockDir('free', 'some-lock', 'hello');
    await ws.lockDir('held', 'held', 'hello');
    expect((await ws.put(goSource(remote), goParams({ update: 'new' }))).code).toBe(0);
    expect(await lastMessage(remote)).toEqual([
      'adding unclaimed: added-lock-name',
      `Build URL: ${BUILD_URL}`,
    ]);
    expect((await ws.put(goSource(remote), goParams({ update: 'free' }))).code).toBe(0);
    expect(await lastMessage(remote)).toEqual(['updating: some-lock', `Build URL: ${BUILD_URL}`]);
    expect(await remote.show('lock-pool/unclaimed/some-lock')).toBe('hello');
    const waiting = ws.startPut(goSource(remote), goParams({ update: 'held' }));
    await waiting.stderrMatches(/waiting for lock held/);
    await moveOutside(remote, 'held', 'claimed', 'unclaimed');
    expect((await waiting.done).code).toBe(0);
    expect(await remote.show('lock-pool/unclaimed/held')).toBe('hello');
  });

  it('two acquires at once over git daemon get different locks and log no error', async () => {
    const remote = await seed();
    const [one, two] = await Promise.all(
      [1, 2].map(async () =>
        (await workspace()).put(goSource(remote, { uri: remote.urls.git }), goParams({ acquire: true })),
      ),
    );
    for (const put of [one, two]) {
      expect(put?.code, put?.stderr).toBe(0);
      expect(put?.stderr).not.toMatch(/err/);
    }
    expect(one?.result.metadata[0]?.value).not.toBe(two?.result.metadata[0]?.value);
    expect((await remote.state('lock-pool')).unclaimed).toEqual([]);
  });

  it('with a lock claimed just before, two acquires at once over git daemon: one takes the other lock, one waits, neither logs an error', async () => {
    const remote = await seed();
    await moveOutside(remote, 'some-lock', 'unclaimed', 'claimed');
    const puts = await Promise.all(
      [1, 2].map(async () =>
        (await workspace()).startPut(goSource(remote, { uri: remote.urls.git }), goParams({ acquire: true })),
      ),
    );
    const first = await Promise.all(
      puts.map((put) =>
        Promise.race([
          put.done.then(() => 'done' as const),
          put.stderrMatches(/waiting for lock/).then(() => 'waiting' as const),
        ]),
      ),
    );
    expect([...first].sort()).toEqual(['done', 'waiting']);
    // The waiter still waits; freeing the lock taken by hand lets it finish.
    await moveOutside(remote, 'some-lock', 'claimed', 'unclaimed');
    const [one, two] = await Promise.all(puts.map((put) => put.done));
    const [winner, waiter] = first[0] === 'done' ? [one, two] : [two, one];
    expect(winner?.result.metadata[0]?.value).toBe('some-other-lock');
    expect(waiter?.result.metadata[0]?.value).toBe('some-lock');
    for (const put of [winner, waiter]) {
      expect(put?.code, put?.stderr).toBe(0);
      expect(put?.stderr).not.toMatch(/err/);
    }
  });
});

describe('a pool whose state directories git dropped (#21)', () => {
  it('acquire waits while unclaimed/ is gone, and a release recreates it', async () => {
    // Every lock claimed and no .gitkeep: git has no unclaimed/ directory at all.
    const remote = await seedPool(servers, { pool: 'lock-pool', claimed: { a: 'm' } });
    await remote.work.run('rm', '--quiet', 'lock-pool/unclaimed/.gitkeep', 'lock-pool/claimed/.gitkeep');
    await remote.work.commit('no gitkeep');
    await remote.work.push('origin', remote.branch);
    const ws = await workspace();
    const waiting = ws.startPut(source(remote, { retry_delay: '20ms' }), { acquire: true });
    await waiting.stderrMatches(/waiting for lock/);
    const releaser = await workspace();
    await releaser.lockDir('lock', 'a');
    const released = await releaser.put(source(remote, { retry_delay: '20ms' }), { release: 'lock' });
    expect(released.code, released.stderr).toBe(0);
    const acquired = await waiting.done;
    expect(acquired.code, acquired.stderr).toBe(0);
    expect(acquired.result.metadata[0]).toEqual({ name: 'lock_name', value: 'a' });
    expect(await remote.firstLines()).toEqual(['initial pool', 'no gitkeep', 'unclaiming: a', 'claiming: a']);
  });
});
