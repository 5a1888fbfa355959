// The `gcs` driver: the version is the body of one Google Cloud Storage object, read and written
// through the JSON API with the reference's object shape (the bare version, `text/plain;
// charset=utf-8`, `Cache-Control: private`). The reference reads, then overwrites; here a bump
// writes with `ifGenerationMatch` on the generation it read (0: the object must still be missing),
// so a concurrent bump makes ours fail with 412 and we read again instead of losing the other one.
import { randomUUID } from 'node:crypto';
import { ConfigError, RemoteError, withRetry } from '@hangar/resource-sdk';
import type { Source } from '../source.js';
import { formatVersion, tryParseVersion, type Version } from '../version.js';
import { WriteConflict, bumpConditionally } from './conditional-write.js';
import { type AccessToken, gcsAccessToken, networkCause } from './gcs-auth.js';
import { requireField } from './git-session.js';
import type { DriverContext, VersionStore } from './types.js';

const GOOGLE_STORAGE = 'https://storage.googleapis.com';
/** The generation `ifGenerationMatch` takes for "no live object". */
const MISSING = '0';
/** Attempts of one request that keeps failing transiently (first one included). */
const REQUEST_ATTEMPTS = 4;
/** Statuses worth another attempt, as the Go client retries them. */
const TRANSIENT = new Set([408, 429, 500, 502, 503, 504]);

/** A failure another attempt may not see: a 5xx, a rate limit, a dropped connection. */
class TransientError extends RemoteError {}

interface StoredObject {
  /** The trimmed body, undefined when the object does not exist. */
  text: string | undefined;
  generation: string;
}

export class GcsStore implements VersionStore {
  private constructor(
    private readonly api: string,
    private readonly accessToken: AccessToken,
    private readonly bucket: string,
    private readonly key: string,
    private readonly context: DriverContext,
  ) {}

  static open(source: Source, context: DriverContext): GcsStore {
    const accessToken = gcsAccessToken(source);
    const bucket = requireField(source.bucket, 'bucket', 'gcs');
    const key = requireField(source.key, 'key', 'gcs');
    return new GcsStore(apiBase(source.gcs_endpoint), accessToken, bucket, key, context);
  }

  [Symbol.asyncDispose](): Promise<void> {
    return Promise.resolve();
  }

  private get where(): string {
    return `gs://${this.bucket}/${this.key}`;
  }

  /** One JSON API call, again on transient failures; any other failure names the call and status. */
  private send(method: 'GET' | 'POST', url: string, init: RequestInit = {}): Promise<Response> {
    const what = `${method} ${this.where}`;
    return withRetry(
      async () => {
        const token = await this.accessToken(this.context.signal);
        let response: Response;
        try {
          response = await fetch(url, {
            ...init,
            method,
            headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` },
            signal: this.context.signal,
          });
        } catch (error) {
          if (this.context.signal.aborted) throw error;
          throw new TransientError(`${what}: cannot reach ${new URL(url).origin}: ${networkCause(error)}`);
        }
        if (response.ok || response.status === 404 || response.status === 412) return response;
        const failure = `${what} answered ${response.status}${await errorReason(response)}`;
        throw TRANSIENT.has(response.status) ? new TransientError(failure) : new RemoteError(failure);
      },
      {
        retries: REQUEST_ATTEMPTS - 1,
        minDelayMs: 200,
        signal: this.context.signal,
        shouldRetry: (error) => error instanceof TransientError,
        onRetry: (error, attempt) =>
          this.context.log.info(`${(error as Error).message}; retrying (${attempt + 1}/${REQUEST_ATTEMPTS})`),
      },
    );
  }

  private async read(): Promise<StoredObject> {
    const path = `${this.api}/storage/v1/b/${encodeURIComponent(this.bucket)}/o/${encodeURIComponent(this.key)}`;
    const response = await this.send('GET', `${path}?alt=media`);
    // A missing bucket answers 404 too; like the reference, that reads as "no version yet".
    if (response.status === 404) {
      await response.body?.cancel();
      return { text: undefined, generation: MISSING };
    }
    const generation = response.headers.get('x-goog-generation');
    if (!generation) {
      await response.body?.cancel();
      throw new RemoteError(`GET ${this.where} answered without an x-goog-generation header`);
    }
    return { text: (await response.text()).trim(), generation };
  }

  private current(stored: StoredObject): Version {
    // An empty object: the initial version (the reference fails to parse it), as the s3 driver does.
    if (!stored.text) return this.context.initial;
    const parsed = tryParseVersion(stored.text);
    if (!parsed) {
      const quoted = stored.text.replace(/\s+/g, ' ').slice(0, 100);
      throw new RemoteError(`${this.where} holds '${quoted}', which is not a semantic version`);
    }
    return parsed;
  }

  /** Stores `version`; with `generation`, only if the object is still at that generation. */
  private async write(version: Version, generation?: string): Promise<void> {
    const query = new URLSearchParams({ uploadType: 'multipart' });
    if (generation !== undefined) query.set('ifGenerationMatch', generation);
    const url = `${this.api}/upload/storage/v1/b/${encodeURIComponent(this.bucket)}/o?${query.toString()}`;
    const boundary = `hangar-${randomUUID()}`;
    const metadata = { name: this.key, contentType: 'text/plain; charset=utf-8', cacheControl: 'private' };
    const body = [
      `--${boundary}`,
      'content-type: application/json; charset=utf-8',
      '',
      JSON.stringify(metadata),
      `--${boundary}`,
      `content-type: ${metadata.contentType}`,
      '',
      formatVersion(version),
      `--${boundary}--`,
      '',
    ].join('\r\n');
    const response = await this.send('POST', url, {
      headers: { 'content-type': `multipart/related; boundary=${boundary}` },
      body,
    });
    await response.body?.cancel();
    if (response.status === 412) throw new WriteConflict(`${this.where} changed while bumping`);
    if (response.status === 404)
      throw new RemoteError(`cannot write ${this.where}: the bucket does not exist`);
  }

  async check(cursor: Version | undefined): Promise<Version[]> {
    const stored = await this.read();
    if (stored.text === undefined) return cursor ? [] : [this.context.initial];
    return [this.current(stored)];
  }

  async set(version: Version): Promise<void> {
    await this.write(version);
    this.context.log.info(`stored ${formatVersion(version)} in ${this.where}`);
  }

  bump(next: (current: Version) => Version): Promise<Version> {
    const read = async () => {
      const stored = await this.read();
      return { current: this.current(stored), revision: stored.generation };
    };
    const writeIf = (version: Version, generation: string) => this.write(version, generation);
    return bumpConditionally({ where: this.where, read, writeIf }, this.context, next);
  }
}

/** `gcs_endpoint` (ours, for emulators and private endpoints) or Google's, without a trailing `/`. */
function apiBase(endpoint: string | undefined): string {
  if (!endpoint) return GOOGLE_STORAGE;
  const url = URL.parse(endpoint);
  if (!url || !/^https?:$/.test(url.protocol) || url.username || url.password)
    throw new ConfigError('source.gcs_endpoint must be an http(s) URL without credentials');
  return url.href.replace(/\/+$/, '');
}

/** ": <message>" from a JSON API error body (`{"error": {"message": …}}`), or nothing. */
async function errorReason(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const message = (JSON.parse(text) as { error?: { message?: unknown } }).error?.message;
    if (typeof message === 'string' && message) return `: ${message.replace(/\s+/g, ' ').slice(0, 200)}`;
  } catch {
    // not JSON: the status says enough
  }
  return '';
}
