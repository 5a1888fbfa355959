import { get } from 'node:http';
import { Octokit } from '@octokit/rest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FakeGitHub } from '../src/fakes/github.js';
import { GitHubDescription } from '../src/fakes/github-description.js';

describe("GitHub's REST description (@octokit/openapi)", () => {
  const description = GitHubDescription.load();

  test('matches requests to operations, literal segments before variables', () => {
    const id = (method: string, path: string) => description.find(method, path)?.operationId;
    expect(id('POST', '/repos/o/r/releases')).toBe('repos/create-release');
    expect(id('GET', '/repos/o/r/releases/latest')).toBe('repos/get-latest-release');
    expect(id('GET', '/repos/o/r/releases/42')).toBe('repos/get-release');
    expect(id('GET', '/repos/o/r/git/ref/tags%2Fv1')).toBe('git/get-ref');
    expect(id('GET', '/repos/o/r/no-such-thing')).toBeUndefined();
  });

  test('holds bodies to the request schema and answers to the response schema', () => {
    const create = description.find('POST', '/repos/o/r/releases');
    if (!create) throw new Error('create-release is not described');
    expect(description.checkRequest(create, { tag_name: 'v1', draft: true }, 'Release')).toBeUndefined();
    expect(description.checkRequest(create, { tag_name: 'v1', draft: 'yes' }, 'Release')).toMatchObject({
      status: 422,
      errors: [{ resource: 'Release', field: 'draft', code: 'invalid' }],
    });
    expect(description.checkRequest(create, { name: 'v1' }, 'Release')).toMatchObject({
      errors: [{ field: 'tag_name', code: 'missing_field' }],
    });
    expect(description.checkRequest(create, { tag_name: 'v1', prerelase: true }, 'Release')?.message).toBe(
      '"prerelase" is not a permitted key.',
    );
    expect(description.checkResponse(create, 201, { id: 1, tag_name: 'v1' })).toMatch(
      /must have required property 'assets_url'/,
    );
    expect(description.checkResponse(create, 404, { message: 'Not Found' })).toBeUndefined();
    expect(description.checkResponse(create, 401, { message: 7 })).toMatch(/message must be string/);
  });

  test('a fake answer off the description becomes a 500, and close() fails', async () => {
    const fake = await FakeGitHub.start();
    fake.addRelease({ tag_name: 'v1', name: 42 as unknown as string });
    const client = new Octokit({ baseUrl: fake.url, log: silent, request: { retries: 0 } });
    await expect(
      client.rest.repos.getLatestRelease({ owner: fake.owner, repo: fake.repo }),
    ).rejects.toMatchObject({
      status: 500,
    });
    expect(fake.offDescription).toEqual([
      expect.stringMatching(/GET .*\/releases\/latest -> 200: .*name must be string/),
    ]);
    await expect(fake.close()).rejects.toThrow(/answered off the REST description/);
  });
});

const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
let github: FakeGitHub;
let octokit: Octokit;
const repo = () => ({ owner: github.owner, repo: github.repo });
beforeAll(async () => {
  github = await FakeGitHub.start({ tokens: ['ghp_good'] });
  octokit = new Octokit({ baseUrl: github.url, auth: 'ghp_good', log: silent });
});
afterAll(() => github.close());

