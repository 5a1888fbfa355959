// put: create the release for a tag, or update the existing one; then upload assets, replacing
// only assets of the same name (or all of them with `replace_assets: all`).
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import {
  ConfigError,
  isInside,
  RemoteError,
  resolveInside,
  type Logger,
  type OutContext,
  type VersionResult,
} from '@hangar/resource-sdk';
import { deleteAsset, listAssets, listReleases, uploadAsset, type Asset } from './api.js';
import { connect, remote, statusOf, type Repository } from './github.js';
import { releaseMetadata } from './in.js';
import { versionOf, type Release } from './releases.js';
import { isOn, type PutParams, type Source } from './source.js';

type MakeLatest = 'true' | 'false' | 'legacy';

/** Attempts per asset upload, as in the reference. */
export const UPLOAD_ATTEMPTS = 10;

async function readParamFile(sources: string, param: string, path: string): Promise<string> {
  try {
    return (await readFile(resolveInside(sources, path), 'utf8')).trim();
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`params.${param}: cannot read ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** Files under `sources` matching `pattern`; a pattern may not reach outside `sources`. */
async function globFiles(sources: string, pattern: string): Promise<string[]> {
  const { glob } = await import('tinyglobby');
  const matches = await glob(pattern, { cwd: sources, onlyFiles: true, dot: true, absolute: true });
  return matches.filter((path) => isInside(sources, path)).sort();
}

async function filesToUpload(sources: string, globs: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const pattern of globs) {
    const matched = await globFiles(sources, pattern);
    if (matched.length === 0) throw new ConfigError(`params.globs: '${pattern}' matched no files`);
    files.push(...matched);
  }
  return files;
}

async function uploadWithRetries(
  repository: Repository,
  release: Release,
  path: string,
  log: Logger,
): Promise<void> {
  const name = basename(path);
  const data = await readFile(path);
  for (let attempt = 1; ; attempt++) {
    try {
      log.info(`uploading ${name} (${data.length} bytes)`);
      await uploadAsset(repository, release.id, name, data);
      return;
    } catch (error) {
      const status = statusOf(error);
      // Retrying cannot fix credentials or a missing release.
      const final = status === 401 || status === 403 || status === 404;
      if (final || attempt >= UPLOAD_ATTEMPTS) throw remote(`uploading ${name}`, error);
      log.warn(
        `uploading ${name} failed (attempt ${attempt}/${UPLOAD_ATTEMPTS}): ${(error as Error).message}`,
      );
      // An interrupted upload can leave a half-written asset that blocks the name.
      const partial = (await listAssets(repository, release.id)).filter((asset) => asset.name === name);
      for (const asset of partial) await deleteAsset(repository, asset);
    }
  }
}

export async function out({
  source,
  params,
  sources,
  log,
  env,
}: OutContext<Source, PutParams>): Promise<VersionResult> {
  const repository = connect(source, log, env);
  const { octokit, owner, repo } = repository;
  const name = await readParamFile(sources, 'name', params.name);
  const tag = `${params.tag_prefix ?? ''}${await readParamFile(sources, 'tag', params.tag)}`;
  if (tag === '') throw new ConfigError(`params.tag: ${params.tag} is empty`);
  const commitish = params.commitish
    ? await readParamFile(sources, 'commitish', params.commitish)
    : undefined;
  const body = params.body ? await readParamFile(sources, 'body', params.body) : undefined;
  const files = await filesToUpload(sources, params.globs ?? []);

  const draft = isOn(source.drafts);
  const prerelease = isOn(source.pre_release) && !isOn(source.release, true);
  const fields = {
    name,
    draft,
    prerelease,
    ...(body !== undefined ? { body } : {}),
    ...(commitish ? { target_commitish: commitish } : {}),
    // GitHub takes the string form only.
    ...(params.make_latest !== undefined ? { make_latest: String(params.make_latest) as MakeLatest } : {}),
  };

  const existing = (await listReleases(repository)).find((release) => release.tag_name === tag);
  let release: Release;
  let assets: Asset[] = [];
  if (existing) {
    log.info(`updating release ${tag} (id ${existing.id})`);
    assets = await listAssets(repository, existing.id);
    if (params.replace_assets === 'all') {
      for (const asset of assets) await deleteAsset(repository, asset);
      assets = [];
    }
    try {
      release = (await octokit.rest.repos.updateRelease({ owner, repo, release_id: existing.id, ...fields }))
        .data;
    } catch (error) {
      throw remote(`updating release ${tag}`, error);
    }
  } else {
    log.info(`creating release ${tag}`);
    try {
      release = (
        await octokit.rest.repos.createRelease({
          owner,
          repo,
          tag_name: tag,
          ...fields,
          ...(isOn(params.generate_release_notes) ? { generate_release_notes: true } : {}),
        })
      ).data;
    } catch (error) {
      throw remote(`creating release ${tag}`, error);
    }
  }

  for (const path of files) {
    for (const stale of assets.filter((asset) => asset.name === basename(path))) {
      log.info(`replacing asset ${stale.name}`);
      await deleteAsset(repository, stale);
    }
    await uploadWithRetries(repository, release, path, log);
  }
  if (!release.id) throw new RemoteError('GitHub answered without a release id');
  return { version: versionOf(release), metadata: releaseMetadata(release) };
}
