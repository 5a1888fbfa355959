// The built-in `registry-image` base type, run in-process: `check` resolves the tag to a manifest
// digest, `in` pulls that digest with @hangar/oci and yields `rootfs/` + `metadata.json` (the
// rootfs format tasks and custom types use). Pulled images land in the image cache by digest.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  concourseMetadata,
  OciLayout,
  parseImageReference,
  pullImage,
  RegistryClient,
  unpackImage,
  type ImageReference,
} from '@hangar/oci';
import type { CachedImage, ImageCache } from './image-cache.js';

const exec = promisify(execFile);

/** A bad `source` or a registry failure: the step's stderr gets the message, the step fails. */
export class ImageSourceError extends Error {
  override name = 'ImageSourceError';
}

interface Source {
  reference: ImageReference;
  tag: string;
  credentials: { username: string; password: string } | undefined;
}

/** Tags resolve again after this long, like a resource type's default check_every. */
const checkTtlMs = 60_000;

export class RegistryImage {
  readonly #checked = new Map<string, { digest: string; at: number }>();

  constructor(
    readonly cache: ImageCache,
    readonly tempRoot: string,
    /** Registry host rewrites, e.g. docker.io → 127.0.0.1:5000 on an air-gapped machine. */
    readonly mirrors: ReadonlyMap<string, string> = new Map(),
  ) {}

  #source(source: Record<string, unknown>): Source {
    const repository = source.repository;
    if (typeof repository !== 'string' || repository === '') {
      throw new ImageSourceError('registry-image: source.repository must be a non-empty string');
    }
    let reference: ImageReference;
    try {
      reference = parseImageReference(repository);
    } catch (err) {
      throw new ImageSourceError(`registry-image: ${(err as Error).message}`);
    }
    reference = { ...reference, registry: this.mirrors.get(reference.registry) ?? reference.registry };
    const tag =
      typeof source.tag === 'string' && source.tag !== '' ? source.tag : (reference.tag ?? 'latest');
    const { username, password } = source;
    const credentials =
      typeof username === 'string' && typeof password === 'string' ? { username, password } : undefined;
    return { reference, tag, credentials };
  }

  #client(s: Source): RegistryClient {
    return new RegistryClient({
      registry: s.reference.registry,
      ...(s.credentials ? { credentials: s.credentials } : {}),
    });
  }

  /** The digest the tag points at now (cached for a minute). */
  async check(source: Record<string, unknown>): Promise<string> {
    const s = this.#source(source);
    const key = `${s.reference.registry}/${s.reference.repository}:${s.tag}`;
    const hit = this.#checked.get(key);
    if (hit && Date.now() - hit.at < checkTtlMs) return hit.digest;
    const manifest = await this.#client(s)
      .getManifest(s.reference.repository, s.tag)
      .catch((err: unknown) => {
        throw new ImageSourceError((err as Error).message);
      });
    this.#checked.set(key, { digest: manifest.digest, at: Date.now() });
    return manifest.digest;
  }

  /** The image at `digest` (or the tag's current one), unpacked in the cache. */
  async image(source: Record<string, unknown>, digest?: string): Promise<CachedImage & { digest: string }> {
    const s = this.#source(source);
    const wanted = digest ?? (await this.check(source));
    const image = await this.cache.get(wanted, async (rootfs) => {
      await mkdir(this.tempRoot, { recursive: true });
      const temp = await mkdtemp(join(this.tempRoot, 'pull-'));
      try {
        const layout = await OciLayout.create(temp);
        await pullImage(this.#client(s), s.reference.repository, wanted, layout).catch((err: unknown) => {
          throw new ImageSourceError((err as Error).message);
        });
        const unpacked = await unpackImage(layout, wanted, rootfs, { ownership: 'preserve' });
        return concourseMetadata(unpacked.config);
      } finally {
        await rm(temp, { recursive: true, force: true });
      }
    });
    return { ...image, digest: wanted };
  }

  /** The resource protocol, answered in-process. */
  async run(action: string, stdin: string, dir: string | undefined): Promise<string> {
    let request: { source?: Record<string, unknown>; version?: Record<string, string> };
    try {
      request = JSON.parse(stdin) as typeof request;
    } catch {
      throw new ImageSourceError('registry-image: stdin is not JSON');
    }
    const source = request.source ?? {};
    if (action === 'check') return JSON.stringify([{ digest: await this.check(source) }]);
    if (action === 'out' || dir === undefined) {
      throw new ImageSourceError('registry-image: put is not supported by the built-in type');
    }
    const image = await this.image(source, request.version?.digest);
    try {
      // A get's directory is the build's own: copy (reflinks where the file system has them).
      await exec('cp', ['-a', '--reflink=auto', image.rootfs, join(dir, 'rootfs')]);
      await writeFile(join(dir, 'metadata.json'), JSON.stringify(image.metadata));
    } finally {
      image.release();
    }
    return JSON.stringify({ version: { digest: image.digest }, metadata: [] });
  }
}
