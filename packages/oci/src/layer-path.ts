// Paths inside a layer: relative, '/'-separated, no '.', '..' or empty components.
import { ConfigError } from '@hangar/resource-sdk';

/**
 * Normalises a path for a layer entry: leading '/' and './' are dropped, repeated and trailing
 * slashes collapse. '..' anywhere is refused, since a layer must never reach above its root.
 */
export function normaliseLayerPath(path: string): string {
  const parts = path.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.includes('..')) throw new ConfigError(`refusing layer path '${path}': '..' is not allowed`);
  if (path.includes('\0')) throw new ConfigError(`refusing layer path with a NUL byte: '${path}'`);
  return parts.join('/');
}

/** Every ancestor of a normalised path, outermost first ('a/b/c' -> ['a', 'a/b']). */
export function parentsOf(path: string): string[] {
  const parts = path.split('/');
  return parts.slice(0, -1).map((_, index) => parts.slice(0, index + 1).join('/'));
}

/** Byte-wise (UTF-8) order, the order of entries in every tar we write. */
export function compareLayerPaths(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
