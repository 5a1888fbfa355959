// The REST calls the resource makes, each one place. Ids are GitHub's numeric REST ids: nothing
// here decodes GraphQL node ids.
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { remote, statusOf, type Repository } from './github.js';
import type { Asset, Release, Tag } from './answers.js';

export type { Asset, Tag } from './answers.js';

export const PER_PAGE = 100;
/** Annotated tags may point at annotated tags; follow at most this many. */
const MAX_TAG_DEPTH = 10;

export async function listReleases({ octokit, owner, repo }: Repository): Promise<Release[]> {
  try {
    return await octokit.paginate(octokit.rest.repos.listReleases, {
      owner,
      repo,
      per_page: PER_PAGE,
    });
  } catch (error) {
    throw remote(`listing releases of ${owner}/${repo}`, error);
  }
}

export async function listTags({ octokit, owner, repo }: Repository): Promise<Tag[]> {
  try {
    return await octokit.paginate(octokit.rest.repos.listTags, { owner, repo, per_page: PER_PAGE });
  } catch (error) {
    throw remote(`listing tags of ${owner}/${repo}`, error);
  }
}

/** The release with this REST id, or — when the id is missing or gone — the one with this tag. */
export async function findRelease(
  repository: Repository,
  id: string | undefined,
  tag: string | undefined,
): Promise<Release>;
/** With `orNone`, a tag without a release gives undefined. */
export async function findRelease(
  repository: Repository,
  id: string | undefined,
  tag: string | undefined,
  orNone: true,
): Promise<Release | undefined>;
export async function findRelease(
  { octokit, owner, repo }: Repository,
  id: string | undefined,
  tag: string | undefined,
  orNone = false,
): Promise<Release | undefined> {
  if (id !== undefined && /^\d+$/.test(id)) {
    try {
      return (await octokit.rest.repos.getRelease({ owner, repo, release_id: Number(id) })).data;
    } catch (error) {
      if (tag === undefined || statusOf(error) !== 404) throw remote(`getting release ${id}`, error);
    }
  }
  if (tag === undefined)
    throw remote('getting the release', new Error('the version has neither an id nor a tag'));
  try {
    return (await octokit.rest.repos.getReleaseByTag({ owner, repo, tag })).data;
  } catch (error) {
    if (orNone && statusOf(error) === 404) return undefined;
    throw remote(`getting the release tagged ${tag}`, error);
  }
}

export async function listAssets({ octokit, owner, repo }: Repository, releaseId: number): Promise<Asset[]> {
  try {
    return await octokit.paginate(octokit.rest.repos.listReleaseAssets, {
      owner,
      repo,
      release_id: releaseId,
      per_page: PER_PAGE,
    });
  } catch (error) {
    throw remote(`listing assets of release ${releaseId}`, error);
  }
}

/** Streams an asset's bytes into `path` (through a temporary file) via the download redirect. */
export async function downloadAsset(
  { octokit, owner, repo }: Repository,
  asset: Asset,
  path: string,
): Promise<void> {
  const partial = `${path}.partial`;
  try {
    const response = await octokit.request('GET /repos/{owner}/{repo}/releases/assets/{asset_id}', {
      owner,
      repo,
      asset_id: asset.id,
      headers: { accept: 'application/octet-stream' },
      request: { parseSuccessResponseBody: false },
    });
    const body = response.data as unknown as WebReadableStream<Uint8Array>;
    await pipeline(Readable.fromWeb(body), createWriteStream(partial));
    await rename(partial, path);
  } catch (error) {
    await rm(partial, { force: true });
    throw remote(`downloading asset ${asset.name}`, error);
  }
}

/** Downloads the source archive of `ref` (`tarball` or `zipball`) into `path`. */
export async function downloadArchive(
  { octokit, owner, repo }: Repository,
  kind: 'tarball' | 'zipball',
  ref: string,
  path: string,
): Promise<void> {
  const partial = `${path}.partial`;
  try {
    const response = await octokit.request(`GET /repos/{owner}/{repo}/${kind}/{ref}`, {
      owner,
      repo,
      ref,
      request: { parseSuccessResponseBody: false },
    });
    const body = response.data as WebReadableStream<Uint8Array>;
    await pipeline(Readable.fromWeb(body), createWriteStream(partial));
    await rename(partial, path);
  } catch (error) {
    await rm(partial, { force: true });
    throw remote(`downloading the ${kind} of ${ref}`, error);
  }
}

/** The commit a tag points at, following annotated tags; undefined when the tag does not exist. */
export async function commitOfTag(
  { octokit, owner, repo }: Repository,
  tag: string,
): Promise<string | undefined> {
  let object;
  try {
    object = (await octokit.rest.git.getRef({ owner, repo, ref: `tags/${tag}` })).data.object;
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw remote(`resolving tag ${tag}`, error);
  }
  for (let depth = 0; object.type === 'tag'; depth++) {
    if (depth >= MAX_TAG_DEPTH)
      throw remote(`resolving tag ${tag}`, new Error(`more than ${MAX_TAG_DEPTH} nested tags`));
    try {
      object = (await octokit.rest.git.getTag({ owner, repo, tag_sha: object.sha })).data.object;
    } catch (error) {
      throw remote(`resolving annotated tag ${object.sha}`, error);
    }
  }
  return object.type === 'commit' ? object.sha : undefined;
}

export async function deleteAsset({ octokit, owner, repo }: Repository, asset: Asset): Promise<void> {
  try {
    await octokit.rest.repos.deleteReleaseAsset({ owner, repo, asset_id: asset.id });
  } catch (error) {
    if (statusOf(error) !== 404) throw remote(`deleting asset ${asset.name}`, error);
  }
}

/** Uploads one asset to the uploads host. The caller retries (after removing a partial asset). */
export async function uploadAsset(
  { octokit, owner, repo, uploadsUrl }: Repository,
  releaseId: number,
  name: string,
  body: { stream: WebReadableStream<Uint8Array>; size: number },
): Promise<Asset> {
  const response = await octokit.request({
    method: 'POST',
    url: `${uploadsUrl}/repos/{owner}/{repo}/releases/{release_id}/assets{?name,label}`,
    owner,
    repo,
    release_id: releaseId,
    name,
    data: body.stream,
    // The uploads host wants the length up front, which a stream does not carry.
    headers: { 'content-type': 'application/octet-stream', 'content-length': body.size },
    // A retried upload may meet its own half-written asset; upload.ts cleans up before retrying.
    request: { retries: 0 },
  });
  return response.data as Asset;
}
