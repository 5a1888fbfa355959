// The reference's legacy `storage` driver: one state file per environment at
// `<bucket_path>/<env_name>.tfstate` in an S3 bucket (plus `.tainted`, `.plan` and `.migrated`
// siblings). Reads remember the ETag, so that writes back are conditional (see storage-put.ts).
import { posix } from 'node:path';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type PutObjectCommandInput,
  type ServerSideEncryption,
} from '@aws-sdk/client-s3';
import { ConfigError, RemoteError, type Logger, type Version } from '@hangar/resource-sdk';
import { createS3Client, isNotFound, remoteError, s3Status, type S3Connection } from '@hangar/s3-client';
import type { StateHome } from './config.js';
import { sigV2Signer, usesSigV2 } from './sigv2.js';
import type { LegacyStorageModel } from './source.js';

/** A file as read: its bytes, the ETag a conditional write compares with, and its time. */
export interface StoredFile {
  /** Under `bucket_path`, e.g. `staging.tfstate`. */
  name: string;
  key: string;
  body: Buffer;
  etag: string;
  lastModified: Date;
}

/** An environment's state as the reference finds it: `<env>.tfstate`, else `<env>.tfstate.tainted`. */
export interface StoredState extends StoredFile {
  tainted: boolean;
}

/** Another writer changed the file since we read it (HTTP 412 on a conditional write). */
export class WriteConflict extends RemoteError {
  constructor(readonly url: string) {
    super(`${url} was changed by another put while this one ran`);
  }
}

/** `last_modified` as the reference writes it: RFC 3339, UTC, whole seconds. */
export const lastModifiedText = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The reference's storage versions: `{serial: "", env_name, last_modified}` (+ `plan_only`). */
export function storageVersion(envName: string, lastModified: Date, planOnly = false): Version {
  return {
    serial: '',
    env_name: envName,
    last_modified: lastModifiedText(lastModified),
    ...(planOnly ? { plan_only: 'true' } : {}),
  };
}

/** Whether a storage block is set at all: the reference compares it with the zero struct. */
export const isStorageSet = (model: LegacyStorageModel | undefined): model is LegacyStorageModel =>
  model !== undefined && Object.values(model).some((value) => value !== undefined);

/** The reference's `storage.Model.Validate`, as one line naming the fields. */
function validate(model: LegacyStorageModel, field: string): void {
  if (model.driver !== undefined && model.driver !== 's3')
    throw new ConfigError(`invalid '${field}.driver': '${model.driver}' (the only driver is 's3')`);
  const required = ['bucket', 'bucket_path', 'access_key_id', 'secret_access_key'] as const;
  const missing = required.filter((name) => !model[name]).map((name) => `'${field}.${name}'`);
  if (missing.length) throw new ConfigError(`missing required fields: ${missing.join(', ')}`);
}

const stateFile = (envName: string) => `${envName}.tfstate`;

/** A storage block and where it was found, for errors and warnings. */
export interface StorageRef {
  model: LegacyStorageModel;
  field: 'source.storage' | 'source.migrated_from_storage';
}

/** The storage a script reads: `storage`, or `migrated_from_storage` beside a backend. */
export function storageRef(home: Extract<StateHome, { kind: 'storage' }>): StorageRef;
export function storageRef(home: StateHome): StorageRef | undefined;
export function storageRef(home: StateHome): StorageRef | undefined {
  if (home.kind === 'storage') return { model: home.storage, field: 'source.storage' };
  return home.migratedFrom && { model: home.migratedFrom, field: 'source.migrated_from_storage' };
}

export class LegacyStorage {
  private constructor(
    private readonly s3: S3Connection,
    private readonly model: LegacyStorageModel & { bucket: string; bucket_path: string },
  ) {}

  /**
   * Validates `model` (found under `field`) and connects as the reference does: path-style, and
   * SigV2 for a custom endpoint (unless use_signing_v4) or with use_signing_v2.
   */
  static async open({ model, field }: StorageRef, log: Logger): Promise<LegacyStorage> {
    validate(model, field);
    const keys = [model.access_key_id ?? '', model.secret_access_key ?? ''] as const;
    const s3 = await createS3Client({
      ...(usesSigV2(model) ? { signer: sigV2Signer(...keys) } : {}),
      region: model.region_name,
      endpoint: model.endpoint,
      pathStyle: true,
      credentials: { kind: 'static', accessKeyId: keys[0], secretAccessKey: keys[1] },
      log,
    });
    return new LegacyStorage(s3, {
      ...model,
      bucket: model.bucket ?? '',
      bucket_path: model.bucket_path ?? '',
    });
  }

  close(): void {
    this.s3.destroy();
  }

