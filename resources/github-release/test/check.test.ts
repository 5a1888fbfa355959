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
