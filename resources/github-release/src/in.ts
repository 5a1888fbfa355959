// in: the release's facts as files, its uploaded assets (optionally filtered by name), and
// optionally the source archives.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  RemoteError,
  resolveInside,
  writeFileAtomic,
  type InContext,
  type MetadataField,
  type VersionResult,
} from '@hangar/resource-sdk';
import picomatch from 'picomatch';
import { commitOfTag, downloadArchive, downloadAsset, findRelease, listAssets } from './api.js';
import { connect, type Repository } from './github.js';
import { tagFilter, timestampOf, versionOf, versionOfTag, type Release } from './releases.js';
import { isOn, type GetParams, type Source } from './source.js';

export function releaseMetadata(release: Release, commitSha?: string): MetadataField[] {
  const metadata: MetadataField[] = [
    { name: 'name', value: release.name ?? '' },
    { name: 'url', value: release.html_url },
  ];
  if (release.body) metadata.push({ name: 'body', value: release.body });
  metadata.push({ name: 'tag', value: release.tag_name });
  if (commitSha) metadata.push({ name: 'commit_sha', value: commitSha });
  if (release.draft) metadata.push({ name: 'draft', value: 'true' });
  if (release.prerelease) metadata.push({ name: 'pre-release', value: 'true' });
  return metadata;
}

/** A tag without a release: its name, version and commit, and the source archives on request. */
async function getTag(
  repository: Repository,
  tag: string,
  source: Source,
  params: GetParams,
  destination: string,
): Promise<VersionResult> {
  const commitSha = await commitOfTag(repository, tag);
  if (!commitSha) throw new RemoteError(`tag ${tag} has no release and does not exist`);
  await writeFileAtomic(join(destination, 'tag'), tag);
  await writeFileAtomic(join(destination, 'version'), versionOfTag(tag, tagFilter(source)) ?? '');
  await writeFileAtomic(join(destination, 'commit_sha'), commitSha);
  if (!isOn(params.skip_download))
    await downloadArchives(repository, tag, params, await assetDirectory(source, destination));
  return {
    version: { tag },
    metadata: [
      { name: 'tag', value: tag },
      { name: 'commit_sha', value: commitSha },
    ],
  };
}

/** Where assets and source archives go: `assets/` with `asset_dir`, as in the reference. */
async function assetDirectory(source: Source, destination: string): Promise<string> {
  const dir = isOn(source.asset_dir) ? join(destination, 'assets') : destination;
  await mkdir(dir, { recursive: true });
  return dir;
}

async function downloadArchives(
  repository: Repository,
  tag: string,
  params: GetParams,
  dir: string,
): Promise<void> {
  if (isOn(params.include_source_tarball))
    await downloadArchive(repository, 'tarball', tag, join(dir, 'source.tar.gz'));
  if (isOn(params.include_source_zip))
    await downloadArchive(repository, 'zipball', tag, join(dir, 'source.zip'));
}

export async function get({
  source,
  version,
  params,
  destination,
  log,
  env,
  redactor,
}: InContext<Source, GetParams>): Promise<VersionResult> {
  const repository = connect({ source, log, env, redactor });
  const write = (name: string, text: string) => writeFileAtomic(join(destination, name), text);
  const bareTag = isOn(source.include_tags_without_release) && version['id'] === undefined;
  const release = bareTag
    ? await findRelease(repository, undefined, version['tag'], true)
    : await findRelease(repository, version['id'], version['tag']);
  if (!release) return getTag(repository, version['tag']!, source, params, destination);

  await write('url', release.html_url);
  // A draft may have no tag yet; the reference then writes none of these files.
  if (release.tag_name) {
    await write('tag', release.tag_name);
    await write('version', versionOfTag(release.tag_name, tagFilter(source)) ?? '');
    await write('timestamp', timestampOf(release));
    if (release.body) await write('body', release.body);
  }

  // A draft has no tag yet: resolving it would fail the implicit get after a draft put.
  const commitSha = release.draft ? undefined : await commitOfTag(repository, release.tag_name);
  if (commitSha) await write('commit_sha', commitSha);
  else if (!release.draft) log.warn(`tag ${release.tag_name} does not exist; no commit_sha written`);

  const result = { version: versionOf(release), metadata: releaseMetadata(release, commitSha) };
  if (isOn(params.skip_download)) return result;

  const matchers = (params.globs ?? []).map((glob) => picomatch(glob, { dot: true }));
  const assetDir = await assetDirectory(source, destination);
  const assets = (await listAssets(repository, release.id)).filter(
    (asset) =>
      asset.state === 'uploaded' &&
      (matchers.length === 0 || matchers.some((matches) => matches(asset.name))),
  );
  for (const asset of assets) {
    log.info(`downloading ${asset.name} (${asset.size} bytes)`);
    await downloadAsset(repository, asset, resolveInside(assetDir, asset.name));
  }
  await downloadArchives(repository, release.tag_name, params, assetDir);
  return result;
}
