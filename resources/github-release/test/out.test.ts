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
    [{ drafts: true }, { draft: true, prerelease: false }, { draft: 'true' }],
    [{ pre_release: true }, { draft: false, prerelease: false }, {}],
    [{ pre_release: true, release: false }, { draft: false, prerelease: true }, { 'pre-release': 'true' }],
  ])('flags from source %j, and the draft / pre-release metadata', async (flags, expected, marks) => {
    const dir = await workspace(BASE);
    const outcome = await invoke(
      'out',
      { source: fake.source(flags), params: { name: 'release/name', tag: 'release/tag' } },
      { dir },
    );
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(fake.github.release('1.0.0')).toMatchObject(expected);
    const { draft, 'pre-release': pre } = meta(outcome);
    expect({ draft, 'pre-release': pre }).toEqual({ draft: undefined, 'pre-release': undefined, ...marks });
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

// The cases concourse/github-release-resource's out_command_test.go checks that the tests above
// leave out, restated against the fake.
describe('out, as the reference checks it', () => {
  const PARAMS = { name: 'release/name', tag: 'release/tag', body: 'release/body' };
  const put = async (dir: string, source: object, params: object = {}) => {
    const outcome = await invoke(
      'out',
      { source: fake.source(source), params: { ...PARAMS, ...params } },
      { dir },
    );
    expect(outcome.code, outcome.stderr).toBe(0);
    return outcome;
  };
  const patches = () =>
    fake.github
      .writes()
      .filter((write) => write.method === 'PATCH')
      .map((write) => write.body as object);

  test('updating makes an existing release a draft, or publishes an existing draft, as source.drafts says', async () => {
    const published = fake.github.addRelease({ tag_name: '1.0.0' });
    const outcome = await put(await workspace(BASE), { drafts: true });
    expect(outcome.json.version['id']).toBe(String(published.id));
    expect(fake.github.release('1.0.0')).toMatchObject({ name: 'Widget 1.0', draft: true });
    expect(patches()).toEqual([expect.objectContaining({ draft: true })]);

    const draft = fake.github.addRelease({ tag_name: '2.0.0', draft: true });
    const again = await put(await workspace({ ...BASE, 'release/tag': '2.0.0' }), {});
    expect(again.json.version['id']).toBe(String(draft.id));
    expect(fake.github.release('2.0.0')).toMatchObject({ name: 'Widget 1.0', draft: false });
    expect(fake.github.tagRefs.has('2.0.0')).toBe(true);
  });

  test('updating sends commitish only when given, and never generate_release_notes', async () => {
    fake.github.addRelease({ tag_name: '1.0.0', body: 'old notes' });
    const sha = 'b'.repeat(40);
    const dir = await workspace({ ...BASE, 'release/sha': `${sha}\n` });
    await put(dir, {}, { generate_release_notes: true });
    expect(fake.github.release('1.0.0')?.body).toBe('fixed things');
    await put(dir, {}, { commitish: 'release/sha' });
    const [plain, withCommitish] = patches();
    expect(plain).not.toHaveProperty('target_commitish');
    expect(plain).not.toHaveProperty('generate_release_notes');
    expect(withCommitish).toMatchObject({ target_commitish: sha });
    expect(fake.github.release('1.0.0')).toMatchObject({ body: 'fixed things', target_commitish: sha });
  });

  test('an upload that keeps failing is tried 10 times, its half-written asset removed after each', async () => {
    fake.github.addRelease({ tag_name: '1.0.0' });
    for (let attempt = 0; attempt < 10; attempt++)
      fake.github.failNext({ kind: 'abort-upload' }, /^POST \/uploads\//);
    const dir = await workspace({ ...BASE, 'dist/big.bin': 'payload' });
    const outcome = await invoke(
      'out',
      { source: fake.source(), params: { ...PARAMS, globs: ['dist/*'] } },
      { dir },
    );
    expect(outcome.code).toBe(1);
    expect(outcome.stderr.trimEnd().split('\n').at(-1)).toMatch(/uploading big.bin: /);
    expect(outcome.stderr).toMatch(/attempt 10\/10/);
    const uploads = fake.github.requests.filter((request) => request.path.startsWith('/uploads/'));
    expect(uploads).toHaveLength(10);
    expect(fake.github.release('1.0.0')?.assets).toEqual([]);
  });

  test('an upload that succeeds on the 5th attempt stops there', async () => {
    fake.github.addRelease({ tag_name: '1.0.0' });
    for (let attempt = 0; attempt < 4; attempt++)
      fake.github.failNext({ kind: 'abort-upload' }, /^POST \/uploads\//);
    const dir = await workspace({ ...BASE, 'dist/big.bin': 'payload' });
    const outcome = await put(dir, {}, { globs: ['dist/*'] });
    expect(outcome.stderr.match(/uploading big.bin failed/g)).toHaveLength(4);
    const uploads = fake.github.requests.filter((request) => request.path.startsWith('/uploads/'));
    expect(uploads.map((request) => request.status)).toEqual([0, 0, 0, 0, 201]);
    const assets = fake.github.release('1.0.0')?.assets;
    expect(assets?.map((asset) => [asset.name, asset.state, asset.data.toString()])).toEqual([
      ['big.bin', 'uploaded', 'payload'],
    ]);
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
