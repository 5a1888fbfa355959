// images/lock.json: every input of every shared layer, pinned with its hash. Builds only read it.
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '@hangar/resource-sdk';
import type { Arch } from './recipe.js';

/** A Debian package as `apt-cache show` describes its candidate. */
export interface LockedDeb {
  name: string;
  version: string;
  arch: string;
  sha256: string;
  size: number;
  /** Pool path on the mirror, for humans; downloads go through `apt-get download name=version`. */
  filename: string;
}

export interface LockedDebLayer {
  /** Packages asked for by name; the rest of `packages` is their Depends/Pre-Depends closure. */
  roots: string[];
  /** Packages deliberately left out of the closure (maintainer tooling, perl, docs). */
  excluded: string[];
  packages: LockedDeb[];
}

export interface LockedNode {
  package: string;
  version: string;
  /** npm's sha512 integrity of the tarball. */
  integrity: string;
  /** sha256 of `bin/node` after `strip --strip-all`, so a different binutils is noticed, not shipped. */
  strippedSha256: string;
}

export interface LockedBinary {
  name: string;
  version: string;
  /** Where lock:update found it (relative to the Hangar cache dir). */
  cachePath: string;
  sha256: string;
  strippedSha256: string;
}

/** Every input of one architecture's shared layers. */
export interface PlatformLock {
  layers: {
    base: LockedDebLayer;
    git: LockedDebLayer;
  };
  node: LockedNode;
  tofu: LockedBinary;
}

export interface ImagesLock {
  lockVersion: 2;
  distribution: { id: 'debian'; release: string };
  sourceDateEpoch: number;
  platforms: Record<Arch, PlatformLock>;
}

export const LOCK_PATH = join(dirname(fileURLToPath(import.meta.url)), '..', 'lock.json');

export async function readLock(path = LOCK_PATH): Promise<ImagesLock> {
  const text = await readFile(path, 'utf8').catch((error: unknown) => {
    throw new ConfigError(`${path} is missing: run 'npm run lock:update -w @hangar/images'`, {
      cause: error,
    });
  });
  const lock = JSON.parse(text) as ImagesLock;
  if (lock.lockVersion !== 2)
    throw new ConfigError(
      `${path}: lockVersion ${String(lock.lockVersion)} is not 2: run 'npm run lock:update -w @hangar/images'`,
    );
  return lock;
}
