// Streaming transfers: downloads go through a temporary file (no partial file ever sits under the
// final name) and never sit whole in memory; uploads read the file part by part (multipart.ts).
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomBytes } from 'node:crypto';
import {
  GetObjectCommand,
  PutObjectCommand,
  type PutObjectCommandInput,
  type GetObjectCommandOutput,
} from '@aws-sdk/client-s3';
import { RemoteError, type Logger } from '@hangar/resource-sdk';
import { isGcsEndpoint, remoteError, type S3Connection } from '@hangar/s3-client';
import { uploadInParts } from './multipart.js';
import { createProgress } from './progress.js';

const MIB = 1024 * 1024;
/** S3 allows at most 10,000 parts. */
const MAX_PARTS = 10_000;
export const DEFAULT_PART_SIZE = 8 * MIB;
/** Parts in flight at once, each in its own buffer: 32 MiB with the default part size. */
export const QUEUE_SIZE = 4;

const counting = (onBytes: (total: number) => void): Transform => {
  let total = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      total += chunk.length;
      onBytes(total);
      callback(null, chunk);
    },
  });
};

export interface DownloadTarget {
  bucket: string;
  key: string;
  versionId?: string | undefined;
}

const describeTarget = (target: DownloadTarget) =>
  `s3://${target.bucket}/${target.key}${target.versionId ? ` (version ${target.versionId})` : ''}`;

/** GetObject: the response with its metadata and a body still to be read. */
export async function openObject(
  s3: S3Connection,
  target: DownloadTarget,
  signal?: AbortSignal,
): Promise<GetObjectCommandOutput> {
  try {
    return await s3.client.send(
      new GetObjectCommand({
        Bucket: target.bucket,
        Key: target.key,
        ...(target.versionId ? { VersionId: target.versionId } : {}),
      }),
      signal ? { abortSignal: signal } : {},
    );
  } catch (error) {
    throw remoteError(`cannot get ${describeTarget(target)}`, error);
  }
}

/** Streams the object to `path` through a temporary sibling, renamed only when complete. */
export async function downloadObject(
  s3: S3Connection,
  target: DownloadTarget,
  path: string,
  log: Logger,
  signal?: AbortSignal,
): Promise<number> {
  return saveObject(await openObject(s3, target, signal), target, path, log, signal);
}

/** Writes an opened object's body to `path` (see downloadObject). */
export async function saveObject(
  response: GetObjectCommandOutput,
  target: DownloadTarget,
  path: string,
  log: Logger,
  signal?: AbortSignal,
): Promise<number> {
  const where = describeTarget(target);
  const size = response.ContentLength ?? 0;
  const progress = createProgress(log, 'downloading', basename(target.key), size);
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.part`);
  let received = 0;
  try {
    const body = response.Body as Readable;
    // Counted on the side rather than through a Transform: one stream stage less per chunk.
    body.on('data', (chunk: Buffer) => {
      received += chunk.length;
      progress.update(received);
    });
    await pipeline(body, createWriteStream(temporary, { highWaterMark: MIB }), signal ? { signal } : {});
    if (response.ContentLength !== undefined && received !== response.ContentLength)
      throw new Error(`connection closed after ${received} of ${response.ContentLength} bytes`);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    if (signal?.aborted) throw remoteError(`download of ${where} interrupted`, error);
    const reason = error instanceof Error ? error.message : String(error);
    if ((error as NodeJS.ErrnoException).path !== undefined)
      throw new Error(`cannot write ${path}: ${reason}`, { cause: error });
    throw new RemoteError(
      `download of ${where} failed: connection lost after ${received} of ${size} bytes (${reason})`,
      {
        cause: error,
      },
    );
  }
  progress.done();
  return received;
}

export interface UploadOptions {
  bucket: string;
  key: string;
  file: string;
  size: number;
  /** Object attributes: content type, ACL, encryption, metadata… */
  attributes: Omit<PutObjectCommandInput, 'Bucket' | 'Key' | 'Body' | 'ContentLength'>;
  /** Object tags, sent as `Tagging` with the object. */
  tags?: Record<string, string> | undefined;
  disableMultipart?: boolean | undefined;
  partSize?: number | undefined;
}

/** Part size for a file: the configured one, raised so the file fits in 10,000 parts. */
export const partSizeFor = (size: number, configured = DEFAULT_PART_SIZE): number =>
  Math.max(configured, Math.ceil(size / MAX_PARTS));

/**
 * Uploads a file with bounded memory: parts read from disk (see uploadInParts; aborted on
 * failure, so no partial object appears) or, for stores without multipart, one streamed PutObject.
 */
export async function uploadFile(
  s3: S3Connection,
  options: UploadOptions,
  log: Logger,
  signal?: AbortSignal,
): Promise<{ versionId: string | undefined }> {
  const where = `s3://${options.bucket}/${options.key}`;
  const progress = createProgress(log, 'uploading', basename(options.file), options.size);
  const tagging = options.tags && Object.keys(options.tags).length ? options.tags : undefined;
  const object = {
    Bucket: options.bucket,
    Key: options.key,
    ...options.attributes,
    ...(tagging ? { Tagging: new URLSearchParams(tagging).toString() } : {}),
  };
  try {
    let answer: { VersionId?: string | undefined };
    if (options.disableMultipart || isGcsEndpoint(s3.endpoint)) {
      answer = await s3.client.send(
        new PutObjectCommand({
          ...object,
          Body: createReadStream(options.file).pipe(counting((total) => progress.update(total))),
          ContentLength: options.size,
          ...(s3.checksumAlgorithm ? { ChecksumAlgorithm: s3.checksumAlgorithm } : {}),
        }),
        signal ? { abortSignal: signal } : {},
      );
    } else {
      answer = await uploadInParts(s3.client, {
        object,
        file: options.file,
        size: options.size,
        partSize: partSizeFor(options.size, options.partSize),
        queueSize: QUEUE_SIZE,
        checksumAlgorithm: s3.checksumAlgorithm,
        onProgress: (uploaded) => progress.update(uploaded),
        signal,
      });
    }
    progress.done();
    return { versionId: answer.VersionId };
  } catch (error) {
    throw remoteError(`upload to ${where} failed`, error);
  }
}
