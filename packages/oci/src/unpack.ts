// Applies image layers to a rootfs directory without ever writing outside it.
import { createWriteStream } from 'node:fs';
import { chmod, lchown, link, lstat, mkdir, readdir, realpath, rm, stat, symlink } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import type { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { ConfigError, isInside, resolveInside } from '@hangar/resource-sdk';
import { extract, type Header } from 'tar-stream';
import { DigestStream, type Digest } from './digest.js';
import type { OciLayout } from './layout.js';
import { DEFAULT_PLATFORM, type ImageConfig, type Platform } from './manifest.js';
import { layerCompression } from './media-types.js';
import { readImage } from './image.js';

const WHITEOUT_PREFIX = '.wh.';
const OPAQUE_WHITEOUT = '.wh..wh..opq';

export interface UnpackedEntry {
  path: string;
  type: 'file' | 'directory' | 'symlink' | 'hardlink';
  mode: number;
  uid: number;
  gid: number;
  linkTarget?: string;
}

export interface UnpackOptions {
  /**
   * 'ignore' (default): files belong to whoever unpacks. 'preserve': lchown to the tar's uid/gid
   * (needs root), as a container runtime expects.
   */
  ownership?: 'ignore' | 'preserve';
}

/**
 * State shared by the layers of one image: the resulting entries (after whiteouts) and the
 * directory modes, applied at the end so read-only directories do not block later layers.
 */
export class Rootfs {
  readonly entries = new Map<string, UnpackedEntry>();
  /** Entries skipped because a rootfs cannot hold them (devices, fifos). */
  readonly skipped: string[] = [];
  readonly #directoryModes = new Map<string, number>();

  private constructor(
    readonly root: string,
    readonly options: UnpackOptions,
  ) {}

  static async create(root: string, options: UnpackOptions = {}): Promise<Rootfs> {
    await mkdir(root, { recursive: true });
    return new Rootfs(await realpath(root), options);
  }

  /**
   * Applies one layer: `source` piped through `through` (e.g. gunzip, hashing) must yield an
   * uncompressed tar.
   */
  async applyLayer(source: Readable, ...through: Transform[]): Promise<void> {
    const writtenHere = new Set<string>();
    const extractor = extract();
    const consume = async () => {
      try {
        for await (const entry of extractor) {
          try {
            await this.#applyEntry(entry.header, entry as unknown as NodeJS.ReadableStream, writtenHere);
          } finally {
            entry.resume();
          }
        }
      } catch (error) {
        extractor.destroy(error as Error);
        throw error;
      }
    };
    await Promise.all([pipeline([source, ...through, extractor]), consume()]);
  }

  /** Sets the final directory modes; call once after the last layer. */
  async finish(): Promise<void> {
    const paths = [...this.#directoryModes.keys()].sort((a, b) => b.length - a.length);
    for (const path of paths) await chmod(join(this.root, path), this.#directoryModes.get(path) ?? 0o755);
  }

  #refuse(name: string, why: string): ConfigError {
    return new ConfigError(`refusing layer entry '${name}': ${why}`);
  }

  /** Relative, normalised path for an untrusted entry name; refuses absolute paths and '..'. */
  #relativePath(name: string): string {
    try {
      return relative(this.root, resolveInside(this.root, name));
    } catch (error) {
      throw this.#refuse(name, error instanceof Error ? error.message : String(error));
    }
  }

  /**
   * The host directory that holds `path`, creating missing parents. A symlinked parent is
   * followed only when it resolves inside the root; anything else is refused.
   */
  async #parentDirectory(path: string, name: string, create = true): Promise<string> {
    let current = this.root;
    const parts = path.split('/').slice(0, -1);
    for (const part of parts) {
      const next = join(current, part);
      const stats = await lstat(next).catch(() => undefined);
      if (!stats) {
        if (!create) throw this.#refuse(name, `'${relative(this.root, next)}' does not exist`);
        await mkdir(next, { mode: 0o755 });
        current = next;
      } else if (stats.isDirectory()) {
        current = next;
      } else if (stats.isSymbolicLink()) {
        const real = await realpath(next).catch(() => undefined);
        if (!real || !isInside(this.root, real) || !(await stat(real)).isDirectory()) {
          throw this.#refuse(
            name,
            `it would be written through symlink '${relative(this.root, next)}', which leads outside the rootfs`,
          );
        }
        current = real;
      } else {
        throw this.#refuse(name, `'${relative(this.root, next)}' is not a directory`);
      }
    }
    return current;
  }

  #forget(path: string): void {
    this.entries.delete(path);
    this.#directoryModes.delete(path);
    for (const key of [...this.entries.keys()]) if (key.startsWith(`${path}/`)) this.entries.delete(key);
    for (const key of [...this.#directoryModes.keys()])
      if (key.startsWith(`${path}/`)) this.#directoryModes.delete(key);
  }

  async #applyEntry(header: Header, body: NodeJS.ReadableStream, writtenHere: Set<string>): Promise<void> {
    const path = this.#relativePath(header.name);
    if (path === '') return; // the root itself ('./')
    const leaf = basename(path);
    if (leaf.startsWith(WHITEOUT_PREFIX)) {
      await this.#whiteout(path, leaf, header.name, writtenHere);
      return;
    }
    const parent = await this.#parentDirectory(path, header.name);
    const target = join(parent, leaf);
    const logicalPath = relative(this.root, target);
    const existing = await lstat(target).catch(() => undefined);
    const mode = (header.mode ?? 0o644) & 0o7777;
    const recorded = { path: logicalPath, mode, uid: header.uid ?? 0, gid: header.gid ?? 0 };

    if (header.type === 'directory') {
      if (existing && !existing.isDirectory()) await rm(target, { force: true });
      if (!existing?.isDirectory()) await mkdir(target, { mode: 0o755 });
      this.#directoryModes.set(logicalPath, mode);
      this.entries.set(logicalPath, { ...recorded, type: 'directory' });
    } else {
      // Replace, never write into, whatever is there: an existing symlink is removed, not followed.
      if (existing) {
        this.#forget(logicalPath);
        await rm(target, { recursive: true, force: true });
      }
      if (header.type === 'file' || header.type === 'contiguous-file') {
        await pipeline(body, createWriteStream(target, { flags: 'wx', mode: 0o600 }));
        await chmod(target, mode);
        this.entries.set(logicalPath, { ...recorded, type: 'file' });
      } else if (header.type === 'symlink') {
        await symlink(header.linkname ?? '', target);
        this.entries.set(logicalPath, { ...recorded, type: 'symlink', linkTarget: header.linkname ?? '' });
      } else if (header.type === 'link') {
        const source = await this.#hardlinkSource(header);
        await link(source, target);
        this.entries.set(logicalPath, {
          ...recorded,
          type: 'hardlink',
          linkTarget: relative(this.root, source),
        });
      } else {
        this.skipped.push(logicalPath);
        return;
      }
    }
    if (this.options.ownership === 'preserve') await lchown(target, header.uid ?? 0, header.gid ?? 0);
    writtenHere.add(logicalPath);
  }

  async #hardlinkSource(header: Header): Promise<string> {
    const linkPath = this.#relativePath(header.linkname ?? '');
    if (linkPath === '') throw this.#refuse(header.name, 'hardlink to the rootfs itself');
    const parent = await this.#parentDirectory(linkPath, header.name, false);
    const source = join(parent, basename(linkPath));
    const stats = await lstat(source).catch(() => undefined);
    if (!stats) throw this.#refuse(header.name, `hardlink target '${header.linkname}' does not exist`);
    if (stats.isDirectory())
      throw this.#refuse(header.name, `hardlink target '${header.linkname}' is a directory`);
    return source;
  }

  async #whiteout(path: string, leaf: string, name: string, writtenHere: Set<string>): Promise<void> {
    const parentPath = dirname(path) === '.' ? '' : dirname(path);
    const exists = await lstat(join(this.root, parentPath)).catch(() => undefined);
    if (!exists) return; // nothing below to hide
    const parent = parentPath ? await this.#parentDirectory(`${parentPath}/x`, name, false) : this.root;
    if (leaf === OPAQUE_WHITEOUT) {
      await this.#clearLower(parent, writtenHere);
      return;
    }
    const hidden = leaf.slice(WHITEOUT_PREFIX.length);
    if (hidden === '' || hidden === '.' || hidden === '..') throw this.#refuse(name, 'malformed whiteout');
    const target = join(parent, hidden);
    this.#forget(relative(this.root, target));
    await rm(target, { recursive: true, force: true });
  }

  /** Opaque directory: drop everything that came from lower layers, keep this layer's entries. */
  async #clearLower(directory: string, writtenHere: Set<string>): Promise<void> {
    for (const child of await readdir(directory)) {
      const full = join(directory, child);
      const path = relative(this.root, full);
      if (!writtenHere.has(path)) {
        this.#forget(path);
        await rm(full, { recursive: true, force: true });
      } else if ((await lstat(full)).isDirectory()) {
        await this.#clearLower(full, writtenHere);
      }
    }
  }
}

