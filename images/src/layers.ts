// The shared layers (base, node, git tools, tofu), each built once from locked inputs and cached
// outside the repository by a hash of everything that determines its bytes.
import { createHash } from 'node:crypto';
import {
  link,
  copyFile,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { join } from 'node:path';
import {
  addFromDisk,
  canonicalJson,
  LayerTree,
  writeLayerBlob,
  type Layer,
  type OciLayout,
} from '@hangar/oci';
import { fetchDeb } from './apt.js';
import { run } from './exec.js';
import { fetchNodeBinary, fetchTofuBinary } from './inputs.js';
import type { ImagesLock, LockedDeb, PlatformLock } from './lock.js';
import type { Arch } from './recipe.js';

/** Bump when the way layers are assembled changes, so cached blobs are rebuilt. */
const LAYER_RECIPE_VERSION = 2;

export type SharedLayerName = 'base' | 'node' | 'git' | 'tofu';

export const NON_ROOT = { user: 'hangar', uid: 1000, gid: 1000, home: '/home/hangar' } as const;

/** Paths an image never needs: documentation, manuals, translations, packaging metadata. */
const DROPPED = [
  'usr/share/doc',
  'usr/share/doc-base',
  'usr/share/man',
  'usr/share/info',
  'usr/share/locale',
  'usr/share/lintian',
  'usr/share/bug',
  'usr/share/bash-completion',
  'usr/share/zsh',
  'usr/share/menu',
  'usr/share/ca-certificates',
  'usr/sbin/update-ca-certificates',
  'etc/ca-certificates.conf',
  'etc/cron.d',
  'etc/cron.daily',
  'etc/logrotate.d',
  'lib/systemd',
  'usr/lib/systemd',
  // git's server side and extras a resource never runs: daemon, http backend, shell, imap,
  // http-push, dumb-http fetch, scalar and gitweb (about 17 MB uncompressed).
  'usr/lib/git-core/git-daemon',
  'usr/lib/git-core/git-http-backend',
  'usr/lib/git-core/git-http-fetch',
  'usr/lib/git-core/git-http-push',
  'usr/lib/git-core/git-imap-send',
  'usr/lib/git-core/git-shell',
  'usr/bin/git-shell',
  'usr/lib/git-core/scalar',
  'usr/bin/scalar',
  'usr/share/gitweb',
];

export function keepPath(relative: string): boolean {
  return !DROPPED.some((dropped) => relative === dropped || relative.startsWith(`${dropped}/`));
}

/** A .deb unpacked with `dpkg-deb -x` into `<cache>/staged/<sha256>` (once). */
export async function stageDeb(deb: LockedDeb, cacheDir: string): Promise<string> {
  const dir = join(cacheDir, 'staged', deb.sha256);
  if (await stat(dir).catch(() => undefined)) return dir;
  const file = await fetchDeb(deb, cacheDir);
  await mkdir(join(cacheDir, 'staged'), { recursive: true });
  const temp = await mkdtemp(join(cacheDir, 'staged', '.x-'));
  try {
    await run('dpkg-deb', ['-x', file, temp]);
    await rename(temp, dir);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
  return dir;
}

async function addDebs(tree: LayerTree, debs: LockedDeb[], cacheDir: string): Promise<void> {
  for (const deb of debs) {
    const staged = await stageDeb(deb, cacheDir);
    await addFromDisk(tree, staged, { filter: keepPath });
  }
}

/** The Mozilla certificates of ca-certificates, sorted by name and concatenated: what update-ca-certificates makes. */
async function caBundle(debs: LockedDeb[], cacheDir: string): Promise<string> {
  const deb = debs.find((candidate) => candidate.name === 'ca-certificates');
  if (!deb) throw new Error('the base layer has no ca-certificates package');
  const dir = join(await stageDeb(deb, cacheDir), 'usr', 'share', 'ca-certificates', 'mozilla');
  const names = (await readdir(dir)).filter((name) => name.endsWith('.crt')).sort();
  const parts = await Promise.all(names.map((name) => readFile(join(dir, name), 'utf8')));
  return parts.map((pem) => (pem.endsWith('\n') ? pem : `${pem}\n`)).join('');
}

export async function baseLayerTree(lock: PlatformLock, _arch: Arch, cacheDir: string): Promise<LayerTree> {
  const { packages } = lock.layers.base;
  const tree = new LayerTree();
  await addDebs(tree, packages, cacheDir);
  const { user, uid, gid, home } = NON_ROOT;
  // dash's package already ships bin/sh -> dash.
  tree
    .file('etc/ssl/certs/ca-certificates.crt', await caBundle(packages, cacheDir))
    .file(
      'etc/passwd',
      `root:x:0:0:root:/root:/bin/sh\n${user}:x:${uid}:${gid}:${user}:${home}:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n`,
    )
    .file('etc/group', `root:x:0:\n${user}:x:${gid}:\nnogroup:x:65534:\n`)
    .file('etc/hosts', '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n')
    .file('etc/nsswitch.conf', 'passwd: files\ngroup: files\nhosts: files dns\n')
    .directory('root', { mode: 0o700 })
    .directory(home.slice(1), { uid, gid })
    .directory('tmp', { mode: 0o1777 })
    .directory('opt/resource');
  return tree;
}

export async function nodeLayerTree(lock: PlatformLock, arch: Arch, cacheDir: string): Promise<LayerTree> {
  const node = await fetchNodeBinary(lock.node, arch, cacheDir);
  return new LayerTree().add({ path: 'usr/bin/node', type: 'file', sourcePath: node.path, mode: 0o755 });
}

export async function gitLayerTree(lock: PlatformLock, _arch: Arch, cacheDir: string): Promise<LayerTree> {
  const tree = new LayerTree();
  await addDebs(tree, lock.layers.git.packages, cacheDir);
  return tree;
}

export async function tofuLayerTree(lock: PlatformLock, arch: Arch, cacheDir: string): Promise<LayerTree> {
  const tofu = await fetchTofuBinary(lock.tofu, arch, cacheDir);
  return new LayerTree().add({
    path: 'usr/local/bin/tofu',
    type: 'file',
    sourcePath: tofu.path,
    mode: 0o755,
  });
}

const TREES: Record<
  SharedLayerName,
  (lock: PlatformLock, arch: Arch, cacheDir: string) => Promise<LayerTree>
> = {
  base: baseLayerTree,
  node: nodeLayerTree,
  git: gitLayerTree,
  tofu: tofuLayerTree,
};

/** The layer's line in the image history. */
function describeLayer(name: SharedLayerName, lock: PlatformLock): string {
  return {
    base: 'hangar base: glibc, libstdc++, CA bundle, dash, passwd/group',
    node: `hangar node: ${lock.node.package} ${lock.node.version} (stripped)`,
    git: 'hangar tools: git, openssh-client, gnupg, git-lfs, git-crypt, proxytunnel',
    tofu: `hangar tools: OpenTofu ${lock.tofu.version}`,
  }[name];
}

/** Everything the layer's bytes depend on; its hash names the cache entry. */
function layerKey(name: SharedLayerName, arch: Arch, lock: ImagesLock): string {
  const platform = lock.platforms[arch];
  const inputs = {
    base: platform.layers.base,
    node: platform.node,
    git: platform.layers.git,
    tofu: platform.tofu,
  }[name];
  const key = {
    name,
    arch,
    recipe: LAYER_RECIPE_VERSION,
    inputs,
    epoch: lock.sourceDateEpoch,
    // gzip output depends on the zlib inside the Node that builds (see @hangar/oci's README).
    zlib: process.versions.zlib,
  };
  return createHash('sha256').update(canonicalJson(key)).digest('hex');
}

interface CachedLayer {
  layer: Layer;
  blob: string;
  tarSize: number;
}

/**
 * Builds each shared layer of each architecture at most once per process and once per cache
 * directory, then places the same blob into every layout that uses it.
 */
export class SharedLayers {
  readonly #building = new Map<`${Arch}/${SharedLayerName}`, Promise<CachedLayer>>();

  constructor(
    readonly lock: ImagesLock,
    /** Inputs (debs, node, staged trees). */
    readonly cacheDir: string,
    /** Built layer blobs; defaults to `<cacheDir>/layers`. */
    readonly layerCacheDir = join(cacheDir, 'layers'),
  ) {}

  get(name: SharedLayerName, arch: Arch): Promise<CachedLayer> {
    let pending = this.#building.get(`${arch}/${name}`);
    if (!pending) {
      pending = this.#build(name, arch);
      this.#building.set(`${arch}/${name}`, pending);
    }
    return pending;
  }

  async #build(name: SharedLayerName, arch: Arch): Promise<CachedLayer> {
    const dir = join(this.layerCacheDir, layerKey(name, arch, this.lock));
    const metaPath = join(dir, 'layer.json');
    const cached = await readFile(metaPath, 'utf8').catch(() => undefined);
    if (cached !== undefined)
      return { ...(JSON.parse(cached) as Omit<CachedLayer, 'blob'>), blob: join(dir, 'blob') };
    await mkdir(this.layerCacheDir, { recursive: true });
    const temp = await mkdtemp(join(this.layerCacheDir, `.${name}-`));
    try {
      const tree = await TREES[name](this.lock.platforms[arch], arch, this.cacheDir);
      const written = await writeLayerBlob(tree, join(temp, 'blob'), { epoch: this.lock.sourceDateEpoch });
      const layer: Layer = {
        descriptor: { mediaType: written.mediaType, digest: written.digest, size: written.size },
        diffId: written.diffId,
        createdBy: describeLayer(name, this.lock.platforms[arch]),
      };
      await writeFile(join(temp, 'layer.json'), JSON.stringify({ layer, tarSize: written.tarSize }));
      await rename(temp, dir).catch(async (error: unknown) => {
        // Another process finished the same layer first: keep theirs (same bytes).
        if (!(await stat(metaPath).catch(() => undefined))) throw error;
        await rm(temp, { recursive: true, force: true });
      });
      return { layer, tarSize: written.tarSize, blob: join(dir, 'blob') };
    } catch (error) {
      await rm(temp, { recursive: true, force: true });
      throw error;
    }
  }

  /** The layer, with its blob present in `layout` (hard-linked from the cache when possible). */
  async addTo(layout: OciLayout, name: SharedLayerName, arch: Arch): Promise<Layer> {
    const { layer, blob } = await this.get(name, arch);
    if (!(await layout.hasBlob(layer.descriptor.digest))) {
      const temp = layout.tempBlobPath();
      await link(blob, temp).catch(() => copyFile(blob, temp));
      await layout.commitBlob(temp, layer.descriptor.digest);
    }
    return layer;
  }
}
