// gzip whose header never varies: no file name, mtime 0, OS byte 3 (Unix) on every host.
import { Transform, type TransformCallback } from 'node:stream';
import { constants, createGzip, gzipSync, type Gzip } from 'node:zlib';

export interface GzipOptions {
  /** zlib level 1-9; default 6 (zlib's default, a good speed/size balance). */
  level?: number;
}

/** Header layout (RFC 1952): magic(2) CM(1) FLG(1) MTIME(4) XFL(1) OS(1). */
const HEADER_LENGTH = 10;
const OS_UNIX = 3;

/**
 * Rewrites the 10-byte gzip header in place as it streams: MTIME zeroed and OS forced to Unix.
 * zlib already writes mtime 0 and no name; the OS byte, though, depends on the platform zlib was
 * built for (3 on Linux, 19 on macOS, 10 on Windows), which would change a layer's digest.
 */
export class FixedGzipHeader extends Transform {
  #offset = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.#offset < HEADER_LENGTH) {
      const copy = Buffer.from(chunk);
      for (let index = 0; index < copy.length && this.#offset + index < HEADER_LENGTH; index += 1) {
        const position = this.#offset + index;
        if (position === 3 && copy[index] !== 0) {
          callback(new Error('gzip header carries optional fields (name/comment/extra); refusing'));
          return;
        }
        if (position >= 4 && position <= 7) copy[index] = 0;
        if (position === 9) copy[index] = OS_UNIX;
      }
      this.#offset += chunk.length;
      callback(null, copy);
      return;
    }
    callback(null, chunk);
  }
}

/** A gzip compressor (node:zlib) for streams. Pipe its output through FixedGzipHeader. */
export function createLayerGzip(options: GzipOptions = {}): Gzip {
  return createGzip({ level: options.level ?? 6, strategy: constants.Z_DEFAULT_STRATEGY });
}

/** One-shot gzip with the fixed header, for small blobs and tests. */
export function gzipBytes(data: Uint8Array, options: GzipOptions = {}): Buffer {
  const out = gzipSync(data, { level: options.level ?? 6 });
  out.fill(0, 4, 8);
  out[9] = OS_UNIX;
  return out;
}

/** The fixed header fields of a gzip member, for tests and diagnostics. */
export function gzipHeader(data: Uint8Array): { flags: number; mtime: number; xfl: number; os: number } {
  if (data.length < HEADER_LENGTH || data[0] !== 0x1f || data[1] !== 0x8b) throw new Error('not gzip data');
  const view = Buffer.from(data.buffer, data.byteOffset, HEADER_LENGTH);
  return { flags: view[3] ?? 0, mtime: view.readUInt32LE(4), xfl: view[8] ?? 0, os: view[9] ?? 0 };
}
