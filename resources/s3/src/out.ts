// out: upload one file (or a directory of files) and answer with its version. Every check that
// can fail without the store runs before the first byte is sent.
import { PutObjectCommand, type ObjectCannedACL, type PutObjectCommandInput } from '@aws-sdk/client-s3';
import { readdir, stat } from 'node:fs/promises';
import { basename, join, posix, relative, sep } from 'node:path';
import {
  ConfigError,
  RemoteError,
  type Logger,
  type MetadataField,
  type OutContext,
  type Version,
  type VersionResult,
} from '@hangar/resource-sdk';
import { remoteError, type S3Connection } from '@hangar/s3-client';
import {
  BUNDLE_CONTENT_TYPE,
  BUNDLE_FORMAT,
  BUNDLE_MARKER,
  bundleFileKey,
  manifestBody,
  type BundleManifest,
} from './bundle.js';
import { requireVersioning } from './check.js';
import { openS3 } from './connection.js';
import { parseSemiSemantic } from '@hangar/resource-sdk/semi-semantic';
import { CANNED_ACLS, resolveMode, type Mode, type PutParams, type Source } from './source.js';
import { uploadFile } from './transfer.js';

const MIB = 1024 * 1024;

/** Every file under `directory`, relative, `/`-separated, sorted. */
async function filesUnder(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(directory, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort();
}

/** `params.file`: a glob relative to the put's directory that must match exactly one path. */
async function matchFile(sources: string, pattern: string): Promise<string> {
  const { glob } = await import('tinyglobby');
  const matches = await glob(pattern, {
    cwd: sources,
    onlyFiles: false,
    dot: true,
    expandDirectories: false,
    absolute: false,
  });
  const paths = matches.map((match) => match.replace(/\/$/, '')).sort();
  if (paths.length === 0)
    throw new ConfigError(`'params.file' ${JSON.stringify(pattern)} matched nothing in ${sources}`);
  if (paths.length > 1)
    throw new ConfigError(
      `'params.file' ${JSON.stringify(pattern)} matched ${paths.length} paths (${paths.slice(0, 5).join(', ')}${paths.length > 5 ? ', …' : ''}); it must match exactly one`,
    );
  return join(sources, paths[0]!);
}

/** Go's RE2 spells named groups `(?P<name>…)`; JavaScript spells them `(?<name>…)`. */
const goPattern = (pattern: string, field: string, flags = ''): RegExp => {
  try {
    return new RegExp(pattern.replace(/\(\?P</g, '(?<'), flags);
  } catch (error) {
    throw new ConfigError(`invalid '${field}': ${(error as Error).message}`);
  }
};

/** Go's `$1`, `${1}`, `$name`, `${name}` in a replacement, in JavaScript's spelling. */
const goReplacement = (template: string): string =>
  template.replace(/\$\{(\w+)\}|\$([A-Za-z_]\w*)/g, (_, braced?: string, bare?: string) => {
    const name = braced ?? bare ?? '';
    return /^\d+$/.test(name) ? `$${name}` : `$<${name}>`;
  });

/**
 * Deprecated `from`: an unanchored regexp over the full paths below the put's directory, walked as
 * the reference walks them (the directory itself, subdirectories and links included), which must
 * match exactly one. A matched directory fails, as the reference's upload of it does (it cannot
 * read a directory as a file), but here before anything is sent.
 */
async function matchFrom(sources: string, from: string): Promise<string> {
  const pattern = goPattern(from, 'params.from');
  const entries = await readdir(sources, { recursive: true, withFileTypes: true });
  const paths = [sources, ...entries.map((entry) => join(entry.parentPath, entry.name))].sort();
  const matches = paths.filter((path) => pattern.test(path));
  const shown = matches.slice(0, 5).map((path) => relative(sources, path).split(sep).join('/') || '.');
  if (matches.length !== 1)
    throw new ConfigError(
      `'params.from' ${JSON.stringify(from)} matched ${matches.length} paths${matches.length ? ` (${shown.join(', ')}${matches.length > 5 ? ', …' : ''})` : ''}; it must match exactly one`,
    );
  const match = matches[0]!;
  if ((await stat(match)).isDirectory())
    throw new ConfigError(
      `'params.from' ${JSON.stringify(from)} matched the directory ${shown[0]}: it must match a file`,
    );
  return match;
}

/** The key to upload to, chosen as the reference chooses it. */
function keyFor(mode: Mode, local: string, sources: string, params: PutParams, log: Logger): string {
  if (mode.kind === 'versioned_file') return mode.key;
  const { from, to } = params;
  const name = basename(local);
  if (!from && !to && mode.kind === 'regexp') {
    const { directory, problem } = mode.regexp.uploadDirectory();
    if (problem) log.warn(`${problem}: uploading to '${directory}${name}' as written, as the reference does`);
    return `${directory}${name}`;
  }
  if (!to || to.endsWith('/')) return posix.join(to ?? '', name);
  if (!from) {
    // The reference replaces the empty regexp with `to` between every character of the name.
    log.warn(
      `'params.to' ${JSON.stringify(to)} with 'params.file' is a directory: uploading to '${to}/${name}'`,
    );
    return posix.join(to, name);
  }
  const relativePath = relative(sources, local).split(sep).join('/');
  return relativePath.replace(goPattern(from, 'params.from', 'g'), goReplacement(to));
}

/** Warns when check would never report (or would skip) the key this put writes. */
function warnIfUncheckable(mode: Mode, key: string, log: Logger): void {
  if (mode.kind !== 'regexp') return;
  const match = mode.regexp.match(key);
  const regexp = JSON.stringify(mode.regexp.source);
  if (!match) log.warn(`'${key}' does not match 'source.regexp' ${regexp}: check will never report it`);
  else if (mode.orderBy === 'version' && !parseSemiSemantic(match.capture ?? ''))
    log.warn(
      `the version ${JSON.stringify(match.capture ?? '')} captured from '${key}' is not a version: check will skip it`,
    );
}

function attributesFrom(
  source: Source,
  params: PutParams,
): Omit<PutObjectCommandInput, 'Bucket' | 'Key' | 'Body'> {
  return {
    // The reference asks for `private` unless told otherwise and sends any other text as given (the
    // store may refuse it); `acl: none` (ours) asks for nothing.
    ...(params.acl === 'none' ? {} : { ACL: (params.acl ?? 'private') as ObjectCannedACL }),
    ...(params.content_type ? { ContentType: params.content_type } : {}),
    ...(params.cache_control ? { CacheControl: params.cache_control } : {}),
    ...(params.content_encoding ? { ContentEncoding: params.content_encoding } : {}),
    ...(params.content_disposition ? { ContentDisposition: params.content_disposition } : {}),
    ...(params.metadata ? { Metadata: params.metadata } : {}),
    ...(source.server_side_encryption ? { ServerSideEncryption: source.server_side_encryption } : {}),
    ...(source.sse_kms_key_id ? { SSEKMSKeyId: source.sse_kms_key_id } : {}),
  };
}

function validateParams(params: PutParams, log: Logger): void {
  if (params.from !== undefined || params.to !== undefined)
    log.warn("'params.from' and 'params.to' are deprecated: use 'params.file' (a glob) and 'source.regexp'");
  if (params.file && params.from)
    throw new ConfigError(
      "'params.file' and 'params.from' cannot both be set: the request contains both file and from",
    );
  if (!params.file && !params.from) throw new ConfigError("missing required field 'params.file'");
  if (params.acl && params.acl !== 'none' && !(CANNED_ACLS as readonly string[]).includes(params.acl))
    log.warn(
      `'params.acl' ${JSON.stringify(params.acl)} is not a canned ACL: sending it as given; the store may refuse it`,
    );
  for (const name of Object.keys(params.metadata ?? {}))
    if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name))
      throw new ConfigError(`invalid 'params.metadata.${name}': metadata names must be HTTP header tokens`);
  for (const [name, value] of Object.entries(params.tags ?? {})) {
    if (name.length > 128)
      throw new ConfigError(
        `invalid 'params.tags.${name.slice(0, 20)}…': tag keys have at most 128 characters`,
      );
    if (value.length > 256)
      throw new ConfigError(`invalid 'params.tags.${name}': tag values have at most 256 characters`);
  }
  if (Object.keys(params.tags ?? {}).length > 10)
    throw new ConfigError("invalid 'params.tags': S3 allows at most 10 tags per object");
}

