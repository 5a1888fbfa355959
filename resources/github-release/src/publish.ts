// Creating, updating and publishing the release a put describes.
import type { Logger } from '@hangar/resource-sdk';
import { deleteAsset, type Asset } from './api.js';
import { remote, statusOf, type Repository } from './github.js';
import type { Release } from './releases.js';
import { isOn, type Flag, type PutParams } from './source.js';

export type MakeLatest = 'true' | 'false' | 'legacy';

export interface ReleaseFields {
  name: string;
  draft: boolean;
  prerelease: boolean;
  body?: string;
  target_commitish?: string;
  make_latest?: MakeLatest;
}

/**
 * Whether to create the release as a draft, upload, then publish: always with
 * `publish_after_upload: true`, never with `false`, otherwise when the repository has immutable
 * releases on — or when the token may not read that setting, since publishing first there would
 * leave a frozen release without assets.
 */
export async function publishAfterUpload(
  { octokit, owner, repo }: Repository,
  wanted: Flag,
  log: Logger,
): Promise<boolean> {
  if (wanted !== undefined) return isOn(wanted);
  try {
    const { data } = await octokit.rest.repos.checkImmutableReleases({ owner, repo });
    return data.enabled;
  } catch (error) {
    if (statusOf(error) === 404) return false;
    log.info(
      `cannot read the immutable-releases setting (${statusOf(error) ?? 'error'}); publishing after upload`,
    );
    return true;
  }
}

export async function createRelease(
  { octokit, owner, repo }: Repository,
  tag: string,
  fields: ReleaseFields,
  params: PutParams,
  log: Logger,
): Promise<Release> {
  log.info(`creating release ${tag}${fields.draft ? ' as a draft' : ''}`);
  // make_latest means nothing for a draft; it is sent when the draft is published.
  const { make_latest: _, ...rest } = fields;
  try {
    const { data } = await octokit.rest.repos.createRelease({
      owner,
      repo,
      tag_name: tag,
      ...(fields.draft ? rest : fields),
      ...(isOn(params.generate_release_notes) ? { generate_release_notes: true } : {}),
    });
    return data;
  } catch (error) {
    throw remote(`creating release ${tag}`, error);
  }
}

/** Updates `existing`; with `replace_assets: all` first deletes every one of its `assets`. */
export async function updateRelease(
  repository: Repository,
  existing: Release,
  assets: readonly Asset[],
  fields: ReleaseFields,
  params: PutParams,
  log: Logger,
): Promise<Release> {
  const { octokit, owner, repo } = repository;
  log.info(`updating release ${existing.tag_name} (id ${existing.id})`);
  if (params.replace_assets === 'all') for (const asset of assets) await deleteAsset(repository, asset);
  const { make_latest: _, ...rest } = fields;
  try {
    const { data } = await octokit.rest.repos.updateRelease({
      owner,
      repo,
      release_id: existing.id,
      ...(fields.draft ? rest : fields),
    });
    return data;
  } catch (error) {
    throw remote(`updating release ${existing.tag_name}`, error);
  }
}

/** Turns the staged draft into the release `fields` describe. */
export async function publish(
  { octokit, owner, repo }: Repository,
  release: Release,
  fields: ReleaseFields,
  log: Logger,
): Promise<Release> {
  log.info(`publishing release ${release.tag_name}`);
  try {
    const { data } = await octokit.rest.repos.updateRelease({
      owner,
      repo,
      release_id: release.id,
      draft: false,
      ...(fields.make_latest ? { make_latest: fields.make_latest } : {}),
    });
    return data;
  } catch (error) {
    throw remote(`publishing release ${release.tag_name}`, error);
  }
}
