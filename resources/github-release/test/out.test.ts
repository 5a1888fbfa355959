import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { useFakeGitHub } from './helpers.js';
import { invoke, meta, tempDir } from './invoke.js';

const fake = useFakeGitHub();

async function workspace(files: Record<string, string>): Promise<string> {
  const dir = await tempDir();
  for (const [name, content] of Object.entries(files)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), content);
  }
  return dir;
}

const BASE = { 'release/name': 'Widget 1.0\n', 'release/tag': '1.0.0\n', 'release/body': 'fixed things\n' };

describe('out', () => {
  test('creates a release from files, with a tag prefix, commitish, body and assets', async () => {
    const sha = 'a'.repeat(40);
    const dir = await workspace({
      ...BASE,
      'release/sha': `${sha}\n`,
      'dist/widget.tgz': 'tgz',
      'dist/widget.zip': 'zip',
    });
    const outcome = await invoke(
      'out',
      {
        source: fake.source(),
        params: {
          name: 'release/name',
          tag: 'release/tag',
          tag_prefix: 'v',
          commitish: 'release/sha',
          body: 'release/body',
          globs: ['dist/*.tgz', 'dist/*.zip'],
          generate_release_notes: true,
        },
      },
      { dir },
    );
    expect(outcome.stderr, outcome.stderr).not.toMatch(/error/i);
    expect(outcome.code, outcome.stderr).toBe(0);
    const release = fake.github.release('v1.0.0');
    expect(release).toMatchObject({
      name: 'Widget 1.0',
      target_commitish: sha,
      draft: false,
      prerelease: false,
    });
    expect(release?.body).toMatch(/^fixed things\n\n## What's Changed/);
    expect(release?.assets.map((asset) => [asset.name, asset.data.toString()])).toEqual([
      ['widget.tgz', 'tgz'],
      ['widget.zip', 'zip'],
    ]);
    expect(outcome.json.version).toEqual({
      tag: 'v1.0.0',
      id: String(release?.id),
      timestamp: release?.published_at,
    });
    expect(meta(outcome)).toMatchObject({ name: 'Widget 1.0', tag: 'v1.0.0' });
    const create = fake.github.requests.find(
      (request) => request.method === 'POST' && request.path.endsWith('/releases'),
    );
    expect(create?.headers.authorization).toMatch(/^token /);
  });

  test('updating replaces only same-named assets and keeps the body when none is given', async () => {
    const existing = fake.github.addRelease({
      tag_name: 'v1.0.0',
      body: 'old notes',
      assets: { 'widget.tgz': 'old tgz', 'checksums.txt': 'keep me' },
    });
    const dir = await workspace({ ...BASE, 'dist/widget.tgz': 'new tgz' });
    const outcome = await invoke(
      'out',
      {
        source: fake.source(),
        params: { name: 'release/name', tag: 'release/tag', tag_prefix: 'v', globs: ['dist/*'] },
      },
      { dir },
    );
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(outcome.json.version['id']).toBe(String(existing.id));
    const release = fake.github.release('v1.0.0');
    expect(release?.body).toBe('old notes');
    expect(release?.name).toBe('Widget 1.0');
    expect(
      Object.fromEntries(release?.assets.map((asset) => [asset.name, asset.data.toString()]) ?? []),
    ).toEqual({
      'checksums.txt': 'keep me',
      'widget.tgz': 'new tgz',
    });
  });

  test('replace_assets: all deletes every asset first', async () => {
    fake.github.addRelease({ tag_name: '1.0.0', assets: { 'a.txt': 'a', 'b.txt': 'b' } });
    const dir = await workspace({ ...BASE, 'dist/c.txt': 'c' });
    const outcome = await invoke(
      'out',
      {
        source: fake.source(),
        params: { name: 'release/name', tag: 'release/tag', globs: ['dist/*'], replace_assets: 'all' },
      },
      { dir },
    );
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(fake.github.release('1.0.0')?.assets.map((asset) => asset.name)).toEqual(['c.txt']);
  });

  test.each([
    [{ drafts: true }, { draft: true, prerelease: false }],
    [{ pre_release: true }, { draft: false, prerelease: false }],
    [
      { pre_release: true, release: false },
      { draft: false, prerelease: true },
    ],
  ])('flags from source %j', async (flags, expected) => {
    const dir = await workspace(BASE);
    const outcome = await invoke(
      'out',
      { source: fake.source(flags), params: { name: 'release/name', tag: 'release/tag' } },
      { dir },
    );
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(fake.github.release('1.0.0')).toMatchObject(expected);
  });

  test('a glob that matches nothing is an error before anything is created', async () => {
    const dir = await workspace(BASE);
    const outcome = await invoke(
      'out',
      { source: fake.source(), params: { name: 'release/name', tag: 'release/tag', globs: ['dist/*.tgz'] } },
      { dir },
    );
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toMatch(/dist\/\*\.tgz' matched no files/);
    expect(fake.github.writes()).toEqual([]);
  });

  test('globs name literal paths too, and never reach outside the build directory', async () => {
    const dir = await workspace({ ...BASE, 'dist/app.tgz': 'app', 'dist/other.tgz': 'other' });
    const literal = await invoke(
      'out',
      {
        source: fake.source(),
        params: { name: 'release/name', tag: 'release/tag', globs: ['dist/app.tgz'] },
      },
      { dir },
    );
    expect(literal.code, literal.stderr).toBe(0);
    expect(fake.github.release('1.0.0')?.assets.map((asset) => asset.name)).toEqual(['app.tgz']);
    const escaping = await invoke(
      'out',
      { source: fake.source(), params: { name: 'name', tag: 'tag', globs: ['../dist/*.tgz'] } },
      { dir: join(dir, 'release') },
    );
    expect(escaping.code).toBe(1);
    expect(escaping.stderr).toMatch(/matched no files/);
  });

  test('an interrupted upload is cleaned up and retried', async () => {
    fake.github.addRelease({ tag_name: '1.0.0' });
    const dir = await workspace({ ...BASE, 'dist/big.bin': 'payload' });
    fake.github.failNext({ kind: 'abort-upload' }, /^POST \/uploads\//);
    const outcome = await invoke(
      'out',
      { source: fake.source(), params: { name: 'release/name', tag: 'release/tag', globs: ['dist/*'] } },
      { dir },
    );
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(outcome.stderr).toMatch(/uploading big.bin failed \(attempt 1\/10\)/);
    expect(fake.github.release('1.0.0')?.assets.map((asset) => asset.data.toString())).toEqual(['payload']);
  });

  test('an unknown param is ignored, as the reference ignores it, with a warning suggesting the known one', async () => {
    const dir = await workspace(BASE);
    const outcome = await invoke(
      'out',
      { source: fake.source(), params: { name: 'release/name', tag: 'release/tag', glob: ['x'] } },
      { dir },
    );
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(outcome.stderr).toContain("unknown key 'params.glob' (did you mean 'globs'?)");
    expect(fake.github.release('1.0.0')?.assets).toEqual([]);
  });
});

describe('out: make_latest', () => {
  test.each([
    [true, 'true'],
    ['false', 'false'],
    ['legacy', 'legacy'],
  ])('make_latest %j is sent as %j on create and update', async (value, sent) => {
    const dir = await workspace(BASE);
    const request = {
      source: fake.source(),
      params: { name: 'release/name', tag: 'release/tag', make_latest: value },
    };
    expect((await invoke('out', request, { dir })).code).toBe(0);
    expect((await invoke('out', request, { dir })).code).toBe(0);
    const bodies = fake.github.writes().map((write) => (write.body as { make_latest?: string }).make_latest);
    expect(bodies).toEqual([sent, sent]);
  });

  test('absent, make_latest is not sent; a bad value names the param', async () => {
    const dir = await workspace(BASE);
    const plain = await invoke(
      'out',
      { source: fake.source(), params: { name: 'release/name', tag: 'release/tag' } },
      { dir },
    );
    expect(plain.code).toBe(0);
    expect(fake.github.writes()[0]?.body).not.toHaveProperty('make_latest');
    const bad = await invoke(
      'out',
      { source: fake.source(), params: { name: 'release/name', tag: 'release/tag', make_latest: 'yes' } },
      { dir },
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/make_latest/);
  });
});