  /** `<bucket_path>/<name>`, joined as Go's `path.Join` does. */
  key(name: string): string {
    return posix.join(this.model.bucket_path, name);
  }

  url(name: string): string {
    return `s3://${this.model.bucket}/${this.key(name)}`;
  }

  async read(name: string): Promise<StoredFile | undefined> {
    const key = this.key(name);
    try {
      const answer = await this.s3.client.send(new GetObjectCommand({ Bucket: this.model.bucket, Key: key }));
      const body = Buffer.from((await answer.Body?.transformToByteArray()) ?? []);
      return { name, key, body, etag: answer.ETag ?? '', lastModified: answer.LastModified ?? new Date() };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw remoteError(`cannot get ${this.url(name)}`, error);
    }
  }

  async head(name: string): Promise<{ etag: string; lastModified: Date } | undefined> {
    try {
      const answer = await this.s3.client.send(
        new HeadObjectCommand({ Bucket: this.model.bucket, Key: this.key(name) }),
      );
      return { etag: answer.ETag ?? '', lastModified: answer.LastModified ?? new Date() };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw remoteError(`cannot look up ${this.url(name)}`, error);
    }
  }

  /** The state of `envName`: `<env>.tfstate`, else the `.tainted` one a failed put left. */
  async readState(envName: string): Promise<StoredState | undefined> {
    const plain = await this.read(stateFile(envName));
    if (plain) return { ...plain, tainted: false };
    const tainted = await this.read(`${stateFile(envName)}.tainted`);
    return tainted && { ...tainted, tainted: true };
  }

  /**
   * Writes `name`. `expected`: the ETag the file must still have, `absent` for "must not exist",
   * undefined for an unconditional write. A 412 answer is a WriteConflict.
   */
  async write(name: string, body: Uint8Array, expected?: string): Promise<void> {
    const input: PutObjectCommandInput = { Bucket: this.model.bucket, Key: this.key(name), Body: body };
    if (expected === 'absent') input.IfNoneMatch = '*';
    else if (expected !== undefined) input.IfMatch = expected;
    if (this.model.server_side_encryption)
      // Passed through as given (AES256, aws:kms, …): the store judges it, as with the reference.
      input.ServerSideEncryption = this.model.server_side_encryption as ServerSideEncryption;
    if (this.model.sse_kms_key_id) {
      input.ServerSideEncryption = 'aws:kms';
      input.SSEKMSKeyId = this.model.sse_kms_key_id;
    }
    try {
      await this.s3.client.send(new PutObjectCommand(input));
    } catch (error) {
      // 412: the ETag no longer matches, or the file now exists; 404: it was deleted meanwhile.
      if (expected !== undefined && (s3Status(error) === 412 || isNotFound(error)))
        throw new WriteConflict(this.url(name));
      throw remoteError(`cannot upload ${this.url(name)}`, error);
    }
  }

  /**
   * Deletes `name` if it still has the ETag `expected`. The delete carries If-Match too, but
   * MinIO ignores it there, so the ETag is compared first: the window left is one round trip.
   */
  async delete(name: string, expected?: string): Promise<void> {
    if (expected !== undefined) {
      const current = await this.head(name);
      if (!current) return;
      if (current.etag !== expected) throw new WriteConflict(this.url(name));
    }
    try {
      await this.s3.client.send(
        new DeleteObjectCommand({
          Bucket: this.model.bucket,
          Key: this.key(name),
          ...(expected === undefined ? {} : { IfMatch: expected }),
        }),
      );
    } catch (error) {
      if (isNotFound(error)) return;
      if (s3Status(error) === 412) throw new WriteConflict(this.url(name));
      throw remoteError(`cannot delete ${this.url(name)}`, error);
    }
  }

  /** Every `*.tfstate` key under `bucket_path` (the reference's prefix match, no slash added). */
  async stateFiles(): Promise<{ envName: string; lastModified: Date }[]> {
    const files: { envName: string; lastModified: Date }[] = [];
    let token: string | undefined;
    do {
      let answer;
      try {
        answer = await this.s3.client.send(
          new ListObjectsV2Command({
            Bucket: this.model.bucket,
            Prefix: this.model.bucket_path,
            ...(token ? { ContinuationToken: token } : {}),
          }),
        );
      } catch (error) {
        throw remoteError(`cannot list s3://${this.model.bucket}/${this.model.bucket_path}`, error);
      }
      for (const object of answer.Contents ?? [])
        if (object.Key?.endsWith('.tfstate'))
          files.push({
            envName: posix.basename(object.Key).slice(0, -'.tfstate'.length),
            lastModified: object.LastModified ?? new Date(0),
          });
      token = answer.IsTruncated ? answer.NextContinuationToken : undefined;
    } while (token);
    return files;
  }
}
