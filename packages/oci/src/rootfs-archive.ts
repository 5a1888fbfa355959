// A Concourse worker bundle's rootfs.tgz: an image's layers flattened into one deterministic tar.gz.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Digest } from './digest.js';
import { concourseMetadata } from './image.js';
import { writeLayerBlob, type LayerOptions } from './layer.js';
import type { OciLayout } from './layout.js';
import type { Platform } from './manifest.js';
import { addFromDisk } from './tree-from-disk.js';
import { LayerTree } from './tree.js';
import { unpackImage } from './unpack.js';

export interface RootfsArchive {
  /** sha256 of rootfs.tgz as written. */
  digest: Digest;
  size: number;
  /** Concourse's metadata.json shape, from the image config. */
  metadata: { env: string[]; user: string };
}

/**
 * Unpacks `reference` into a temp dir (whiteouts applied, nothing outside it written) and packs
 * the result as one deterministic tar.gz at `outFile`: modes kept as the image had them,
 * ownership taken from the layers' headers, times from the epoch.
 */
export async function writeRootfsArchive(
  layout: OciLayout,
  reference: string | undefined,
  outFile: string,
  options: Pick<LayerOptions, 'epoch' | 'level'> & { platform?: Platform; tempDir?: string } = {},
): Promise<RootfsArchive> {
  const work = await mkdtemp(join(options.tempDir ?? tmpdir(), 'hangar-rootfs-'));
  try {
    const unpacked = await unpackImage(
      layout,
      reference,
      join(work, 'rootfs'),
      options.platform ? { platform: options.platform } : {},
    );
    const tree = new LayerTree();
    const owners = unpacked.rootfs.entries;
    await addFromDisk(tree, unpacked.rootfs.root, {
      modes: 'preserve',
      ownership: (path) => owners.get(path),
    });
    const { epoch, level } = options;
    const written = await writeLayerBlob(tree, outFile, {
      ...(epoch === undefined ? {} : { epoch }),
      ...(level === undefined ? {} : { level }),
    });
    return { digest: written.digest, size: written.size, metadata: concourseMetadata(unpacked.config) };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
