// sha256 digests in the OCI `sha256:<hex>` form, for buffers and for streams passing through.
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { ConfigError } from '@hangar/resource-sdk';

/** An OCI content digest, always `sha256:` followed by 64 lowercase hex digits. */
export type Digest = `sha256:${string}`;

const DIGEST_PATTERN = /^sha256:[a-f0-9]{64}$/;

/** True when `value` is a well-formed sha256 digest. */
export function isDigest(value: string): value is Digest {
  return DIGEST_PATTERN.test(value);
}

/** Returns `value` as a Digest or throws a one-line error naming it. */
export function parseDigest(value: string): Digest {
  if (!isDigest(value)) throw new ConfigError(`not a sha256 digest: '${value}'`);
  return value;
}

/** The hex part of a digest, e.g. for `blobs/sha256/<hex>`. */
export function digestHex(digest: Digest): string {
  return digest.slice('sha256:'.length);
}

/** sha256 of a byte string as a Digest. */
export function sha256Digest(data: string | Uint8Array): Digest {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/**
 * A pass-through stream that hashes and counts every byte it forwards; read `digest()` and
 * `size` once the stream has finished.
 */
export class DigestStream extends Transform {
  #hash: Hash = createHash('sha256');
  #size = 0;
  #digest: Digest | undefined;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#hash.update(chunk);
    this.#size += chunk.length;
    callback(null, chunk);
  }

  get size(): number {
    return this.#size;
  }

  digest(): Digest {
    this.#digest ??= `sha256:${this.#hash.digest('hex')}`;
    return this.#digest;
  }
}
