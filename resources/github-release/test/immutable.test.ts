// Immutable releases: where publishing freezes a release, put stages it as a draft, uploads the
// assets and publishes last; `publish_after_upload` forces or forbids that order.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { useFakeGitHub } from './helpers.js';
import { invoke, tempDir } from './invoke.js';

const fake = useFakeGitHub({ immutableReleases: true });

async function put(params: object = {}, source: object = {}) {
  const dir = await tempDir();
  await mkdir(join(dir, 'dist'));
  await writeFile(join(dir, 'tag'), 'v1.0.0');
  await writeFile(join(dir, 'dist', 'app.tgz'), 'app');
  return invoke(
    'out',
    { source: fake.source(source), params: { name: 'tag', tag: 'tag', globs: ['dist/*'], ...params } },
    { dir },
  );
}
const trail = () =>
  fake.github.requests.map((request) => {
    const draft = (request.body as { draft?: boolean } | undefined)?.draft;
    const path = request.path.replace(/\/repos\/[^/]+\/[^/]+/, '').replace(/\d+/g, 'N');
    return `${request.method} ${path}${draft === undefined ? '' : ` draft=${draft}`}`;
  });

describe('immutable releases', () => {
  test('the repository setting stages the release: draft, upload, publish', async () => {
    const outcome = await put({ make_latest: 'true' });
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(trail()).toEqual([
      'GET /releases',
      'GET /immutable-releases',
      'POST /releases draft=true',
      'POST /uploads/releases/N/assets',
      'PATCH /releases/N draft=false',
    ]);
    expect(fake.github.requests.at(-1)?.body).toEqual({ draft: false, make_latest: 'true' });
    const release = fake.github.release('v1.0.0');
    expect(release).toMatchObject({ draft: false, immutable: true, assets: [{ name: 'app.tgz' }] });
    expect(outcome.json.version).toEqual({
      tag: 'v1.0.0',
      id: String(release?.id),
      timestamp: release?.published_at,
    });
    expect(outcome.stderr).toMatch(/publishing release v1.0.0/);
  });

  test('publish_after_upload: true stages without asking; a leftover draft is reused and published', async () => {
    fake.github.immutableReleases = false;
    const leftover = fake.github.addRelease({ tag_name: 'v1.0.0', draft: true });
    expect((await put({ publish_after_upload: true })).code).toBe(0);
    expect(trail()).toEqual([
      'GET /releases',
      'GET /releases/N/assets',
      'PATCH /releases/N draft=true',
      'POST /uploads/releases/N/assets',
      'PATCH /releases/N draft=false',
    ]);
    expect(fake.github.release('v1.0.0')).toMatchObject({ id: leftover.id, draft: false });
  });

  test('when the setting cannot be read, the release is staged anyway', async () => {
    fake.github.failNext({ kind: 'forbidden' }, /immutable-releases/);
    const outcome = await put();
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(outcome.stderr).toMatch(/cannot read the immutable-releases setting \(403\)/);
    expect(fake.github.release('v1.0.0')?.assets).toHaveLength(1);
  });

  test('publish_after_upload: false publishes first and fails once, clearly, on the frozen release', async () => {
    const outcome = await put({ publish_after_upload: false });
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toMatch(/uploading app.tgz: 422 Cannot upload assets to an immutable release/);
    expect(trail().filter((line) => line.includes('uploads'))).toHaveLength(1);
  });

  test('assets of an existing immutable release are refused before anything changes', async () => {
    fake.github.addRelease({ tag_name: 'v1.0.0', assets: { 'app.tgz': 'old' } });
    const outcome = await put();
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toMatch(
      /release v1.0.0 is immutable: its assets cannot change; publish a new tag/,
    );
    expect(fake.github.writes()).toEqual([]);
  });

  test('without assets or with drafts: true nothing is staged', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'tag'), 'v2.0.0');
    const plain = await invoke(
      'out',
      { source: fake.source(), params: { name: 'tag', tag: 'tag' } },
      { dir },
    );
    expect(plain.code, plain.stderr).toBe(0);
    expect(trail()).toEqual(['GET /releases', 'POST /releases draft=false']);
    fake.github.requests.splice(0);
    expect((await put({}, { drafts: true })).code).toBe(0);
    expect(fake.github.release('v1.0.0')).toMatchObject({ draft: true, assets: [{ name: 'app.tgz' }] });
    expect(trail().filter((line) => line.startsWith('PATCH'))).toEqual([]);
  });
});
