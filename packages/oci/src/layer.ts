// A LayerTree written as a layer blob: tar -> diff_id hash -> gzip -> digest hash -> file.
import { createWriteStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DigestStream, type Digest } from './digest.js';
import { createLayerGzip, FixedGzipHeader, type GzipOptions } from './gzip.js';
import { MediaType } from './media-types.js';
import { packLayerTar, type TarOptions } from './tar.js';
import type { LayerTree } from './tree.js';

export interface LayerOptions extends TarOptions, GzipOptions {
  /** 'gzip' (default) or 'none' for an uncompressed tar layer. */
  compression?: 'gzip' | 'none';
}

export interface WrittenLayerBlob {
  mediaType: string;
  digest: Digest;
  size: number;
  diffId: Digest;
  /** Size of the uncompressed tar. */
  tarSize: number;
}

/** Compresses a tar stream into `file`, hashing both sides on the way. */
export async function writeTarAsLayerBlob(
  tar: Readable,
  file: string,
  options: Omit<LayerOptions, 'epoch'> = {},
): Promise<WrittenLayerBlob> {
  const uncompressed = new DigestStream();
  const stored = new DigestStream();
  if (options.compression === 'none') {
    await pipeline(tar, uncompressed, createWriteStream(file));
    const digest = uncompressed.digest();
    const size = uncompressed.size;
    return { mediaType: MediaType.ociLayer, digest, size, diffId: digest, tarSize: size };
  }
  await pipeline(
    tar,
    uncompressed,
    createLayerGzip(options),
    new FixedGzipHeader(),
    stored,
    createWriteStream(file),
  );
  return {
    mediaType: MediaType.ociLayerGzip,
    digest: stored.digest(),
    size: stored.size,
    diffId: uncompressed.digest(),
    tarSize: uncompressed.size,
  };
}

/** Writes `tree` as a deterministic (optionally gzipped) layer blob into `file`. */
export function writeLayerBlob(
  tree: LayerTree,
  file: string,
  options: LayerOptions = {},
): Promise<WrittenLayerBlob> {
  const { epoch, ...rest } = options;
  return writeTarAsLayerBlob(packLayerTar(tree, epoch === undefined ? {} : { epoch }), file, rest);
}
