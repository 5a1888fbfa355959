// Types and builders for OCI descriptors, image configs, manifests and indexes.
import type { Digest } from './digest.js';
import { epochToIso } from './epoch.js';
import { MediaType } from './media-types.js';

export interface Platform {
  architecture: string;
  os: string;
  variant?: string;
  'os.version'?: string;
  'os.features'?: string[];
}

export interface Descriptor {
  mediaType: string;
  digest: Digest;
  size: number;
  platform?: Platform;
  annotations?: Record<string, string>;
  artifactType?: string;
  urls?: string[];
}

/** A layer blob as stored, plus the digest of its uncompressed tar. */
export interface Layer {
  descriptor: Descriptor;
  /** sha256 of the uncompressed tar: what the config's rootfs.diff_ids lists. */
  diffId: Digest;
  /** Optional history text ("hangar: node 22.23.3"), recorded only when given. */
  createdBy?: string;
}

/** The runtime part of an image config (field names as in the spec). */
export interface ContainerConfig {
  Env?: string[];
  User?: string;
  WorkingDir?: string;
  Labels?: Record<string, string>;
  Entrypoint?: string[];
  Cmd?: string[];
  ExposedPorts?: Record<string, Record<string, never>>;
  Volumes?: Record<string, Record<string, never>>;
  StopSignal?: string;
}

export interface HistoryEntry {
  created?: string;
  created_by?: string;
  comment?: string;
  empty_layer?: boolean;
}

export interface ImageConfig {
  architecture: string;
  os: string;
  variant?: string;
  created?: string;
  config?: ContainerConfig;
  rootfs: { type: 'layers'; diff_ids: Digest[] };
  history?: HistoryEntry[];
}

export interface ImageManifest {
  schemaVersion: 2;
  mediaType: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
  artifactType?: string;
  subject?: Descriptor;
}

export interface ImageIndex {
  schemaVersion: 2;
  mediaType: string;
  manifests: Descriptor[];
  annotations?: Record<string, string>;
}

export const DEFAULT_PLATFORM: Platform = { architecture: 'amd64', os: 'linux' };

export interface ImageConfigInput {
  layers: readonly Layer[];
  platform?: Platform;
  config?: ContainerConfig;
  /** Seconds since 1970 for `created` and history times; omitted entirely when undefined. */
  created?: number;
  /** Record one history entry per layer (using Layer.createdBy). Default: only if any layer has createdBy. */
  history?: boolean;
}

/** Builds an image config. Nothing in it depends on the wall clock or the host. */
export function buildImageConfig(input: ImageConfigInput): ImageConfig {
  const platform = input.platform ?? DEFAULT_PLATFORM;
  const created = input.created === undefined ? undefined : epochToIso(input.created);
  const wantHistory = input.history ?? input.layers.some((layer) => layer.createdBy !== undefined);
  const config: ImageConfig = {
    architecture: platform.architecture,
    os: platform.os,
    rootfs: { type: 'layers', diff_ids: input.layers.map((layer) => layer.diffId) },
  };
  if (platform.variant) config.variant = platform.variant;
  if (created) config.created = created;
  if (input.config) config.config = input.config;
  if (wantHistory) {
    config.history = input.layers.map((layer) => {
      const entry: HistoryEntry = {};
      if (created) entry.created = created;
      if (layer.createdBy !== undefined) entry.created_by = layer.createdBy;
      return entry;
    });
  }
  return config;
}

/** An OCI image manifest for a config blob and its layers, base layer first. */
export function buildImageManifest(
  config: Descriptor,
  layers: readonly Layer[],
  annotations?: Record<string, string>,
): ImageManifest {
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: { mediaType: config.mediaType, digest: config.digest, size: config.size },
    layers: layers.map(({ descriptor }) => ({
      mediaType: descriptor.mediaType,
      digest: descriptor.digest,
      size: descriptor.size,
    })),
  };
  if (annotations && Object.keys(annotations).length) manifest.annotations = annotations;
  return manifest;
}

/** An OCI image index over platform-specific manifests. */
export function buildImageIndex(
  manifests: readonly Descriptor[],
  annotations?: Record<string, string>,
): ImageIndex {
  const index: ImageIndex = { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [...manifests] };
  if (annotations && Object.keys(annotations).length) index.annotations = annotations;
  return index;
}

/** Same os/architecture (and variant when the wanted platform names one). */
export function platformMatches(candidate: Platform | undefined, wanted: Platform): boolean {
  if (!candidate) return false;
  if (candidate.os !== wanted.os || candidate.architecture !== wanted.architecture) return false;
  return !wanted.variant || candidate.variant === wanted.variant;
}

export const formatPlatform = (platform: Platform): string =>
  [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
