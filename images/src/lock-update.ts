// `npm run lock:update`: resolves the recipe against this machine's apt and npm, downloads and
// verifies every input into the cache, and rewrites images/lock.json. Builds never run this.
import { readFile, writeFile } from 'node:fs/promises';
import { run } from './exec.js';
import { fetchDeb, resolveClosure } from './apt.js';
import { fetchNodeBinary, fetchTofuBinary, hangarCacheDir } from './inputs.js';
import { LOCK_PATH, type ImagesLock, type LockedDebLayer } from './lock.js';
import { DEB_LAYERS, NODE_INPUT, TOFU_INPUT } from './recipe.js';

async function osRelease(): Promise<string> {
  const text = await readFile('/etc/os-release', 'utf8');
  return /^VERSION_CODENAME=(.*)$/m.exec(text)?.[1]?.trim() ?? 'unknown';
}

async function resolveLayer(
  recipe: { roots: readonly string[]; excluded: readonly string[] },
  provided: Set<string>,
  cacheDir: string,
): Promise<LockedDebLayer> {
  const records = await resolveClosure([...recipe.roots], new Set(recipe.excluded), provided);
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

export async function updateLock(path = LOCK_PATH, cacheDir = hangarCacheDir()): Promise<ImagesLock> {
  const arch = (await run('dpkg', ['--print-architecture'])).trim();
  const base = await resolveLayer(DEB_LAYERS.base, new Set(), cacheDir);
  const git = await resolveLayer(DEB_LAYERS.git, new Set(base.packages.map((deb) => deb.name)), cacheDir);
  const node = await fetchNodeBinary(NODE_INPUT, cacheDir);
  const tofu = await fetchTofuBinary(TOFU_INPUT, cacheDir);
  const tofuVersion = /OpenTofu v(\S+)/.exec(
    await run(`${cacheDir}/${TOFU_INPUT.cachePath}`, ['version']),
  )?.[1];
  const lock: ImagesLock = {
    lockVersion: 1,
    distribution: { id: 'debian', release: await osRelease(), arch },
    sourceDateEpoch: 0,
    layers: { base, git },
    node: { ...NODE_INPUT, integrity: node.integrity, strippedSha256: node.sha256 },
    tofu: {
      ...TOFU_INPUT,
      version: tofuVersion ?? 'unknown',
      sha256: tofu.sha256,
      strippedSha256: tofu.strippedSha256,
    },
  };
  await writeFile(path, `${JSON.stringify(lock, null, 2)}\n`);
  return lock;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const lock = await updateLock();
  const count = lock.layers.base.packages.length + lock.layers.git.packages.length;
  process.stderr.write(
    `wrote ${LOCK_PATH}: ${count} Debian packages, ${lock.node.package}@${lock.node.version}, tofu ${lock.tofu.version}\n`,
  );
}
