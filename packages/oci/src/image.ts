// Whole images in a layout: config + manifest from layers, multi-platform indexes, and reading back.
import { ConfigError } from '@hangar/resource-sdk';
import { sourceDateEpoch } from './epoch.js';
import type { OciLayout } from './layout.js';
import {
  buildImageConfig,
  buildImageIndex,
  buildImageManifest,
  DEFAULT_PLATFORM,
  formatPlatform,
  platformMatches,
  type ContainerConfig,
  type Descriptor,
  type ImageConfig,
  type ImageIndex,
  type ImageManifest,
  type Layer,
  type Platform,
} from './manifest.js';
import { isImageManifestType, isIndexType, MediaType } from './media-types.js';

export interface ImageSpec {
  /** Base layer first. */
  layers: readonly Layer[];
  platform?: Platform;
  config?: ContainerConfig;
  /**
   * Seconds since 1970 for the config's `created` (and history times). Default:
   * SOURCE_DATE_EPOCH when set, otherwise `created` is left out.
   */
  created?: number;
  history?: boolean;
  /** Manifest annotations, e.g. org.opencontainers.image.{source,revision,version}. */
  annotations?: Record<string, string>;
  /** Ref names to point at the new manifest in index.json. */
  tags?: readonly string[];
}

export interface WrittenImage {
  /** The manifest's descriptor, with `platform`, ready to go into an index. */
  manifest: Descriptor;
  config: Descriptor;
}

/** Writes the config and manifest blobs for `spec` and tags the manifest. Same spec, same digests. */
export async function writeImage(layout: OciLayout, spec: ImageSpec): Promise<WrittenImage> {
  const platform = spec.platform ?? DEFAULT_PLATFORM;
  const created = spec.created ?? sourceDateEpoch();
  const imageConfig = buildImageConfig({
    layers: spec.layers,
    platform,
    ...(spec.config ? { config: spec.config } : {}),
    ...(created === undefined ? {} : { created }),
    ...(spec.history === undefined ? {} : { history: spec.history }),
  });
  const config = await layout.writeJson(imageConfig, MediaType.ociConfig);
  const written = await layout.writeJson(
    buildImageManifest(config, spec.layers, spec.annotations),
    MediaType.ociManifest,
  );
  const manifest: Descriptor = { ...written, platform };
  for (const tag of spec.tags ?? []) await layout.tag(tag, manifest);
  return { manifest, config };
}

/** Writes an image index over platform manifests (each descriptor needs `platform`) and tags it. */
export async function writeImageIndex(
  layout: OciLayout,
  manifests: readonly Descriptor[],
  options: { tags?: readonly string[]; annotations?: Record<string, string> } = {},
): Promise<Descriptor> {
  for (const descriptor of manifests) {
    if (!descriptor.platform) throw new ConfigError(`index entry ${descriptor.digest} has no platform`);
  }
  const entries = manifests.map(({ mediaType, digest, size, platform }): Descriptor => ({
    mediaType,
    digest,
    size,
    ...(platform ? { platform } : {}),
  }));
  const descriptor = await layout.writeJson(
    buildImageIndex(entries, options.annotations),
    MediaType.ociIndex,
  );
  for (const tag of options.tags ?? []) await layout.tag(tag, descriptor);
  return descriptor;
}

export interface ResolvedImage {
  /** The single-platform manifest's descriptor. */
  descriptor: Descriptor;
  manifest: ImageManifest;
  config: ImageConfig;
}

/**
 * Reads an image by ref name or digest; an index is narrowed to `platform` (default
 * linux/amd64). Docker schema 2 manifests and manifest lists are read the same way.
 */
export async function readImage(
  layout: OciLayout,
  reference?: string,
  platform: Platform = DEFAULT_PLATFORM,
): Promise<ResolvedImage> {
  let descriptor = await layout.resolve(reference);
  for (let depth = 0; depth < 4; depth += 1) {
    if (isIndexType(descriptor.mediaType)) {
      const index = await layout.readJson<ImageIndex>(descriptor.digest);
      const chosen = index.manifests.find((entry) => platformMatches(entry.platform, platform));
      if (!chosen) {
        const offered = index.manifests
          .map((entry) => (entry.platform ? formatPlatform(entry.platform) : '?'))
          .join(', ');
        throw new ConfigError(
          `image '${reference ?? descriptor.digest}' has no ${formatPlatform(platform)} variant (has: ${offered})`,
        );
      }
      descriptor = chosen;
      continue;
    }
    if (!isImageManifestType(descriptor.mediaType)) {
      throw new ConfigError(`'${reference ?? descriptor.digest}' is a ${descriptor.mediaType}, not an image`);
    }
    const manifest = await layout.readJson<ImageManifest>(descriptor.digest);
    const config = await layout.readJson<ImageConfig>(manifest.config.digest);
    if (config.rootfs.diff_ids.length !== manifest.layers.length) {
      throw new ConfigError(
        `image ${descriptor.digest}: ${manifest.layers.length} layers but ${config.rootfs.diff_ids.length} diff_ids`,
      );
    }
    return { descriptor, manifest, config };
  }
  throw new ConfigError(`image '${reference ?? ''}': indexes nested too deeply`);
}

/** Concourse's `metadata.json` for a rootfs (what registry-image's `in` writes): env and user. */
export function concourseMetadata(config: ImageConfig): { env: string[]; user: string } {
  return { env: config.config?.Env ?? [], user: config.config?.User ?? '' };
}
