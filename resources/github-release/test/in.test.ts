import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { useFakeGitHub } from './helpers.js';
import { invoke, meta, tempDir } from './invoke.js';

const fake = useFakeGitHub();
const read = (dir: string, name: string) => readFile(join(dir, name), 'utf8');

describe('in', () => {
  test('writes the release facts and every uploaded asset, with metadata', async () => {
    const release = fake.github.addRelease({
      tag_name: 'v1.2.3',
      name: 'Widget 1.2.3',
      body: 'notes',
      assets: { 'widget-linux.tgz': 'linux bits', 'widget.sha256': 'sums' },
    });
    fake.github.addAsset(release, 'half.bin', 'xx', 'starter');
    const commit = fake.github.addAnnotatedTag('v1.2.3', undefined, 2);
    const dir = await tempDir();
    const outcome = await invoke(
      'in',
      { source: fake.source(), version: { tag: 'v1.2.3', id: String(release.id) } },
      { dir },
    );
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(outcome.json.version).toEqual({
      tag: 'v1.2.3',
      id: String(release.id),
      timestamp: release.published_at,
    });
    expect(await read(dir, 'tag')).toBe('v1.2.3');
    expect(await read(dir, 'version')).toBe('1.2.3');
    expect(await read(dir, 'url')).toBe('https://github.com/hangar-ci/widget/releases/tag/v1.2.3');
    expect(await read(dir, 'body')).toBe('notes');
    expect(await read(dir, 'timestamp')).toBe(release.published_at);
    expect(await read(dir, 'commit_sha')).toBe(commit);
    expect(await read(dir, 'widget-linux.tgz')).toBe('linux bits');
    expect((await readdir(dir)).sort()).toEqual(
      [
        'body',
        'commit_sha',
        'tag',
        'timestamp',
        'url',
        'version',
        'widget-linux.tgz',
        'widget.sha256',
      ].sort(),
    );
    expect(meta(outcome)).toEqual({
      name: 'Widget 1.2.3',
      url: 'https://github.com/hangar-ci/widget/releases/tag/v1.2.3',
      body: 'notes',
      tag: 'v1.2.3',
      commit_sha: commit,
    });
  });

  test('globs pick assets by name; asset_dir puts them and the archives under assets/, as the reference does', async () => {
    fake.github.addRelease({ tag_name: 'v2.0.0', assets: { 'a.tgz': 'a', 'b.zip': 'b', 'c.tgz': 'c' } });
    const dir = await tempDir();
    const outcome = await invoke(
      'in',
      {
        source: fake.source({ asset_dir: true }),
        version: { tag: 'v2.0.0' },
        params: { globs: ['*.tgz'], include_source_tarball: true, include_source_zip: 'true' },
      },
      { dir },
    );
    expect(outcome.code, outcome.stderr).toBe(0);
    expect((await readdir(join(dir, 'assets'))).sort()).toEqual([
      'a.tgz',
      'c.tgz',
      'source.tar.gz',
      'source.zip',
    ]);
    expect(await read(join(dir, 'assets'), 'source.tar.gz')).toBe('tarball of v2.0.0');
    expect(await read(join(dir, 'assets'), 'source.zip')).toBe('zipball of v2.0.0');
    // Downloads go through the octet-stream redirect.
    const downloads = fake.github.requests.filter((request) => request.path.includes('/releases/assets/'));
    expect(downloads.every((request) => request.headers.accept === 'application/octet-stream')).toBe(true);
    expect(downloads.every((request) => request.status === 302)).toBe(true);
  });

  test('pages through more than 100 assets', async () => {
    const assets = Object.fromEntries(
      Array.from({ length: 120 }, (_, index) => [`file-${index}.txt`, String(index)]),
    );
    fake.github.addRelease({ tag_name: 'v3.0.0', assets });
    const dir = await tempDir();
    expect((await invoke('in', { source: fake.source(), version: { tag: 'v3.0.0' } }, { dir })).code).toBe(0);
    expect((await readdir(dir)).filter((name) => name.startsWith('file-'))).toHaveLength(120);
  });

  test('falls back to the tag when the id is gone; a draft needs no tag ref', async () => {
    const release = fake.github.addRelease({ tag_name: 'v4.0.0' });
    const dir = await tempDir();
    expect(
      (await invoke('in', { source: fake.source(), version: { tag: 'v4.0.0', id: '999999' } }, { dir })).json
        .version,
    ).toMatchObject({
      id: String(release.id),
    });
    const draft = fake.github.addRelease({ tag_name: 'v5.0.0', draft: true });
    const draftDir = await tempDir();
    const outcome = await invoke(
      'in',
      { source: fake.source({ drafts: true }), version: { id: String(draft.id) } },
      { dir: draftDir },
    );
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(existsSync(join(draftDir, 'commit_sha'))).toBe(false);
    expect(meta(outcome)).toMatchObject({ draft: 'true' });
    expect(outcome.json.version.timestamp).toBe(draft.created_at);
    expect(fake.github.requests.some((request) => request.path.includes('/git/ref/tags/v5.0.0'))).toBe(false);
  });

  test('a draft without a tag gets only the url file, as the reference writes the others only for a tag', async () => {
    const draft = fake.github.addRelease({ tag_name: '', draft: true, body: 'notes' });
    const dir = await tempDir();
    const outcome = await invoke(
      'in',
      { source: fake.source({ drafts: true }), version: { id: String(draft.id) } },
      { dir },
    );
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(await readdir(dir)).toEqual(['url']);
    expect(meta(outcome)).toMatchObject({ tag: '', body: 'notes', draft: 'true' });
  });

  test('prereleases are marked; an asset name cannot escape the destination', async () => {
    const release = fake.github.addRelease({ tag_name: 'v6.0.0-rc.1', prerelease: true });
    const marked = await invoke(
      'in',
      { source: fake.source(), version: { id: String(release.id) } },
      { dir: await tempDir() },
    );
    expect(meta(marked)).toMatchObject({ 'pre-release': 'true', tag: 'v6.0.0-rc.1' });
    fake.github.addAsset(release, '../escape', 'x');
    const dir = await tempDir();
    const outcome = await invoke(
      'in',
      { source: fake.source(), version: { id: String(release.id) } },
      { dir },
    );
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toMatch(/escapes/);
  });
});

