// check: versions oldest first, by regexp capture, upload time, or S3 object version.
import {
  GetBucketVersioningCommand,
  ListObjectVersionsCommand,
  type ListObjectVersionsCommandOutput,
} from '@aws-sdk/client-s3';
import { ConfigError, type CheckContext, type Logger, type Version } from '@hangar/resource-sdk';
import { remoteError, type S3Connection } from '@hangar/s3-client';
import { openS3 } from './connection.js';
import type { KeyRegexp } from './key-regexp.js';
import { listCandidates } from './listing.js';
import {
  compareSemiSemantic,
  parseSemiSemantic,
  type SemiSemanticVersion,
} from '@hangar/resource-sdk/semi-semantic';
import { resolveMode, type Source } from './source.js';

interface Candidate {
  key: string;
  version: SemiSemanticVersion | undefined;
  lastModified: number;
}

const byVersion = (a: Candidate, b: Candidate) =>
  compareSemiSemantic(a.version!, b.version!) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
const byTime = (a: Candidate, b: Candidate) =>
  a.lastModified - b.lastModified || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

function describeNoMatch(bucket: string, regexp: KeyRegexp, prefixes: string[], keys: string[]): string {
  const where = prefixes.length
    ? prefixes.map((prefix) => `s3://${bucket}/${prefix}`).join(', ')
    : `s3://${bucket}/`;
  const seen = keys.length
    ? `${keys.length} key(s) there, e.g. ${keys
        .slice(0, 3)
        .map((key) => `'${key}'`)
        .join(', ')}`
    : 'no keys there';
  // A leading "/" is part of the key, as in the reference; some stores (MinIO) drop it from keys.
  const slash =
    regexp.segments[0] === '' ? ' (a regexp starting with "/" matches only keys that start with "/")' : '';
  return `no object matches 'source.regexp' ${JSON.stringify(regexp.source)}: listed ${where} and found ${seen}${slash}`;
}

async function regexpCandidates(
  s3: S3Connection,
  source: Source,
  regexp: KeyRegexp,
  orderBy: 'version' | 'last_modified',
  log: Logger,
  signal: AbortSignal,
): Promise<Candidate[]> {
  const listing = await listCandidates(s3, source.bucket, regexp, signal);
  const candidates: Candidate[] = [];
  let matched = 0;
  for (const object of listing.objects) {
    const match = regexp.match(object.key);
    if (!match) continue;
    matched++;
    const lastModified = object.lastModified?.getTime() ?? 0;
    if (orderBy === 'last_modified') {
      candidates.push({ key: object.key, version: undefined, lastModified });
      continue;
    }
    const version = parseSemiSemantic(match.capture ?? '');
    if (!version) {
      log.warn(
        `skipping '${object.key}': its capture ${match.group === 'version' ? "'version'" : '(group 1)'} ${JSON.stringify(match.capture ?? '')} is not a version (expected e.g. 1.2.3, 1.2.3-rc.1, 20260101)`,
      );
      continue;
    }
    candidates.push({ key: object.key, version, lastModified });
  }
  if (matched === 0)
    log.warn(
      describeNoMatch(
        source.bucket,
        regexp,
        listing.prefixes,
        listing.objects.map((o) => o.key),
      ),
    );
  return candidates.sort(orderBy === 'version' ? byVersion : byTime);
}

async function checkRegexp(
  s3: S3Connection,
  source: Source,
  regexp: KeyRegexp,
  orderBy: 'version' | 'last_modified',
  previous: Version | undefined,
  log: Logger,
  signal: AbortSignal,
): Promise<Version[]> {
  if (orderBy === 'version' && !regexp.hasCapture) {
    log.warn(
      `'source.regexp' ${JSON.stringify(regexp.source)} has no capture group, so no key carries a version and check finds none: capture the version, e.g. "app-(.*)\\.tgz", or set 'source.order_by: last_modified'`,
    );
    return [];
  }
  const candidates = await regexpCandidates(s3, source, regexp, orderBy, log, signal);
  const initialPath = source.initial_path;
  const initialMatch = initialPath ? regexp.match(initialPath) : undefined;
  if (initialPath && !initialMatch)
    log.warn(
      `ignoring 'source.initial_path' '${initialPath}': it does not match 'source.regexp' ${JSON.stringify(regexp.source)}`,
    );
  if (initialPath && initialMatch && !candidates.some((candidate) => candidate.key === initialPath)) {
    // The reference puts the initial path first whatever its version: it stands for "before anything".
    candidates.unshift({
      key: initialPath,
      version: parseSemiSemantic(initialMatch.capture ?? ''),
      lastModified: -Infinity,
    });
  }
  const latest = candidates.at(-1);
  const onlyLatest = latest ? [{ path: latest.key }] : [];
  const previousPath = previous?.['path'];
  if (!previousPath) return onlyLatest;
  const previousMatch = regexp.match(previousPath);
  if (!previousMatch) return onlyLatest;
  if (orderBy === 'last_modified') {
    const index = candidates.findIndex((candidate) => candidate.key === previousPath);
    return index < 0 ? onlyLatest : candidates.slice(index).map((candidate) => ({ path: candidate.key }));
  }
  const previousVersion = parseSemiSemantic(previousMatch.capture ?? '');
  if (!previousVersion) return onlyLatest;
  return candidates
    .filter((candidate) => candidate.version && compareSemiSemantic(candidate.version, previousVersion) >= 0)
    .map((candidate) => ({ path: candidate.key }));
}

