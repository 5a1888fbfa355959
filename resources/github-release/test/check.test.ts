import { describe, expect, test } from 'vitest';
import { useFakeGitHub } from './helpers.js';
import { invoke } from './invoke.js';

const fake = useFakeGitHub();
const tags = async (source: object, version?: object) => {
  const outcome = await invoke('check', { source: fake.source(source), ...(version ? { version } : {}) });
  expect(outcome.stderr).toBe('');
  return (JSON.parse(outcome.stdout) as { tag: string }[]).map((version) => version.tag);
};

describe('check', () => {
  test('versions are REST ids, tags and timestamps; the latest first, then everything since', async () => {
    const v1 = fake.github.addRelease({ tag_name: 'v1.0.0' });
    fake.github.addRelease({ tag_name: 'v1.10.0' });
    fake.github.addRelease({ tag_name: 'v1.2.0' });
    const outcome = await invoke('check', { source: fake.source() });
    expect(JSON.parse(outcome.stdout)).toEqual([
      { tag: 'v1.10.0', id: expect.stringMatching(/^\d+$/) as string, timestamp: '2026-01-01T00:02:00Z' },
    ]);
    expect(await tags({}, { tag: 'v1.0.0', id: String(v1.id) })).toEqual(['v1.0.0', 'v1.2.0', 'v1.10.0']);
    // A given version that no longer exists still anchors the list; one above everything falls back.
    expect(await tags({}, { tag: 'v1.1.0' })).toEqual(['v1.2.0', 'v1.10.0']);
    expect(await tags({}, { tag: 'v9.0.0' })).toEqual(['v1.10.0']);
    expect(await tags({}, { tag: 'not a version!' })).toEqual(['v1.10.0']);
  });

  test('no releases gives an empty list', async () => {
    expect(await tags({})).toEqual([]);
  });

  test('pages through more than 100 releases', async () => {
    for (let index = 0; index < 150; index++) fake.github.addRelease({ tag_name: `v0.${index}.0` });
    expect(await tags({}, { tag: 'v0.0.0' })).toHaveLength(150);
    const listing = fake.github.requests.filter((request) => request.path.endsWith('/releases'));
    expect(listing.map((request) => request.query.get('per_page'))).toEqual(['100', '100']);
  });

  test.each([
    [{}, ['v1.0.0']],
    [{ release: true, pre_release: false }, ['v1.0.0']],
    [{ release: true, pre_release: true }, ['v1.0.0-rc.1', 'v1.0.0']],
    [{ release: false, pre_release: true }, ['v1.0.0-rc.1']],
    [{ release: false, pre_release: false }, ['v1.0.0-rc.1', 'v1.0.0']],
    [{ drafts: true }, ['v2.0.0']],
    [{ drafts: 'true', pre_release: 'true' }, ['v2.0.0']],
  ])('release/pre_release/drafts %j', async (flags, expected) => {
    fake.github.addRelease({ tag_name: 'v1.0.0-rc.1', prerelease: true });
    fake.github.addRelease({ tag_name: 'v1.0.0' });
    fake.github.addRelease({ tag_name: 'v2.0.0', draft: true });
    expect(await tags(flags, { tag: 'v0' })).toEqual(expected);
  });

  test('tag_filter: the last capture group is the version', async () => {
    fake.github.addRelease({ tag_name: 'api-1.2.0' });
    fake.github.addRelease({ tag_name: 'web-3.0.0' });
    fake.github.addRelease({ tag_name: 'api-1.10.0' });
    expect(await tags({ tag_filter: '^(api|web)-(.*)$' }, { tag: 'api-0' })).toEqual([
      'api-1.2.0',
      'api-1.10.0',
      'web-3.0.0',
    ]);
    expect(await tags({ tag_filter: '^api-(.*)$' }, { tag: 'api-0' })).toEqual(['api-1.2.0', 'api-1.10.0']);
  });

  test('semver_constraint filters on the parsed version', async () => {
    for (const tag of ['v1.9.0', 'v2.0.0', 'v2.1', 'v3.0.0']) fake.github.addRelease({ tag_name: tag });
    expect(await tags({ semver_constraint: '>=2.0.0 <3' }, { tag: 'v0' })).toEqual(['v2.0.0', 'v2.1']);
  });

  test('order_by: time orders by publication and keeps drafts with their creation time', async () => {
    fake.github.addRelease({ tag_name: 'v2.0.0', published_at: '2026-03-01T00:00:00Z' });
    fake.github.addRelease({ tag_name: 'v1.5.0', published_at: '2026-04-01T00:00:00Z' });
    fake.github.addRelease({ tag_name: 'v1.0.0', published_at: '2026-02-01T00:00:00Z' });
    expect(await tags({ order_by: 'time' }, { timestamp: '2026-03-01T00:00:00Z' })).toEqual([
      'v2.0.0',
      'v1.5.0',
    ]);
    fake.github.addRelease({ tag_name: 'v9.0.0', draft: true, created_at: '2026-05-01T00:00:00Z' });
    const outcome = await invoke('check', { source: fake.source({ order_by: 'time', drafts: true }) });
    expect(JSON.parse(outcome.stdout)).toEqual([
      { tag: 'v9.0.0', id: expect.any(String) as string, timestamp: '2026-05-01T00:00:00Z' },
    ]);
  });

  test('works without a token on a public repository and names a bad token', async () => {
    fake.github.addRelease({ tag_name: 'v1.0.0' });
    const { access_token: _, ...anonymous } = fake.source();
    expect((await invoke('check', { source: anonymous })).code).toBe(0);
    expect(fake.github.requests.at(-1)?.headers.authorization).toBeUndefined();
    const bad = await invoke('check', { source: fake.source({ access_token: 'ghp_wrong' }) });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/401/);
  });

  test('the legacy user wins over owner', async () => {
    fake.github.addRelease({ tag_name: 'v1.0.0' });
    const outcome = await invoke('check', {
      source: fake.source({ owner: 'someone-else', user: fake.github.owner }),
    });
    expect(outcome.code).toBe(0);
  });

  test('a rate-limited listing waits and retries', async () => {
    fake.github.addRelease({ tag_name: 'v1.0.0' });
    fake.github.failNext({ kind: 'secondary-rate-limit', retryAfter: 1 });
    const outcome = await invoke('check', { source: fake.source() });
    expect(outcome.code).toBe(0);
    expect(outcome.stderr).toMatch(/secondary rate limit/);
    expect(fake.github.requests.map((request) => request.status)).toEqual([403, 200]);
  });

  test('a primary rate limit is waited out until the reset time; 5xx reads are retried', async () => {
    fake.github.addRelease({ tag_name: 'v1.0.0' });
    fake.github.failNext({ kind: 'rate-limit' });
    fake.github.failNext({ kind: 'server-error', status: 502 });
    const outcome = await invoke('check', {
      source: fake.source({ github_v4_api_url: 'https://ghe.example/api/graphql' }),
    });
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(outcome.stderr).toMatch(/rate limited on GET/);
    expect(fake.github.requests.map((request) => request.status)).toEqual([403, 502, 200]);
    expect(fake.github.requests.every((request) => !request.path.includes('graphql'))).toBe(true);
  });
});

