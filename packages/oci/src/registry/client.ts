// A client for the OCI distribution API (registry v2) on plain fetch.
import { createReadStream, createWriteStream } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { Redactor } from '@hangar/resource-sdk';
import { DigestStream, sha256Digest, type Digest, isDigest } from '../digest.js';
import type { ImageIndex, ImageManifest } from '../manifest.js';
import { MANIFEST_TYPES } from '../media-types.js';
import { parseManifest } from './answers.js';
import { RegistryAuth, type Credentials } from './auth.js';
import { RegistryError, registryError } from './errors.js';

/** Blob content to upload: bytes in memory or a file on disk. */
export type BlobSource = Uint8Array | { path: string };

export interface RegistryClientOptions {
  /** `host[:port]` or a base URL (`http://127.0.0.1:5000`). A bare loopback host uses http, anything else https. */
  registry: string;
  credentials?: Credentials;
  /** Blobs larger than this are uploaded in PATCH chunks of this size; default: monolithic PUT. */
  chunkSize?: number;
  fetch?: typeof fetch;
}

export interface FetchedManifest {
  mediaType: string;
  digest: Digest;
  /** Exactly the bytes the registry served (their hash is the digest). */
  bytes: Buffer;
  /** The bytes as JSON, checked for what a pull walks: the config and layers, or the manifests. */
  manifest: ImageManifest | ImageIndex;
}

export type BlobOutcome = 'exists' | 'mounted' | 'uploaded';

interface RequestOptions {
  scope: string;
  headers?: Record<string, string>;
  body?: Uint8Array | Readable;
  /** What the log line calls this request. */
  what: string;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/;

function baseUrl(registry: string): URL {
  if (/^https?:\/\//.test(registry)) {
    const url = new URL(registry);
    url.username = '';
    url.password = '';
    return url;
  }
  return new URL(`${LOOPBACK.test(registry) ? 'http' : 'https'}://${registry}`);
}

const pullScope = (repository: string) => `repository:${repository}:pull`;
const pushScope = (repository: string) => `repository:${repository}:pull,push`;

export class RegistryClient {
  readonly registry: string;
  readonly #base: URL;
  readonly #auth: RegistryAuth;
  /** Scrubs the password and every token from bodies quoted in errors. */
  readonly #redactor: Redactor;
  readonly #fetch: typeof fetch;
  readonly #chunkSize: number | undefined;
  /** Bytes sent in blob uploads so far (mounts and existing blobs send none). */
  bytesUploaded = 0;

  constructor(options: RegistryClientOptions) {
    this.#base = baseUrl(options.registry);
    this.registry = this.#base.host;
    this.#fetch = options.fetch ?? fetch;
    this.#redactor = Redactor.fromConfig({ credentials: options.credentials });
    this.#auth = new RegistryAuth(this.registry, options.credentials, this.#fetch, this.#redactor);
    this.#chunkSize = options.chunkSize;
  }

  /** GET /v2/: succeeds when the registry answers and our credentials (if any) are accepted. */
  async ping(): Promise<void> {
    const response = await this.#request('GET', '/v2/', { scope: '', what: 'GET /v2/' });
    await response.body?.cancel();
    if (!response.ok) throw await registryError(this.registry, 'GET /v2/', response);
  }

  async hasBlob(repository: string, digest: Digest, scope = pullScope(repository)): Promise<boolean> {
    const what = `HEAD blob ${digest} in ${repository}`;
    const response = await this.#request('HEAD', `/v2/${repository}/blobs/${digest}`, { scope, what });
    if (response.status === 404) return false;
    if (response.ok) return true;
    throw await registryError(this.registry, what, response);
  }