/**
 * `versioned_file` needs a bucket with versioning on; say so before anything else, in the
 * reference's words too (its check and out say "bucket is not versioned" and "object versioning
 * not enabled").
 */
export async function requireVersioning(s3: S3Connection, bucket: string, key: string): Promise<void> {
  let status: string | undefined;
  try {
    status = (await s3.client.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status;
  } catch (error) {
    throw remoteError(`cannot read the versioning state of bucket '${bucket}'`, error);
  }
  if (status !== 'Enabled')
    throw new ConfigError(
      `bucket is not versioned: object versioning not enabled on '${bucket}' (versioning is ${status ? status.toLowerCase() : 'off'}), but 'source.versioned_file' ('${key}') needs S3 object versions: enable versioning or use 'source.regexp'`,
    );
}

/** Object versions of exactly `key`, oldest first, delete markers left out. */
async function objectVersions(
  s3: S3Connection,
  bucket: string,
  key: string,
  signal?: AbortSignal,
): Promise<string[]> {
  const newestFirst: string[] = [];
  let keyMarker: string | undefined;
  let versionMarker: string | undefined;
  do {
    let page: ListObjectVersionsCommandOutput;
    try {
      page = await s3.client.send(
        new ListObjectVersionsCommand({
          Bucket: bucket,
          Prefix: key,
          ...(keyMarker ? { KeyMarker: keyMarker } : {}),
          ...(versionMarker ? { VersionIdMarker: versionMarker } : {}),
        }),
        signal ? { abortSignal: signal } : {},
      );
    } catch (error) {
      throw remoteError(`cannot list the versions of s3://${bucket}/${key}`, error);
    }
    for (const entry of page.Versions ?? [])
      if (entry.Key === key && entry.VersionId && entry.VersionId !== 'null')
        newestFirst.push(entry.VersionId);
    const more = page.IsTruncated;
    keyMarker = more ? page.NextKeyMarker : undefined;
    versionMarker = more ? page.NextVersionIdMarker : undefined;
    // Later keys sort after ours: once the listing has moved past it there is nothing more to read.
    if (keyMarker !== undefined && keyMarker !== key) break;
  } while (keyMarker !== undefined);
  return newestFirst.reverse();
}

async function checkVersionedFile(
  s3: S3Connection,
  source: Source,
  key: string,
  previous: Version | undefined,
  signal: AbortSignal,
): Promise<Version[]> {
  await requireVersioning(s3, source.bucket, key);
  const ids = await objectVersions(s3, source.bucket, key, signal);
  if (source.initial_version && !ids.includes(source.initial_version)) ids.unshift(source.initial_version);
  const newest = ids.at(-1);
  if (newest === undefined) return [];
  const from = previous?.['version_id'] ? ids.indexOf(previous['version_id']) : -1;
  const selected = from < 0 ? [newest] : ids.slice(from);
  return selected.map((id) => ({ version_id: id }));
}

export async function check({ source, version, log, signal }: CheckContext<Source>): Promise<Version[]> {
  const mode = resolveMode(source);
  if (mode.kind === 'none') {
    // A put-only resource: Concourse still checks it. The reference lists the versions of the key "".
    log.warn("neither 'source.regexp' nor 'source.versioned_file' is set: there are no versions to check");
    return [];
  }
  const s3 = await openS3(source, log);
  try {
    return mode.kind === 'regexp'
      ? await checkRegexp(s3, source, mode.regexp, mode.orderBy, version, log, signal)
      : await checkVersionedFile(s3, source, mode.key, version, signal);
  } finally {
    s3.destroy();
  }
}