// The cases concourse/github-release-resource's check_command_test.go checks, restated against
// the fake: what each source and cursor gives back.
describe('check, as the reference checks it', () => {
  /** A time on 2026-02-<day>, the reference fixtures' day-numbered timestamps. */
  const day = (n: number) => `2026-02-0${n}T00:00:00Z`;
  const add = (tag_name: string, extra: object = {}) => fake.github.addRelease({ tag_name, ...extra });

  test('the first check gives the latest by version or by time, and [] when every release is filtered out', async () => {
    add('v0.1.4', { draft: true });
    expect(await tags({})).toEqual([]);
    expect(await tags({ order_by: 'time' })).toEqual([]);
    add('v0.4.0', { published_at: day(2) });
    add('v0.1.3', { published_at: day(3) });
    add('v0.1.2', { published_at: day(1) });
    expect(await tags({})).toEqual(['v0.4.0']);
    expect(await tags({ order_by: 'time' })).toEqual(['v0.1.3']);
  });

  test('semver_constraint drops tags that are not semver, and reads the version through tag_filter', async () => {
    for (const tag of ['v0.4.0', '0.1.3', 'v0.1.2', 'invalid-semver']) add(tag);
    expect(await tags({ semver_constraint: '0.1.x' })).toEqual(['0.1.3']);
    expect(await tags({ semver_constraint: '0.1.x' }, { tag: 'v0.0.1' })).toEqual(['v0.1.2', '0.1.3']);
    for (const tag of ['foo-0.4.0', 'foo-0.1.3', 'foo-0.1.2', '0.1.4']) add(tag);
    // '0.1.4' satisfies the range but does not match the filter; 'foo-0.4.0' matches but is out of range.
    expect(await tags({ semver_constraint: '0.1.x', tag_filter: 'foo-(.*)' })).toEqual(['foo-0.1.3']);
  });

  test('tags with a major version only (v0, v1) sort numerically among the full versions', async () => {
    for (const tag of ['v0.1.4', '0.10.0', '0.4.0', 'v0.1.3', '0.1.2', 'v1', 'v0']) add(tag);
    expect(await tags({}, { tag: 'v0.1.3' })).toEqual(['v0.1.3', 'v0.1.4', '0.4.0', '0.10.0', 'v1']);
    expect(await tags({}, { tag: 'v0' })).toEqual([
      'v0',
      '0.1.2',
      'v0.1.3',
      'v0.1.4',
      '0.4.0',
      '0.10.0',
      'v1',
    ]);
  });

  test('pre-releases alone are ordered by number (rc.9 before rc.10); a cursor with only an id gives the latest', async () => {
    add('v0.1.4', { draft: true });
    add('0.4.0');
    add('v0.4.1-rc.10', { prerelease: true });
    const rc9 = add('0.4.1-rc.9', { prerelease: true });
    const rc8 = add('v0.4.1-rc.8', { prerelease: true });
    const preOnly = { pre_release: true, release: false };
    expect(await tags(preOnly, { id: String(rc9.id), tag: '0.4.1-rc.9' })).toEqual([
      '0.4.1-rc.9',
      'v0.4.1-rc.10',
    ]);
    expect(await tags(preOnly, { id: String(rc8.id) })).toEqual(['v0.4.1-rc.10']);
  });

  test('finals and pre-releases together follow semver order; a cursor with only an id gives the latest', async () => {
    add('v0.1.4', { draft: true });
    const final = add('0.3.9');
    for (const tag of ['0.4.0', 'v0.4.2']) add(tag);
    for (const tag of ['v0.4.1-rc.10', '0.4.1-rc.9', 'v0.4.2-rc.1']) add(tag, { prerelease: true });
    const both = { pre_release: true, release: true };
    const since040 = ['0.4.0', '0.4.1-rc.9', 'v0.4.1-rc.10', 'v0.4.2-rc.1', 'v0.4.2'];
    expect(await tags(both, { tag: '0.4.0' })).toEqual(since040);
    expect(await tags(both, { id: String(final.id) })).toEqual(['v0.4.2']);
    add('v0.4.3-rc.1', { prerelease: true });
    expect(await tags(both, { tag: '0.4.0' })).toEqual([...since040, 'v0.4.3-rc.1']);
    expect(await tags(both, { id: String(final.id) })).toEqual(['v0.4.3-rc.1']);
  });

  test('with drafts: true, drafts whose tag is not a version or is empty are skipped', async () => {
    add('abc/d', { draft: true });
    add('123*4', { draft: true });
    expect(await tags({ drafts: true })).toEqual([]);
    // REST always names a tag; a draft without one has the empty string (the reference's nil tag too).
    add('v0.1.4', { draft: true });
    add('', { draft: true });
    add('asdf@example.com', { draft: true });
    expect(await tags({ drafts: true })).toEqual(['v0.1.4']);
    expect(await tags({ drafts: true }, { tag: 'v0' })).toEqual(['v0.1.4']);
  });

  test('order_by: time takes the created time of a release without a published one', async () => {
    add('v0.1.1', { created_at: day(1), published_at: null });
    add('v0.2.1', { created_at: day(2), published_at: null });
    add('v0.1.3', { created_at: day(3), published_at: null });
    add('v0.1.4', { created_at: day(4), published_at: null });
    expect(await tags({ order_by: 'time' }, { tag: 'v0.1.3', timestamp: day(3) })).toEqual([
      'v0.1.3',
      'v0.1.4',
    ]);
  });

  test('order_by: time prefers the published time to the created one, and places a cursor by its timestamp', async () => {
    // Created and published in opposite orders: publication decides.
    add('v0.1.1', { created_at: day(1), published_at: day(5) });
    add('v0.2.1', { created_at: day(2), published_at: day(4) });
    add('v0.1.3', { created_at: day(4), published_at: day(2) });
    add('v0.1.4', { created_at: day(5), published_at: day(1) });
    const byTime = { order_by: 'time' };
    const outcome = await invoke('check', {
      source: fake.source(byTime),
      version: { tag: 'v0.2.1', timestamp: day(4) },
    });
    expect(JSON.parse(outcome.stdout)).toEqual([
      { tag: 'v0.2.1', id: expect.any(String) as string, timestamp: day(4) },
      { tag: 'v0.1.1', id: expect.any(String) as string, timestamp: day(5) },
    ]);
    // A cursor release that is gone still selects everything published at or after its time.
    expect(await tags(byTime, { tag: 'v1.0.0', id: '9', timestamp: day(3) })).toEqual(['v0.2.1', 'v0.1.1']);
    // Without a timestamp the cursor cannot be placed: only the latest.
    expect(await tags(byTime, { tag: 'v0.2.1', id: '2' })).toEqual(['v0.1.1']);
  });

  test('order_by: time skips releases without a time (the zero time), giving [] when none has one', async () => {
    const zero = '0001-01-01T00:00:00Z';
    for (const tag of ['v0.1.1', 'v0.2.1', 'v0.1.3']) add(tag, { created_at: zero, published_at: zero });
    expect(await tags({ order_by: 'time' }, { tag: 'v0.2.1', timestamp: day(3) })).toEqual([]);
    expect(await tags({ order_by: 'time' })).toEqual([]);
    // The same releases still count when ordered by version.
    expect(await tags({}, { tag: 'v0.2.1' })).toEqual(['v0.2.1']);
  });
});
