// Unpacked images on disk by manifest digest (`<root>/<hex>/{rootfs,metadata.json}`), shared by
// every container through an overlay, with a size cap: least recently used images not in use are
// removed first. Filling goes through a temp dir and a rename, so a half-unpacked image never shows.
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface ImageMetadata {
  env: string[];
  user: string;
}

export interface CachedImage {
  rootfs: string;
  metadata: ImageMetadata;
  release: () => void;
}

const DEFAULT_CAP = 10 * 1024 ** 3;

async function treeSize(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) total += (await lstat(join(entry.parentPath, entry.name))).size;
  }
  return total;
}

export class ImageCache {
  readonly #inUse = new Map<string, number>();
  readonly #filling = new Map<string, Promise<void>>();

  constructor(
    readonly root: string,
    readonly capBytes = DEFAULT_CAP,
  ) {}

  #dir(digest: string): string {
    return join(this.root, digest.replace(/^sha256:/, ''));
  }

  /** The image `digest`, unpacked by `fill(rootfsDir)` (returning its metadata) if not cached yet. */
  async get(digest: string, fill: (rootfs: string) => Promise<ImageMetadata>): Promise<CachedImage> {
    const dir = this.#dir(digest);
    this.#inUse.set(digest, (this.#inUse.get(digest) ?? 0) + 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.#inUse.set(digest, (this.#inUse.get(digest) ?? 1) - 1);
    };
    try {
      if (!(await stat(join(dir, 'metadata.json')).catch(() => undefined))) {
        let filling = this.#filling.get(digest);
        if (!filling) {
          filling = this.#fill(dir, fill).finally(() => this.#filling.delete(digest));
          this.#filling.set(digest, filling);
        }
        await filling;
        await this.#evict();
      }
      const now = new Date();
      await utimes(join(dir, 'metadata.json'), now, now); // the LRU clock
      const metadata = JSON.parse(await readFile(join(dir, 'metadata.json'), 'utf8')) as ImageMetadata;
      return { rootfs: join(dir, 'rootfs'), metadata, release };
    } catch (err) {
      release();
      throw err;
    }
  }

  async #fill(dir: string, fill: (rootfs: string) => Promise<ImageMetadata>): Promise<void> {
    await mkdir(this.root, { recursive: true });
    const temp = join(this.root, `.tmp-${randomBytes(6).toString('hex')}`);
    try {
      const metadata = await fill(join(temp, 'rootfs'));
      await writeFile(join(temp, 'size'), String(await treeSize(join(temp, 'rootfs'))));
      await writeFile(join(temp, 'metadata.json'), JSON.stringify(metadata));
      await rename(temp, dir);
    } finally {
      await rm(temp, { recursive: true, force: true });
    }
  }

  /** Cached images with their size and last use, oldest first. */
  async entries(): Promise<{ digest: string; size: number; used: number }[]> {
    const names = (await readdir(this.root).catch(() => [])).filter((n) => !n.startsWith('.'));
    const list = await Promise.all(
      names.map(async (name) => {
        const dir = join(this.root, name);
        const used = (await stat(join(dir, 'metadata.json')).catch(() => undefined))?.mtimeMs ?? 0;
        const size = Number(await readFile(join(dir, 'size'), 'utf8').catch(() => '0'));
        return { digest: `sha256:${name}`, size, used };
      }),
    );
    return list.sort((a, b) => a.used - b.used);
  }

  async #evict(): Promise<void> {
    const list = await this.entries();
    let total = list.reduce((n, e) => n + e.size, 0);
    for (const e of list) {
      if (total <= this.capBytes) break;
      if ((this.#inUse.get(e.digest) ?? 0) > 0) continue;
      await rm(this.#dir(e.digest), { recursive: true, force: true });
      total -= e.size;
    }
  }
}