/** The decompression step for a stored layer blob, by media type (none for plain tar). */
export function layerDecompressor(mediaType: string): Transform[] {
  const compression = layerCompression(mediaType);
  if (compression === 'zstd') throw new ConfigError(`zstd layers are not supported (${mediaType})`);
  return compression === 'gzip' ? [createGunzip()] : [];
}

export interface UnpackedImage {
  rootfs: Rootfs;
  config: ImageConfig;
  manifestDigest: Digest;
}

/**
 * Unpacks an image from a layout into `destination`, base layer first, checking each blob's
 * digest and each layer's diff_id as it streams.
 */
export async function unpackImage(
  layout: OciLayout,
  reference: string | undefined,
  destination: string,
  options: UnpackOptions & { platform?: Platform } = {},
): Promise<UnpackedImage> {
  const image = await readImage(layout, reference, options.platform ?? DEFAULT_PLATFORM);
  const rootfs = await Rootfs.create(destination, options);
  for (const [index, layer] of image.manifest.layers.entries()) {
    const stored = new DigestStream();
    const uncompressed = new DigestStream();
    await rootfs.applyLayer(
      layout.openBlob(layer.digest),
      stored,
      ...layerDecompressor(layer.mediaType),
      uncompressed,
    );
    if (stored.digest() !== layer.digest) {
      throw new ConfigError(
        `layer ${index} is corrupt: blob hashes to ${stored.digest()}, manifest says ${layer.digest}`,
      );
    }
    const expected = image.config.rootfs.diff_ids[index];
    if (uncompressed.digest() !== expected) {
      throw new ConfigError(
        `layer ${index} (${layer.digest}): diff_id ${uncompressed.digest()} does not match the config's ${expected}`,
      );
    }
  }
  await rootfs.finish();
  return { rootfs, config: image.config, manifestDigest: image.descriptor.digest };
}