test('skip_download writes the facts and metadata but fetches no assets or archives', async () => {
  const release = fake.github.addRelease({ tag_name: 'v7.0.0', body: 'notes', assets: { 'big.bin': 'x' } });
  const dir = await tempDir();
  const outcome = await invoke(
    'in',
    {
      source: fake.source({ asset_dir: true }),
      version: { id: String(release.id) },
      params: { skip_download: true, include_source_tarball: true },
    },
    { dir },
  );
  expect(outcome.code, outcome.stderr).toBe(0);
  expect((await readdir(dir)).sort()).toEqual(['body', 'commit_sha', 'tag', 'timestamp', 'url', 'version']);
  expect(meta(outcome)).toMatchObject({ tag: 'v7.0.0', body: 'notes' });
  expect(fake.github.requests.filter((request) => /assets|tarball|download/.test(request.path))).toEqual([]);
});

// The cases concourse/github-release-resource's in_command_test.go checks, restated against the fake.
describe('in, as the reference checks it', () => {
  const get = async (version: object, source: object = {}, params: object = {}) => {
    const dir = await tempDir();
    const outcome = await invoke('in', { source: fake.source(source), version, params }, { dir });
    return { dir, outcome };
  };
  /** The error line a failed get ends with (after any progress lines), without a stack. */
  const failure = (outcome: { code: number; stdout: string; stderr: string }) => {
    expect(outcome.code).toBe(1);
    expect(outcome.stdout).toBe('');
    expect(outcome.stderr).not.toMatch(/^\s+at /m);
    return outcome.stderr.trimEnd().split('\n').at(-1);
  };

  test('with tag_filter, version is the capture group', async () => {
    const release = fake.github.addRelease({ tag_name: 'package-0.35.0' });
    const { dir, outcome } = await get({ id: String(release.id) }, { tag_filter: 'package-(.*)' });
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(await read(dir, 'tag')).toBe('package-0.35.0');
    expect(await read(dir, 'version')).toBe('0.35.0');
  });

  test('without asset_dir, the source tarball and zip land in the destination itself', async () => {
    const release = fake.github.addRelease({ tag_name: 'v0.35.0', assets: { 'example.txt': 'x' } });
    const { dir, outcome } = await get(
      { id: String(release.id) },
      {},
      { include_source_tarball: true, include_source_zip: true },
    );
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(await read(dir, 'source.tar.gz')).toBe('tarball of v0.35.0');
    expect(await read(dir, 'source.zip')).toBe('zipball of v0.35.0');
    expect(await read(dir, 'example.txt')).toBe('x');
    expect(existsSync(join(dir, 'assets'))).toBe(false);
  });

  const repo = '/repos/[^/]+/[^/]+';
  test.each([
    ['the asset listing', `^GET ${repo}/releases/\\d+/assets$`, /listing assets of release \d+: 403/],
    ['the asset link', `^GET ${repo}/releases/assets/\\d+$`, /downloading asset example.txt: 403/],
    ['the asset download', '^GET /download/\\d+/', /downloading asset example.txt: 403/],
    ['the tarball link', `^GET ${repo}/tarball/`, /downloading the tarball of v0.35.0: 403/],
    ['the tarball download', '^GET /download/archive/tarball/', /downloading the tarball of v0.35.0: 403/],
    ['the zip link', `^GET ${repo}/zipball/`, /downloading the zipball of v0.35.0: 403/],
    ['the zip download', '^GET /download/archive/zipball/', /downloading the zipball of v0.35.0: 403/],
  ])('fails when %s fails, leaving no half-written file', async (_, request, message) => {
    const release = fake.github.addRelease({ tag_name: 'v0.35.0', assets: { 'example.txt': 'x' } });
    fake.github.failNext({ kind: 'forbidden' }, new RegExp(request));
    const { dir, outcome } = await get(
      { id: String(release.id) },
      {},
      { include_source_tarball: true, include_source_zip: true },
    );
    expect(failure(outcome)).toMatch(message);
    expect((await readdir(dir)).filter((name) => name.includes('partial'))).toEqual([]);
  });

  test('fails when no release has the tag, and when fetching the release fails', async () => {
    expect(failure((await get({ tag: 'v0.40.0' })).outcome)).toMatch(/release tagged v0.40.0: 404/);
    const release = fake.github.addRelease({ tag_name: 'v0.35.0' });
    fake.github.failNext({ kind: 'forbidden' }, new RegExp(`^GET ${repo}/releases/${release.id}$`));
    expect(failure((await get({ id: String(release.id), tag: 'v0.35.0' })).outcome)).toMatch(
      new RegExp(`getting release ${release.id}: 403`),
    );
  });
});
