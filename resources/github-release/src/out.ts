// put: create the release for a tag, or update the existing one; then upload assets, replacing
// only assets of the same name (or all of them with `replace_assets: all`). Where published
// releases are immutable, the release is a draft until its assets are uploaded.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import {
  ConfigError,
  RemoteError,
  resolveInside,
  type OutContext,
  type VersionResult,
} from '@hangar/resource-sdk';
import { deleteAsset, listAssets, listReleases } from './api.js';
import { connect } from './github.js';
import { releaseMetadata } from './in.js';
import {
  createRelease,
  publish,
  publishAfterUpload,
  updateRelease,
  type MakeLatest,
  type ReleaseFields,
} from './publish.js';
import { versionOf } from './releases.js';
import { isOn, type PutParams, type Source } from './source.js';
import { filesToUpload, uploadWithRetries } from './upload.js';

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

export async function out({
  source,
  params,
  sources,
  log,
  env,
  redactor,
}: OutContext<Source, PutParams>): Promise<VersionResult> {
  const repository = connect({ source, log, env, redactor });
  const name = await readParamFile(sources, 'name', params.name);
  const tag = `${params.tag_prefix ?? ''}${await readParamFile(sources, 'tag', params.tag)}`;
  if (tag === '') throw new ConfigError(`params.tag: ${params.tag} is empty`);
  const commitish = params.commitish
    ? await readParamFile(sources, 'commitish', params.commitish)
    : undefined;
  const body = params.body ? await readParamFile(sources, 'body', params.body) : undefined;
  const files = await filesToUpload(sources, params.globs ?? []);

  const draft = isOn(source.drafts);
  const fields: ReleaseFields = {
    name,
    draft,
    prerelease: isOn(source.pre_release) && !isOn(source.release, true),
    ...(body !== undefined ? { body } : {}),
    ...(commitish ? { target_commitish: commitish } : {}),
    // GitHub takes the string form only.
    ...(params.make_latest !== undefined ? { make_latest: String(params.make_latest) as MakeLatest } : {}),
  };

  const existing = (await listReleases(repository)).find((release) => release.tag_name === tag);
  if (existing?.immutable && (files.length > 0 || params.replace_assets === 'all'))
    throw new RemoteError(`release ${tag} is immutable: its assets cannot change; publish a new tag`);
  // A published release that is to receive assets is staged as a draft first when the
  // repository freezes releases on publication (or when asked to).
  const staged =
    !draft &&
    (existing?.draft === true ||
      (!existing &&
        files.length > 0 &&
        (await publishAfterUpload(repository, params.publish_after_upload, log))));

  const first = staged ? { ...fields, draft: true } : fields;
  const assets = existing ? await listAssets(repository, existing.id) : [];
  let release = existing
    ? await updateRelease(repository, existing, assets, first, params, log)
    : await createRelease(repository, tag, first, params, log);
  const kept = params.replace_assets === 'all' ? [] : assets;
  for (const path of files) {
    for (const stale of kept.filter((asset) => asset.name === basename(path))) {
      log.info(`replacing asset ${stale.name}`);
      await deleteAsset(repository, stale);
    }
    await uploadWithRetries(repository, release, path, log);
  }
  if (staged) release = await publish(repository, release, fields, log);
  if (!release.id) throw new RemoteError('GitHub answered without a release id');
  return { version: versionOf(release), metadata: releaseMetadata(release) };
}