async function uploadDirectory(
  s3: S3Connection,
  source: Source,
  params: PutParams,
  local: string,
  key: string,
  log: Logger,
  signal: AbortSignal,
): Promise<string | undefined> {
  const files = await filesUnder(local);
  if (files.length === 0)
    throw new ConfigError(`'params.file' matched the directory ${local}, which holds no files`);
  const attributes = attributesFrom(source, params);
  const entries: BundleManifest['files'] = [];
  for (const path of files) {
    const file = join(local, path);
    const size = (await stat(file)).size;
    const fileKey = bundleFileKey(key, path);
    const { versionId } = await uploadFile(
      s3,
      {
        bucket: source.bucket,
        key: fileKey,
        file,
        size,
        attributes: { ...attributes, ContentType: undefined },
        tags: params.tags,
        disableMultipart: source.disable_multipart,
        partSize: source.part_size_mb ? source.part_size_mb * MIB : undefined,
      },
      log,
      signal,
    );
    entries.push({
      path,
      key: fileKey,
      size,
      ...(versionId && versionId !== 'null' ? { version_id: versionId } : {}),
    });
  }
  try {
    const { ContentType: _ignored, ...manifestAttributes } = attributes;
    const answer = await s3.client.send(
      new PutObjectCommand({
        Bucket: source.bucket,
        Key: key,
        Body: manifestBody(entries),
        ...manifestAttributes,
        ContentType: BUNDLE_CONTENT_TYPE,
        Metadata: { ...params.metadata, [BUNDLE_MARKER]: BUNDLE_FORMAT },
        ...(params.tags ? { Tagging: new URLSearchParams(params.tags).toString() } : {}),
      }),
      { abortSignal: signal },
    );
    log.info(`uploaded ${files.length} file(s) from ${basename(local)}/ under s3://${source.bucket}/${key}`);
    return answer.VersionId;
  } catch (error) {
    throw remoteError(`cannot write the manifest s3://${source.bucket}/${key}`, error);
  }
}

