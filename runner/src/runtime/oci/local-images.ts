// Images for this repository's resource types: the OCI layouts `hangar-images build` writes
// (`<images>/oci/<type>`, tag `latest`), or `<registry>/hangar/<type>-resource:latest` when the
// runner is given --resource-registry.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { concourseMetadata, OciLayout, unpackImage } from '@hangar/oci';
import type { CachedImage, ImageCache } from './image-cache.js';
import type { RegistryImage } from './registry-image.js';

export class LocalImages {
  constructor(
    readonly imagesDir: string,
    readonly cache: ImageCache,
    readonly registryImage: RegistryImage,
    readonly resourceRegistry: string | undefined,
  ) {}

  layoutDir(type: string): string {
    return join(this.imagesDir, 'oci', type);
  }

  /** Whether `type` has an image here (a built layout, or any type when a registry is given). */
  has(type: string): boolean {
    return this.resourceRegistry !== undefined || existsSync(join(this.layoutDir(type), 'index.json'));
  }

  async image(type: string): Promise<CachedImage> {
    if (this.resourceRegistry !== undefined) {
      const repository = `${this.resourceRegistry.replace(/\/+$/, '')}/hangar/${type}-resource`;
      return this.registryImage.image({ repository, tag: 'latest' });
    }
    const layout = await OciLayout.open(this.layoutDir(type));
    const { digest } = await layout.resolve('latest');
    return this.cache.get(digest, async (rootfs) => {
      const unpacked = await unpackImage(layout, digest, rootfs, { ownership: 'preserve' });
      return concourseMetadata(unpacked.config);
    });
  }
}
