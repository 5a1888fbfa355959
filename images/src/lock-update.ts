// `npm run lock:update`: resolves the recipe for every architecture against this machine's apt and
// npm, downloads and verifies every input into the cache, and rewrites images/lock.json. Builds
// never run this.
import { readFile, writeFile } from 'node:fs/promises';
import { run } from './exec.js';
import { dpkgArchitecture, fetchDeb, resolveClosure } from './apt.js';
import { fetchNodeBinary, fetchTofuBinary, hangarCacheDir } from './inputs.js';
import { LOCK_PATH, type ImagesLock, type LockedDebLayer, type PlatformLock } from './lock.js';
import { ARCHES, DEB_LAYERS, NODE_VERSION, type Arch } from './recipe.js';

async function osRelease(): Promise<string> {
  const text = await readFile('/etc/os-release', 'utf8');
  return /^VERSION_CODENAME=(.*)$/m.exec(text)?.[1]?.trim() ?? 'unknown';
}

async function resolveLayer(
  recipe: { roots: readonly string[]; excluded: readonly string[] },
  provided: Set<string>,
  arch: Arch,
  cacheDir: string,
): Promise<LockedDebLayer> {
  const records = await resolveClosure([...recipe.roots], new Set(recipe.excluded), provided, arch);
  const packages = records.map(({ name, version, arch, sha256, size, filename }) => ({
    name,
    version,
    arch,
    sha256,
    size,
    filename,
  }));
  for (const deb of packages) await fetchDeb(deb, cacheDir);
  return { roots: [...recipe.roots], excluded: [...recipe.excluded].sort(), packages };
}

/** The version OpenTofu reports; it runs only where the binary is native (the host's build). */
async function tofuVersion(path: string, arch: Arch, fallback: string | undefined): Promise<string> {
  if (arch !== (await dpkgArchitecture())) return fallback ?? 'unknown';
  return /OpenTofu v(\S+)/.exec(await run(path, ['version']))?.[1] ?? 'unknown';
}

async function lockPlatform(arch: Arch, cacheDir: string, tofuFallback?: string): Promise<PlatformLock> {
  const { nodePackage, tofuPath } = ARCHES[arch];
  const base = await resolveLayer(DEB_LAYERS.base, new Set(), arch, cacheDir);
  const provided = new Set(base.packages.map((deb) => deb.name));
  const git = await resolveLayer(DEB_LAYERS.git, provided, arch, cacheDir);
  const nodeInput = { package: nodePackage, version: NODE_VERSION };
  const node = await fetchNodeBinary(nodeInput, arch, cacheDir);
  const tofuInput = { name: 'tofu', cachePath: tofuPath };
  const tofu = await fetchTofuBinary(tofuInput, arch, cacheDir);
  return {
    layers: { base, git },
    node: { ...nodeInput, integrity: node.integrity, strippedSha256: node.sha256 },
    tofu: {
      ...tofuInput,
      version: await tofuVersion(`${cacheDir}/${tofuPath}`, arch, tofuFallback),
      sha256: tofu.sha256,
      strippedSha256: tofu.strippedSha256,
    },
  };
}

export async function updateLock(path = LOCK_PATH, cacheDir = hangarCacheDir()): Promise<ImagesLock> {
  const amd64 = await lockPlatform('amd64', cacheDir);
  // Both OpenTofu builds come from the same module version, so the foreign one reports the same.
  const arm64 = await lockPlatform('arm64', cacheDir, amd64.tofu.version);
  const lock: ImagesLock = {
    lockVersion: 2,
    distribution: { id: 'debian', release: await osRelease() },
    sourceDateEpoch: 0,
    platforms: { amd64, arm64 },
  };
  await writeFile(path, `${JSON.stringify(lock, null, 2)}\n`);
  return lock;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const lock = await updateLock();
  for (const [arch, platform] of Object.entries(lock.platforms)) {
    const count = platform.layers.base.packages.length + platform.layers.git.packages.length;
    process.stderr.write(
      `${arch}: ${count} Debian packages, ${platform.node.package}@${platform.node.version}, tofu ${platform.tofu.version}\n`,
    );
  }
  process.stderr.write(`wrote ${LOCK_PATH}\n`);
}