export async function put({
  source,
  params,
  sources,
  log,
  signal,
}: OutContext<Source, PutParams>): Promise<VersionResult> {
  const mode = resolveMode(source);
  if (source.use_v2_signing !== undefined)
    log.warn("'source.use_v2_signing' is deprecated and ignored: requests are always signed with SigV4");
  validateParams(params, log);
  const local = params.file
    ? await matchFile(sources, params.file)
    : await matchFrom(sources, params.from ?? '');
  const isDirectory = (await stat(local)).isDirectory();
  const key = keyFor(mode, local, sources, params, log);
  warnIfUncheckable(mode, key, log);

  const s3 = await openS3(source, log);
  try {
    if (mode.kind === 'versioned_file') await requireVersioning(s3, source.bucket, mode.key);
    let versionId: string | undefined;
    if (isDirectory) {
      versionId = await uploadDirectory(s3, source, params, local, key, log, signal);
    } else {
      const size = (await stat(local)).size;
      ({ versionId } = await uploadFile(
        s3,
        {
          bucket: source.bucket,
          key,
          file: local,
          size,
          attributes: attributesFrom(source, params),
          tags: params.tags,
          disableMultipart: source.disable_multipart,
          partSize: source.part_size_mb ? source.part_size_mb * MIB : undefined,
        },
        log,
        signal,
      ));
      log.info(`uploaded ${relative(sources, local)} (${size} bytes) to s3://${source.bucket}/${key}`);
    }
    let version: Version;
    if (mode.kind === 'versioned_file') {
      if (!versionId || versionId === 'null')
        throw new RemoteError(
          `the store returned no version id for s3://${source.bucket}/${key} although versioning is enabled`,
        );
      version = { version_id: versionId };
    } else {
      version = { path: key };
    }
    const metadata: MetadataField[] = [{ name: 'filename', value: basename(key) }];
    if (!source.private)
      metadata.push({
        name: 'url',
        value: s3.objectUrl(source.bucket, key, versionId && versionId !== 'null' ? versionId : undefined),
      });
    return { version, metadata };
  } finally {
    s3.destroy();
  }
}
