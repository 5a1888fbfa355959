// in: the object (or initial content), `url`, `s3_uri`, `version`, optionally `tags.json`.
import { GetObjectTaggingCommand } from '@aws-sdk/client-s3';
import { mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import {
  ConfigError,
  writeFileAtomic,
  type InContext,
  type MetadataField,
  type Version,
  type VersionResult,
} from '@hangar/resource-sdk';
import { remoteError, type S3Connection } from '@hangar/s3-client';
import { BUNDLE_FORMAT, BUNDLE_MARKER, restoreBundle } from './bundle.js';
import { openS3 } from './connection.js';
import { asBoolean, initialContent, resolveMode, type GetParams, type Source } from './source.js';
import { openObject, saveObject } from './transfer.js';
import { unpackFile } from './unpack.js';

interface Target {
  key: string;
  versionId: string | undefined;
  /** What the `version` file holds: the regexp capture or the object version id. */
  versionText: string;
  initial: boolean;
}

function resolveTarget(source: Source, version: Version): Target {
  const mode = resolveMode(source);
  if (mode.kind === 'none')
    throw new ConfigError("one of 'source.regexp' or 'source.versioned_file' is required to get an object");
  if (mode.kind === 'versioned_file') {
    const id = version['version_id'];
    // No version id (a get without a version), in a versioned bucket or not: the current object,
    // answered with its key and an empty `version` file, as the reference answers.
    if (!id) return { key: mode.key, versionId: undefined, versionText: '', initial: false };
    return { key: mode.key, versionId: id, versionText: id, initial: id === source.initial_version };
  }
  const path = version['path'];
  if (!path) throw new ConfigError("the requested version has no 'path' (source.regexp mode)");
  const match = mode.regexp.match(path);
  if (!match)
    throw new ConfigError(
      `version path '${path}' does not match 'source.regexp' ${JSON.stringify(mode.regexp.source)}`,
    );
  return {
    key: path,
    versionId: undefined,
    versionText: match.capture ?? path,
    initial: path === source.initial_path,
  };
}

async function writeTags(
  s3: S3Connection,
  bucket: string,
  target: Target,
  destination: string,
): Promise<void> {
  let tags: Record<string, string>;
  try {
    const answer = await s3.client.send(
      new GetObjectTaggingCommand({
        Bucket: bucket,
        Key: target.key,
        ...(target.versionId ? { VersionId: target.versionId } : {}),
      }),
    );
    tags = Object.fromEntries((answer.TagSet ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? '']));
  } catch (error) {
    throw remoteError(`cannot read the tags of s3://${bucket}/${target.key}`, error);
  }
  await writeFileAtomic(join(destination, 'tags.json'), `${JSON.stringify(tags)}\n`);
}

/** The version `in` answers: the object version id, else the key. */
const versionOf = (target: Target): Version =>
  target.versionId ? { version_id: target.versionId } : { path: target.key };

async function writeInitial(source: Source, target: Target, destination: string): Promise<VersionResult> {
  const filename = basename(target.key);
  await writeFileAtomic(join(destination, filename), initialContent(source));
  await writeFileAtomic(join(destination, 'version'), target.versionText);
  return { version: versionOf(target), metadata: [{ name: 'filename', value: filename }] };
}

async function download(
  s3: S3Connection,
  { source, params, destination, log, signal }: InContext<Source, GetParams>,
  target: Target,
): Promise<VersionResult> {
  const { bucket } = source;
  const filename = basename(target.key);
  const url = source.private
    ? await s3.presignGetUrl(bucket, target.key, { versionId: target.versionId })
    : s3.objectUrl(bucket, target.key, target.versionId);
  if (!(asBoolean(params.skip_download) ?? source.skip_download ?? false)) {
    const object = { bucket, key: target.key, versionId: target.versionId };
    const response = await openObject(s3, object, signal);
    const local = join(destination, filename);
    if (response.Metadata?.[BUNDLE_MARKER] === BUNDLE_FORMAT) {
      const manifest = (await response.Body?.transformToString()) ?? '';
      const count = await restoreBundle(s3, bucket, target.key, manifest, local, log, signal);
      log.info(`restored ${count} file(s) of s3://${bucket}/${target.key} into ${filename}/`);
      if (asBoolean(params.unpack)) log.warn(`'params.unpack' ignored: ${filename} is a directory of files`);
    } else {
      const bytes = await saveObject(response, object, local, log, signal);
      log.info(`downloaded s3://${bucket}/${target.key} (${bytes} bytes)`);
      if (asBoolean(params.unpack)) {
        const kind = await unpackFile(local, log);
        log.info(`unpacked ${filename} (${kind})`);
      }
    }
  }
  if (asBoolean(params.download_tags)) await writeTags(s3, bucket, target, destination);
  await writeFileAtomic(join(destination, 'url'), url);
  await writeFileAtomic(join(destination, 's3_uri'), `s3://${bucket}/${target.key}`);
  await writeFileAtomic(join(destination, 'version'), target.versionText);
  const metadata: MetadataField[] = [{ name: 'filename', value: filename }];
  if (!source.private) metadata.push({ name: 'url', value: url });
  return { version: versionOf(target), metadata };
}

export async function get(context: InContext<Source, GetParams>): Promise<VersionResult> {
  const { source, log } = context;
  if (source.cloudfront_url !== undefined)
    log.warn("'source.cloudfront_url' is deprecated and ignored: objects are fetched from S3 directly");
  // Opened only when needed: an initial version never contacts the store.
  let connection: Promise<S3Connection> | undefined;
  const s3 = () => (connection ??= openS3(source, log));
  try {
    const target = resolveTarget(source, context.version);
    // Concourse hands over an existing directory; the reference creates a missing one too.
    await mkdir(context.destination, { recursive: true });
    if (source.versioned_file !== undefined && !target.versionId)
      log.warn(
        `no version_id requested: getting the current object s3://${source.bucket}/${target.key}; the answer names its path, not a version`,
      );
    return target.initial
      ? await writeInitial(source, target, context.destination)
      : await download(await s3(), context, target);
  } finally {
    if (connection)
      await connection.then(
        (opened) => opened.destroy(),
        () => {},
      );
  }
}