describe('FakeGitHub', () => {
  test('links name the host the client addressed (a client behind a forward follows them)', async () => {
    const release = github.addRelease({ tag_name: 'v9.9.9', assets: { 'a.tgz': 'x' } });
    const path = `/repos/${github.owner}/${github.repo}/releases/${release.id}`;
    // fetch cannot set Host; node:http can.
    const body = await new Promise<string>((resolve, reject) => {
      const headers = { authorization: 'token ghp_good', host: '10.80.0.1:4321' };
      get(`${github.url}${path}`, { headers }, (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => resolve(text));
      }).once('error', reject);
    });
    const json = JSON.parse(body) as { upload_url: string; assets: { url: string }[] };
    expect(json.upload_url).toMatch(/^http:\/\/10\.80\.0\.1:4321\/uploads\//);
    expect(json.assets[0]?.url).toMatch(/^http:\/\/10\.80\.0\.1:4321\/repos\//);
    github.releases.splice(0);
  });

  test('pages releases 100 at a time with Link headers, newest first', async () => {
    for (let index = 0; index < 205; index++) github.addRelease({ tag_name: `v0.0.${index}` });
    const first = await octokit.rest.repos.listReleases({ ...repo(), per_page: 100 });
    expect(first.data).toHaveLength(100);
    expect(first.data[0]?.tag_name).toBe('v0.0.204');
    expect(first.headers.link).toMatch(/page=2>; rel="next"/);
    const all = await octokit.paginate(octokit.rest.repos.listReleases, { ...repo(), per_page: 100 });
    expect(all).toHaveLength(205);
    github.releases.splice(0);
  });

  test('refuses a bad token, anonymous writes and unknown body keys', async () => {
    const bad = new Octokit({ baseUrl: github.url, auth: 'ghp_bad' });
    await expect(bad.rest.repos.listReleases(repo())).rejects.toMatchObject({ status: 401 });
    const anonymous = new Octokit({ baseUrl: github.url });
    await expect(anonymous.rest.repos.createRelease({ ...repo(), tag_name: 'v1' })).rejects.toMatchObject({
      status: 401,
    });
    await expect(
      octokit.request('POST /repos/{owner}/{repo}/releases', { ...repo(), tag_name: 'v1', prerelase: true }),
    ).rejects.toMatchObject({ status: 422, message: expect.stringContaining('prerelase') as string });
    await expect(
      octokit.rest.repos.createRelease({ ...repo(), tag_name: 'v1', target_commitish: 'abc123' }),
    ).rejects.toMatchObject({ status: 422 });
  });

  test('uploads, downloads through the redirect, refuses a duplicate name, deletes', async () => {
    const { data: release } = await octokit.rest.repos.createRelease({ ...repo(), tag_name: 'v9.0.0' });
    const upload = (name: string) =>
      octokit.request({
        method: 'POST',
        url: `${github.uploadsUrl}/repos/{owner}/{repo}/releases/{release_id}/assets{?name,label}`,
        ...repo(),
        release_id: release.id,
        name,
        data: Buffer.from([0, 1, 2, 255]) as unknown as string,
        headers: { 'content-type': 'application/octet-stream', 'content-length': 4 },
      });
    const asset = (await upload('bin.tgz')).data as { id: number };
    await expect(upload('bin.tgz')).rejects.toMatchObject({ status: 422 });
    const download = await octokit.request('GET /repos/{owner}/{repo}/releases/assets/{asset_id}', {
      ...repo(),
      asset_id: asset.id,
      headers: { accept: 'application/octet-stream' },
    });
    expect(Buffer.from(download.data as unknown as ArrayBuffer)).toEqual(Buffer.from([0, 1, 2, 255]));
    expect(github.requests.some((request) => request.status === 302)).toBe(true);
    await octokit.rest.repos.deleteReleaseAsset({ ...repo(), asset_id: asset.id });
    expect(github.release('v9.0.0')?.assets).toEqual([]);
  });

  test('resolves lightweight and annotated tags', async () => {
    const commit = github.addAnnotatedTag('v2.0.0', undefined, 2);
    const { data: ref } = await octokit.rest.git.getRef({ ...repo(), ref: 'tags/v2.0.0' });
    expect(ref.object.type).toBe('tag');
    const { data: outer } = await octokit.rest.git.getTag({ ...repo(), tag_sha: ref.object.sha });
    const { data: inner } = await octokit.rest.git.getTag({ ...repo(), tag_sha: outer.object.sha });
    expect(inner.object).toMatchObject({ type: 'commit', sha: commit });
  });

  test('drafts are not found by tag and get their tag when published', async () => {
    const draft = github.addRelease({ tag_name: 'v3.0.0', draft: true });
    await expect(octokit.rest.repos.getReleaseByTag({ ...repo(), tag: 'v3.0.0' })).rejects.toMatchObject({
      status: 404,
    });
    await octokit.rest.repos.updateRelease({ ...repo(), release_id: draft.id, draft: false });
    expect(github.tagRefs.has('v3.0.0')).toBe(true);
    expect(github.release('v3.0.0')?.published_at).not.toBeNull();
  });
});

describe('FakeGitHub immutable releases', () => {
  test('publishing freezes assets; drafts take uploads; the setting is readable', async () => {
    const frozen = await FakeGitHub.start({ tokens: ['ghp_good'], immutableReleases: true });
    const client = new Octokit({ baseUrl: frozen.url, auth: 'ghp_good', log: silent });
    const at = { owner: frozen.owner, repo: frozen.repo };
    try {
      expect((await client.rest.repos.checkImmutableReleases(at)).data).toEqual({
        enabled: true,
        enforced_by_owner: false,
      });
      const upload = (release_id: number) =>
        client.rest.repos.uploadReleaseAsset({
          ...at,
          baseUrl: frozen.uploadsUrl,
          release_id,
          name: 'a.bin',
          data: 'a',
        });
      const { data: published } = await client.rest.repos.createRelease({ ...at, tag_name: 'v1' });
      expect(published.immutable).toBe(true);
      await expect(upload(published.id)).rejects.toMatchObject({
        status: 422,
        message: expect.stringContaining('Cannot upload assets to an immutable release') as string,
      });
      const { data: draft } = await client.rest.repos.createRelease({ ...at, tag_name: 'v2', draft: true });
      const { data: asset } = await upload(draft.id);
      const { data: done } = await client.rest.repos.updateRelease({
        ...at,
        release_id: draft.id,
        draft: false,
      });
      expect(done).toMatchObject({ immutable: true, assets: [{ name: 'a.bin' }] });
      await expect(client.rest.repos.deleteReleaseAsset({ ...at, asset_id: asset.id })).rejects.toMatchObject(
        {
          status: 422,
        },
      );
    } finally {
      await frozen.close();
    }
    await expect(octokit.rest.repos.checkImmutableReleases(repo())).rejects.toMatchObject({ status: 404 });
  });
});

test('FakeGitHub lists tags with the commits they end at, paged', async () => {
  const tags = await FakeGitHub.start();
  try {
    const commit = tags.addAnnotatedTag('v1.0.0');
    for (let index = 0; index < 120; index++) tags.addTag(`t${index}`);
    const client = new Octokit({ baseUrl: tags.url, log: silent });
    const all = await client.paginate(client.rest.repos.listTags, {
      owner: tags.owner,
      repo: tags.repo,
      per_page: 100,
    });
    expect(all).toHaveLength(121);
    expect(all.find((tag) => tag.name === 'v1.0.0')?.commit.sha).toBe(commit);
  } finally {
    await tags.close();
  }
});