  /**
   * Makes `digest` present in `repository`: nothing if it is there, a cross-repository mount
   * from the first of `mountFrom` that has it, else an upload.
   */
  async pushBlob(
    repository: string,
    digest: Digest,
    source: BlobSource,
    mountFrom: readonly string[] = [],
  ): Promise<BlobOutcome> {
    // Asking with the push scope up front means one token serves the whole push.
    if (await this.hasBlob(repository, digest, pushScope(repository))) return 'exists';
    let location: string | undefined;
    for (const from of mountFrom) {
      if (from === repository) continue;
      const query = new URLSearchParams({ mount: digest, from });
      const what = `mount ${digest} from ${from} into ${repository}`;
      const scope = `${pushScope(repository)} ${pullScope(from)}`;
      const response = await this.#request('POST', `/v2/${repository}/blobs/uploads/?${query.toString()}`, {
        scope,
        what,
      });
      await response.body?.cancel();
      if (response.status === 201) return 'mounted';
      if (response.status !== 202) throw await registryError(this.registry, what, response);
      location = response.headers.get('location') ?? undefined; // the registry opened an upload instead
      if (location) break;
    }
    location ??= await this.#startUpload(repository);
    await this.#upload(repository, digest, source, location);
    return 'uploaded';
  }

  async #startUpload(repository: string): Promise<string> {
    const what = `start upload to ${repository}`;
    const response = await this.#request('POST', `/v2/${repository}/blobs/uploads/`, {
      scope: pushScope(repository),
      what,
    });
    await response.body?.cancel();
    const location = response.headers.get('location');
    if (response.status !== 202 || !location) throw await registryError(this.registry, what, response);
    return location;
  }

  async #upload(
    repository: string,
    digest: Digest,
    source: BlobSource,
    startLocation: string,
  ): Promise<void> {
    const size = source instanceof Uint8Array ? source.byteLength : (await stat(source.path)).size;
    let location = startLocation;
    const scope = pushScope(repository);
    const octets = { 'content-type': 'application/octet-stream' };
    if (this.#chunkSize && size > this.#chunkSize) {
      for (let offset = 0; offset < size; offset += this.#chunkSize) {
        const chunk = await readRange(source, offset, Math.min(this.#chunkSize, size - offset));
        const what = `upload chunk ${offset}-${offset + chunk.length - 1} of ${digest} to ${repository}`;
        const response = await this.#request('PATCH', location, {
          scope,
          what,
          body: chunk,
          headers: {
            ...octets,
            'content-length': String(chunk.length),
            'content-range': `${offset}-${offset + chunk.length - 1}`,
          },
        });
        await response.body?.cancel();
        if (response.status !== 202) throw await registryError(this.registry, what, response);
        location = response.headers.get('location') ?? location;
        this.bytesUploaded += chunk.length;
      }
      await this.#finishUpload(location, digest, repository, Buffer.alloc(0));
      return;
    }
    const body = source instanceof Uint8Array ? source : createReadStream(source.path);
    await this.#finishUpload(location, digest, repository, body, size);
    this.bytesUploaded += size;
  }

  async #finishUpload(
    location: string,
    digest: Digest,
    repository: string,
    body: Uint8Array | Readable,
    size?: number,
  ): Promise<void> {
    const url = new URL(location, this.#base);
    url.searchParams.set('digest', digest);
    const what = `upload ${digest} to ${repository}`;
    const length = size ?? (body instanceof Uint8Array ? body.byteLength : 0);
    const response = await this.#request('PUT', url.toString(), {
      scope: pushScope(repository),
      what,
      body,
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(length) },
    });
    await response.body?.cancel();
    if (response.status !== 201) throw await registryError(this.registry, what, response);
    const stored = response.headers.get('docker-content-digest');
    if (stored && stored !== digest)
      throw new RegistryError(`registry ${this.registry}: stored ${digest} as ${stored}`, response.status);
  }

  /** PUT a manifest under a tag or its digest; returns the digest the registry confirmed. */
  async putManifest(
    repository: string,
    reference: string,
    bytes: Uint8Array,
    mediaType: string,
  ): Promise<Digest> {
    const digest = sha256Digest(bytes);
    const what = `PUT manifest ${repository}:${reference}`;
    const response = await this.#request('PUT', `/v2/${repository}/manifests/${reference}`, {
      scope: pushScope(repository),
      what,
      body: bytes,
      headers: { 'content-type': mediaType },
    });
    await response.body?.cancel();
    if (response.status !== 201) throw await registryError(this.registry, what, response);
    const confirmed = response.headers.get('docker-content-digest');
    if (confirmed && confirmed !== digest) {
      throw new RegistryError(
        `registry ${this.registry}: ${what} stored digest ${confirmed}, expected ${digest}`,
        response.status,
      );
    }
    return digest;
  }

  /** GET a manifest (OCI or Docker, image or index) by tag or digest, verifying its digest. */
  async getManifest(repository: string, reference: string): Promise<FetchedManifest> {
    const what = `GET manifest ${repository}:${reference}`;
    const response = await this.#request('GET', `/v2/${repository}/manifests/${reference}`, {
      scope: pullScope(repository),
      what,
      headers: { accept: MANIFEST_TYPES.join(', ') },
    });
    if (!response.ok) throw await registryError(this.registry, what, response);
    const bytes = Buffer.from(await response.arrayBuffer());
    const digest = sha256Digest(bytes);
    const expected = isDigest(reference) ? reference : response.headers.get('docker-content-digest');
    if (expected && expected !== digest) {
      throw new RegistryError(
        `registry ${this.registry}: ${what}: content hashes to ${digest}, expected ${expected}`,
        response.status,
      );
    }
    const { mediaType, manifest } = parseManifest(response.headers.get('content-type'), {
      registry: this.registry,
      what,
      status: response.status,
      text: bytes.toString('utf8'),
      redactor: this.#redactor,
    });
    return { mediaType, digest, bytes, manifest };
  }

  /** Downloads a blob into memory, verifying its digest. */
  async getBlob(repository: string, digest: Digest): Promise<Buffer> {
    const response = await this.#getBlobResponse(repository, digest);
    const bytes = Buffer.from(await response.arrayBuffer());
    const actual = sha256Digest(bytes);
    if (actual !== digest)
      throw new RegistryError(
        `registry ${this.registry}: blob ${digest} in ${repository} hashes to ${actual}`,
        200,
      );
    return bytes;
  }

  /** Streams a blob to `file` (via a temp sibling), verifying its digest before it lands. */
  async downloadBlob(repository: string, digest: Digest, file: string): Promise<number> {
    const response = await this.#getBlobResponse(repository, digest);
    const temp = `${file}.partial`;
    const hashed = new DigestStream();
    try {
      await pipeline(
        Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
        hashed,
        createWriteStream(temp),
      );
      if (hashed.digest() !== digest) {
        throw new RegistryError(
          `registry ${this.registry}: blob ${digest} in ${repository} hashes to ${hashed.digest()}`,
          200,
        );
      }
      await rename(temp, file);
      return hashed.size;
    } finally {
      await rm(temp, { force: true });
    }
  }

  async #getBlobResponse(repository: string, digest: Digest): Promise<Response> {
    const what = `GET blob ${digest} from ${repository}`;
    const response = await this.#request('GET', `/v2/${repository}/blobs/${digest}`, {
      scope: pullScope(repository),
      what,
    });
    if (!response.ok || !response.body) throw await registryError(this.registry, what, response);
    return response;
  }

  /** One request, retried once after answering a 401 challenge when the body can be replayed. */
  async #request(method: string, pathOrUrl: string, options: RequestOptions): Promise<Response> {
    const url = new URL(pathOrUrl, this.#base);
    const replayable = !(options.body instanceof Readable);
    for (let attempt = 0; ; attempt += 1) {
      const headers: Record<string, string> = { ...options.headers };
      const authorization = this.#auth.header(options.scope);
      if (authorization) headers['authorization'] = authorization;
      const init: RequestInit & { duplex?: 'half' } = { method, headers, redirect: 'follow' };
      if (options.body instanceof Readable) {
        init.body = Readable.toWeb(options.body) as ReadableStream<Uint8Array>;
        init.duplex = 'half';
      } else if (options.body) {
        init.body = options.body;
      }
      let response: Response;
      try {
        response = await this.#fetch(url, init);
      } catch (error) {
        const reason =
          error instanceof Error
            ? ((error.cause as Error | undefined)?.message ?? error.message)
            : String(error);
        throw new RegistryError(
          `registry ${this.registry}: ${options.what} failed: ${reason}`,
          0,
          undefined,
          { cause: error },
        );
      }
      if (response.status !== 401 || attempt > 0 || !replayable) return response;
      await response.body?.cancel();
      if (!(await this.#auth.answer(response, options.scope))) return response;
    }
  }
}

async function readRange(source: BlobSource, offset: number, length: number): Promise<Buffer> {
  if (source instanceof Uint8Array) return Buffer.from(source.buffer, source.byteOffset + offset, length);
  const handle = await open(source.path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, offset);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
