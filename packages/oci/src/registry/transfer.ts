// Copies images between an OCI layout and a registry, blobs first, manifests last.
import { ConfigError } from '@hangar/resource-sdk';
import type { Digest } from '../digest.js';
import type { OciLayout } from '../layout.js';
import type { Descriptor, ImageIndex, ImageManifest } from '../manifest.js';
import { isImageManifestType, isIndexType } from '../media-types.js';
import type { BlobOutcome, RegistryClient } from './client.js';

export interface PushOptions {
  /** Tags to PUT the top manifest under; default: the layout reference when it is a tag. */
  tags?: readonly string[];
  /** Repositories on the same registry to mount shared blobs from instead of uploading them. */
  mountFrom?: readonly string[];
}

export interface PushResult {
  /** Digest of the manifest (or index) that was pushed. */
  digest: Digest;
  /** What happened to each blob. */
  blobs: Record<Digest, BlobOutcome>;
}

/** Pushes an image or index from a layout: every blob, child manifests by digest, then the tags. */
export async function pushImage(
  client: RegistryClient,
  layout: OciLayout,
  reference: string | undefined,
  repository: string,
  options: PushOptions = {},
): Promise<PushResult> {
  const top = await layout.resolve(reference);
  const blobs: Record<Digest, BlobOutcome> = {};
  const pushManifest = async (descriptor: Descriptor, tags: readonly string[]): Promise<void> => {
    const bytes = await layout.readBlob(descriptor.digest);
    if (isIndexType(descriptor.mediaType)) {
      const index = JSON.parse(bytes.toString('utf8')) as ImageIndex;
      for (const child of index.manifests) await pushManifest(child, []);
    } else if (isImageManifestType(descriptor.mediaType)) {
      const manifest = JSON.parse(bytes.toString('utf8')) as ImageManifest;
      for (const blob of [manifest.config, ...manifest.layers]) {
        blobs[blob.digest] ??= await client.pushBlob(
          repository,
          blob.digest,
          { path: layout.blobPath(blob.digest) },
          options.mountFrom,
        );
      }
    } else {
      throw new ConfigError(
        `cannot push ${descriptor.digest}: unsupported media type ${descriptor.mediaType}`,
      );
    }
    for (const tag of tags.length ? tags : [descriptor.digest]) {
      await client.putManifest(repository, tag, bytes, descriptor.mediaType);
    }
  };
  const tags = options.tags ?? (reference && !reference.startsWith('sha256:') ? [reference] : []);
  await pushManifest(top, tags);
  return { digest: top.digest, blobs };
}

export interface PullOptions {
  /** Ref name to record in the layout's index.json; default: the tag pulled (none for a digest). */
  tag?: string;
}

/**
 * Pulls `reference` (tag or digest) with every manifest and blob below it into a layout, keeping
 * the registry's bytes (so digests are unchanged), Docker or OCI media types alike.
 */
export async function pullImage(
  client: RegistryClient,
  repository: string,
  reference: string,
  layout: OciLayout,
  options: PullOptions = {},
): Promise<Descriptor> {
  const fetchInto = async (ref: string): Promise<Descriptor> => {
    const manifest = await client.getManifest(repository, ref);
    if ('manifests' in manifest.manifest) {
      for (const child of manifest.manifest.manifests) await fetchInto(child.digest);
    } else {
      for (const blob of [manifest.manifest.config, ...manifest.manifest.layers]) {
        if (await layout.hasBlob(blob.digest)) continue;
        const temp = layout.tempBlobPath();
        await client.downloadBlob(repository, blob.digest, temp);
        await layout.commitBlob(temp, blob.digest);
      }
    }
    return layout.writeBlob(manifest.bytes, manifest.mediaType);
  };
  const descriptor = await fetchInto(reference);
  const tag = options.tag ?? (reference.startsWith('sha256:') ? undefined : reference);
  await layout.tag(tag, descriptor);
  return descriptor;
}
