// The `s3` driver: the version is the body of one object. A bump is a conditional write — `If-Match`
// on the ETag it read, or `If-None-Match: *` when the object did not exist — so a concurrent bump
// makes ours fail with 412 and we read again instead of overwriting it.
import { GetObjectCommand, PutObjectCommand, type PutObjectCommandInput } from '@aws-sdk/client-s3';
import { RemoteError } from '@hangar/resource-sdk';
import {
  clientOptionsFrom,
  createS3Client,
  credentialsFrom,
  isNotFound,
  remoteError,
  s3Status,
  type S3Connection,
} from '@hangar/s3-client';
import type { Source } from '../source.js';
import { formatVersion, tryParseVersion, type Version } from '../version.js';
import { WriteConflict, bumpConditionally } from './conditional-write.js';
import { requireField } from './git-session.js';
import type { DriverContext, VersionStore } from './types.js';

interface StoredObject {
  /** Body's first token ('' when empty), undefined when the object does not exist. */
  text: string | undefined;
  etag: string | undefined;
}

export class S3Store implements VersionStore {
  private constructor(
    private readonly s3: S3Connection,
    private readonly bucket: string,
    private readonly key: string,
    private readonly encryption: string | undefined,
    private readonly context: DriverContext,
  ) {}

  static async open(source: Source, context: DriverContext): Promise<S3Store> {
    const bucket = requireField(source.bucket, 'bucket', 's3');
    const key = requireField(source.key, 'key', 's3');
    const options = clientOptionsFrom(
      // The reference always addresses buckets path-style.
      { ...source, bucket, use_path_style: source.use_path_style ?? true },
      {
        credentials: credentialsFrom(source, { kind: 'default-chain' }),
        assumeRoleArn: source.assume_role_arn || undefined,
        log: context.log,
      },
    );
    const s3 = await createS3Client(options);
    return new S3Store(s3, bucket, key, source.server_side_encryption || undefined, context);
  }

  [Symbol.asyncDispose](): Promise<void> {
    this.s3.destroy();
    return Promise.resolve();
  }

  private get where(): string {
    return `s3://${this.bucket}/${this.key}`;
  }

  private async read(): Promise<StoredObject> {
    try {
      const answer = await this.s3.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key }), {
        abortSignal: this.context.signal,
      });
      const body = (await answer.Body?.transformToString()) ?? '';
      return { text: body.trim().split(/\s+/)[0] ?? '', etag: answer.ETag };
    } catch (error) {
      if (isNotFound(error)) return { text: undefined, etag: undefined };
      throw remoteError(`cannot get ${this.where}`, error);
    }
  }

  private current(stored: StoredObject): Version {
    if (!stored.text) return this.context.initial;
    const parsed = tryParseVersion(stored.text);
    if (!parsed)
      throw new RemoteError(`${this.where} holds '${stored.text}', which is not a semantic version`);
    return parsed;
  }

  private async write(version: Version, condition: Partial<PutObjectCommandInput>): Promise<void> {
    const input: PutObjectCommandInput = {
      Bucket: this.bucket,
      Key: this.key,
      Body: formatVersion(version),
      ContentType: 'text/plain',
      ...(this.encryption
        ? { ServerSideEncryption: this.encryption as PutObjectCommandInput['ServerSideEncryption'] }
        : {}),
      ...(this.s3.checksumAlgorithm ? { ChecksumAlgorithm: this.s3.checksumAlgorithm } : {}),
      ...condition,
    };
    try {
      await this.s3.client.send(new PutObjectCommand(input), { abortSignal: this.context.signal });
    } catch (error) {
      const status = s3Status(error);
      // 412: the precondition failed; 409: a concurrent conditional write is in progress (AWS).
      if (status === 412 || status === 409)
        throw new WriteConflict(`${this.where} changed while bumping`, { cause: error });
      throw remoteError(`cannot put ${this.where}`, error);
    }
  }

  async check(cursor: Version | undefined): Promise<Version[]> {
    const stored = await this.read();
    if (stored.text === undefined) return cursor ? [] : [this.context.initial];
    return [this.current(stored)];
  }

  async set(version: Version): Promise<void> {
    await this.write(version, {});
    this.context.log.info(`stored ${formatVersion(version)} in ${this.where}`);
  }

  bump(next: (current: Version) => Version): Promise<Version> {
    const read = async () => {
      const stored = await this.read();
      return { current: this.current(stored), revision: stored.etag };
    };
    const writeIf = (version: Version, etag: string | undefined) =>
      this.write(version, etag ? { IfMatch: etag } : { IfNoneMatch: '*' });
    return bumpConditionally({ where: this.where, read, writeIf }, this.context, next);
  }
}
