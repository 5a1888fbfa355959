// Locates the binaries that scripts/bootstrap installs. A missing binary is a setup error, never a skip.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

/** The machine-wide cache scripts/bootstrap fills: `$HANGAR_CACHE`, default `~/.cache/hangar`. */
export const cacheDir = (): string => process.env['HANGAR_CACHE'] ?? join(homedir(), '.cache', 'hangar');

/** Where scripts/bootstrap puts Go-built servers (MinIO, OpenTofu). */
export const cacheBinDir = (): string => join(cacheDir(), 'bin');

/**
 * Absolute path of `name`, looked up in the bootstrap cache first, then on PATH and in the sbin
 * directories (sshd, docker-registry). Throws with the fix when it is not installed.
 */
export function requireBinary(name: string): string {
  const dirs = [
    cacheBinDir(),
    ...(process.env['PATH'] ?? '').split(delimiter),
    '/usr/sbin',
    '/usr/bin',
    '/sbin',
  ];
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`${name} is not installed: run scripts/bootstrap`);
}
