// include_tags_without_release: bare tags are versions beside releases.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { useFakeGitHub } from './helpers.js';
import { invoke, meta, tempDir } from './invoke.js';

const fake = useFakeGitHub();
const versions = async (source: object, version?: object) => {
  const outcome = await invoke('check', {
    source: fake.source({ include_tags_without_release: true, ...source }),
    ...(version ? { version } : {}),
  });
  expect(outcome.code, outcome.stderr).toBe(0);
  return JSON.parse(outcome.stdout) as Record<string, string>[];
};

describe('tags without releases', () => {
  test('check lists bare tags as {tag} beside releases, ordered together and filtered alike', async () => {
    const release = fake.github.addRelease({ tag_name: 'v1.1.0' });
    fake.github.addTag('v1.0.0');
    fake.github.addAnnotatedTag('v1.2.0');
    fake.github.addTag('vvv');
    fake.github.addRelease({ tag_name: 'v2.0.0-rc.1', prerelease: true });
    expect(await versions({}, { tag: 'v0' })).toEqual([
      { tag: 'v1.0.0' },
      { tag: 'v1.1.0', id: String(release.id), timestamp: release.published_at },
      { tag: 'v1.2.0' },
    ]);
    expect(await versions({})).toEqual([{ tag: 'v1.2.0' }]);
    expect(await versions({ semver_constraint: '<1.2' }, { tag: 'v0' })).toHaveLength(2);
    // A tag whose release is filtered out is not offered as a bare tag either.
    expect((await versions({ release: false, pre_release: true }, { tag: 'v0' })).map((v) => v.tag)).toEqual([
      'v2.0.0-rc.1',
    ]);
    // Bare tags have no time: order_by: time keeps releases only.
    expect(await versions({ order_by: 'time' })).toEqual([
      { tag: 'v1.1.0', id: String(release.id), timestamp: release.published_at },
    ]);
  });

  test('without the flag, tags are not listed', async () => {
    fake.github.addTag('v1.0.0');
    const outcome = await invoke('check', { source: fake.source() });
    expect(outcome.stdout).toBe('[]\n');
    expect(fake.github.requests.some((request) => request.path.endsWith('/tags'))).toBe(false);
  });

  test('pages through more than 100 tags', async () => {
    for (let index = 0; index < 130; index++) fake.github.addTag(`v0.${index}.0`);
    expect(await versions({}, { tag: 'v0.0.0' })).toHaveLength(130);
  });

  test('get writes tag, version and commit_sha (through annotated tags), and archives on request', async () => {
    const commit = fake.github.addAnnotatedTag('v3.1.0');
    const dir = await tempDir();
    const outcome = await invoke(
      'in',
      {
        source: fake.source({ include_tags_without_release: true }),
        version: { tag: 'v3.1.0' },
        params: { include_source_tarball: true },
      },
      { dir },
    );
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(outcome.json.version).toEqual({ tag: 'v3.1.0' });
    expect(meta(outcome)).toEqual({ tag: 'v3.1.0', commit_sha: commit });
    expect((await readdir(dir)).sort()).toEqual(['commit_sha', 'source.tar.gz', 'tag', 'version']);
    expect(await readFile(join(dir, 'version'), 'utf8')).toBe('3.1.0');
    expect(await readFile(join(dir, 'commit_sha'), 'utf8')).toBe(commit);
  });

  test('get of a tag that is gone names it', async () => {
    const outcome = await invoke(
      'in',
      { source: fake.source({ include_tags_without_release: true }), version: { tag: 'v9.9.9' } },
      { dir: await tempDir() },
    );
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toMatch(/tag v9.9.9 has no release and does not exist/);
  });
});
