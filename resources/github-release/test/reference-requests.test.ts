// Requests as pipelines write them for concourse/github-release-resource, which decodes JSON into
// Go structs: `""`, `false` and `null` mean "not set", and keys it does not know are ignored.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { useFakeGitHub } from './helpers.js';
import { invoke, tempDir } from './invoke.js';

const fake = useFakeGitHub();

/** Every optional source string empty and every flag null: the reference reads none of them. */
const UNSET_SOURCE = {
  user: '',
  github_v4_api_url: '',
  insecure: null,
  release: null,
  pre_release: '',
  drafts: false,
  tag_filter: '',
  semver_constraint: '',
  order_by: '',
  asset_dir: null,
};

describe('fields the reference reads as unset', () => {
  test('check with empty strings and nulls lists what a bare source lists', async () => {
    fake.github.addRelease({ tag_name: 'v1.0.0' });
    fake.github.addRelease({ tag_name: 'v1.1.0-rc.1', prerelease: true });
    fake.github.addRelease({ tag_name: 'v1.1.0' });
    const bare = await invoke('check', { source: fake.source(), version: { tag: 'v1.0.0' } });
    const unset = await invoke('check', {
      source: fake.source(UNSET_SOURCE),
      version: { tag: 'v1.0.0' },
    });
    expect(unset.code, unset.stderr).toBe(0);
    expect(unset.stdout).toBe(bare.stdout);
    expect((JSON.parse(unset.stdout) as { tag: string }[]).map((version) => version.tag)).toEqual([
      'v1.0.0',
      'v1.1.0',
    ]);
  });

  test('release: false is kept (only a null release falls back to the default, true)', async () => {
    fake.github.addRelease({ tag_name: 'v1.0.0' });
    fake.github.addRelease({ tag_name: 'v1.1.0-rc.1', prerelease: true });
    const outcome = await invoke('check', {
      source: fake.source({ release: false, pre_release: 'true' }),
    });
    expect(JSON.parse(outcome.stdout)).toEqual([expect.objectContaining({ tag: 'v1.1.0-rc.1' })]);
  });

  test('out with an empty body, commitish and tag_prefix and null globs creates a plain release', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'release'));
    await writeFile(join(dir, 'release', 'tag'), 'v2.0.0\n');
    const outcome = await invoke(
      'out',
      {
        source: fake.source(),
        params: {
          name: 'release/tag',
          tag: 'release/tag',
          body: '',
          commitish: '',
          tag_prefix: '',
          globs: null,
          generate_release_notes: false,
        },
      },
      { dir },
    );
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(fake.github.release('v2.0.0')).toMatchObject({ name: 'v2.0.0', draft: false, prerelease: false });
  });
});

test('an unknown key is a warning naming the nearest known one, as the reference ignores it', async () => {
  fake.github.addRelease({ tag_name: 'v1.0.0' });
  const outcome = await invoke('check', { source: fake.source({ tag_fitler: '^v(.*)$' }) });
  expect(outcome.code).toBe(0);
  expect(outcome.stderr).toContain("unknown key 'source.tag_fitler' (did you mean 'tag_filter'?)");
  expect(JSON.parse(outcome.stdout)).toEqual([expect.objectContaining({ tag: 'v1.0.0' })]);
});
