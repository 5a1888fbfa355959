// An OCI image layout directory: oci-layout, index.json and content-addressed blobs/sha256/*.
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { ConfigError, writeFileAtomic } from '@hangar/resource-sdk';
import { canonicalJson, canonicalJsonBytes } from './canonical-json.js';
import { digestHex, isDigest, sha256Digest, type Digest } from './digest.js';
import { writeLayerBlob, writeTarAsLayerBlob, type LayerOptions } from './layer.js';
import type { Descriptor, ImageIndex, Layer } from './manifest.js';
import { MediaType } from './media-types.js';
import type { LayerTree } from './tree.js';

/** The annotation that names a manifest in index.json: the layout's "tag". */
export const REF_NAME = 'org.opencontainers.image.ref.name';

const LAYOUT_FILE = { imageLayoutVersion: '1.0.0' };

function emptyIndex(): ImageIndex {
  return { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [] };
}

/** Orders index.json entries by ref name, then digest, so the file does not depend on call order. */
function sortDescriptors(manifests: Descriptor[]): Descriptor[] {
  const key = (descriptor: Descriptor) => `${descriptor.annotations?.[REF_NAME] ?? ''}\0${descriptor.digest}`;
  return [...manifests].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

export class OciLayout {
  private constructor(readonly dir: string) {}

  /** Creates the layout (or opens an existing one): oci-layout, an empty index.json, blobs/sha256. */
  static async create(dir: string): Promise<OciLayout> {
    await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
    const layout = new OciLayout(dir);
    const existing = await readFile(join(dir, 'oci-layout'), 'utf8').catch(() => undefined);
    if (existing === undefined) await writeFileAtomic(join(dir, 'oci-layout'), canonicalJson(LAYOUT_FILE));
    else await OciLayout.open(dir);
    if (!(await stat(join(dir, 'index.json')).catch(() => undefined))) await layout.#writeIndex(emptyIndex());
    return layout;
  }

  /** Opens an existing layout, checking its oci-layout version. */
  static async open(dir: string): Promise<OciLayout> {
    const text = await readFile(join(dir, 'oci-layout'), 'utf8').catch((error: unknown) => {
      throw new ConfigError(`${dir} is not an OCI image layout (no oci-layout file)`, { cause: error });
    });
    const version = (JSON.parse(text) as { imageLayoutVersion?: unknown }).imageLayoutVersion;
    if (version !== '1.0.0')
      throw new ConfigError(`${dir}: unsupported imageLayoutVersion ${String(version)}`);
    return new OciLayout(dir);
  }

  blobPath(digest: Digest): string {
    if (!isDigest(digest)) throw new ConfigError(`not a sha256 digest: '${String(digest)}'`);
    return join(this.dir, 'blobs', 'sha256', digestHex(digest));
  }

  async hasBlob(digest: Digest): Promise<boolean> {
    return (await stat(this.blobPath(digest)).catch(() => undefined))?.isFile() ?? false;
  }

  /** A temp path inside the blob directory, so the final rename never crosses file systems. */
  tempBlobPath(): string {
    return join(this.dir, 'blobs', 'sha256', `.tmp-${randomBytes(8).toString('hex')}`);
  }

  /** Moves a finished temp file into place under its digest (or drops it if the blob exists). */
  async commitBlob(tempFile: string, digest: Digest): Promise<void> {
    if (await this.hasBlob(digest)) await rm(tempFile, { force: true });
    else await rename(tempFile, this.blobPath(digest));
  }

  /** Stores bytes as a blob and returns its descriptor. */
  async writeBlob(data: Uint8Array, mediaType: string): Promise<Descriptor> {
    const digest = sha256Digest(data);
    if (!(await this.hasBlob(digest))) await writeFileAtomic(this.blobPath(digest), data);
    return { mediaType, digest, size: data.byteLength };
  }

  /** Stores a value as canonical JSON (sorted keys, no whitespace). */
  writeJson(value: unknown, mediaType: string): Promise<Descriptor> {
    return this.writeBlob(canonicalJsonBytes(value), mediaType);
  }

  /** Writes a LayerTree as a deterministic layer blob. */
  async addLayer(tree: LayerTree, options: LayerOptions & { createdBy?: string } = {}): Promise<Layer> {
    const temp = this.tempBlobPath();
    try {
      const written = await writeLayerBlob(tree, temp, options);
      await this.commitBlob(temp, written.digest);
      return this.#layer(written, options.createdBy);
    } finally {
      await rm(temp, { force: true });
    }
  }

  /** Adds an existing tar stream (already deterministic) as a layer blob. */
  async addTarLayer(tar: Readable, options: LayerOptions & { createdBy?: string } = {}): Promise<Layer> {
    const temp = this.tempBlobPath();
    try {
      const written = await writeTarAsLayerBlob(tar, temp, options);
      await this.commitBlob(temp, written.digest);
      return this.#layer(written, options.createdBy);
    } finally {
      await rm(temp, { force: true });
    }
  }

  #layer(
    written: { mediaType: string; digest: Digest; size: number; diffId: Digest },
    createdBy?: string,
  ): Layer {
    const layer: Layer = {
      descriptor: { mediaType: written.mediaType, digest: written.digest, size: written.size },
      diffId: written.diffId,
    };
    if (createdBy !== undefined) layer.createdBy = createdBy;
    return layer;
  }

  /** Reads a blob and checks that its bytes still hash to its name. */
  async readBlob(digest: Digest): Promise<Buffer> {
    const data = await readFile(this.blobPath(digest)).catch((error: unknown) => {
      throw new ConfigError(`blob ${digest} is missing from ${this.dir}`, { cause: error });
    });
    const actual = sha256Digest(data);
    if (actual !== digest)
      throw new ConfigError(`blob ${digest} in ${this.dir} is corrupt: its content hashes to ${actual}`);
    return data;
  }

  /** Streams a blob (unverified; use DigestStream when it matters). */
  openBlob(digest: Digest): Readable {
    return createReadStream(this.blobPath(digest));
  }

  async readJson<T>(digest: Digest): Promise<T> {
    return JSON.parse((await this.readBlob(digest)).toString('utf8')) as T;
  }

  async readIndex(): Promise<ImageIndex> {
    const text = await readFile(join(this.dir, 'index.json'), 'utf8');
    return JSON.parse(text) as ImageIndex;
  }

  /** Ref names (tags) in index.json, sorted. */
  async tags(): Promise<string[]> {
    const index = await this.readIndex();
    return index.manifests.flatMap((descriptor) => descriptor.annotations?.[REF_NAME] ?? []).sort();
  }

  /**
   * Points `refName` at `descriptor` in index.json, replacing whatever held that name. A
   * descriptor added without a name is listed once, untagged.
   */
  async tag(refName: string | undefined, descriptor: Descriptor): Promise<void> {
    const index = await this.readIndex();
    const annotations = { ...descriptor.annotations };
    if (refName !== undefined) annotations[REF_NAME] = refName;
    const entry: Descriptor = { ...descriptor, annotations };
    if (!Object.keys(annotations).length) delete entry.annotations;
    const kept = index.manifests.filter((existing) => {
      const name = existing.annotations?.[REF_NAME];
      return refName === undefined
        ? name !== undefined || existing.digest !== descriptor.digest
        : name !== refName;
    });
    await this.#writeIndex({ ...index, manifests: sortDescriptors([...kept, entry]) });
  }

  /** Removes a ref name from index.json (the blobs stay). */
  async untag(refName: string): Promise<boolean> {
    const index = await this.readIndex();
    const kept = index.manifests.filter((descriptor) => descriptor.annotations?.[REF_NAME] !== refName);
    if (kept.length === index.manifests.length) return false;
    await this.#writeIndex({ ...index, manifests: kept });
    return true;
  }

  /**
   * Finds the index.json descriptor for a ref name or a digest. Without a reference, the layout
   * must hold exactly one manifest.
   */
  async resolve(reference?: string): Promise<Descriptor> {
    const { manifests } = await this.readIndex();
    if (reference === undefined) {
      if (manifests.length === 1 && manifests[0]) return manifests[0];
      throw new ConfigError(
        `${this.dir} holds ${manifests.length} manifests; name one (tags: ${(await this.tags()).join(', ') || 'none'})`,
      );
    }
    const found = isDigest(reference)
      ? manifests.find((descriptor) => descriptor.digest === reference)
      : manifests.find((descriptor) => descriptor.annotations?.[REF_NAME] === reference);
    if (found) return found;
    if (isDigest(reference) && (await this.hasBlob(reference))) {
      const data = await this.readBlob(reference);
      const { mediaType } = JSON.parse(data.toString('utf8')) as { mediaType?: string };
      return { mediaType: mediaType ?? MediaType.ociManifest, digest: reference, size: data.length };
    }
    throw new ConfigError(
      `no image '${reference}' in ${this.dir} (tags: ${(await this.tags()).join(', ') || 'none'})`,
    );
  }

  async #writeIndex(index: ImageIndex): Promise<void> {
    await writeFileAtomic(join(this.dir, 'index.json'), canonicalJson(index));
  }
}
