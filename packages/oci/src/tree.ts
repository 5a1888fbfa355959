// An in-memory description of a layer's file tree; the tar writer turns it into bytes.
import { ConfigError } from '@hangar/resource-sdk';
import { normaliseLayerPath, parentsOf } from './layer-path.js';

interface EntryBase {
  /** Relative path inside the layer, normalised ('usr/bin/node'). */
  path: string;
  /** Permission bits, including setuid/setgid/sticky when given explicitly. */
  mode: number;
  uid: number;
  gid: number;
}

export interface FileEntry extends EntryBase {
  type: 'file';
  /** In-memory content, or... */
  content?: Uint8Array;
  /** ...a file on disk, streamed when the tar is written. */
  sourcePath?: string;
  /** Size in bytes; for a sourcePath without one, the file is stat'ed when the tar is written. */
  size?: number;
}

export interface DirectoryEntry extends EntryBase {
  type: 'directory';
  /** True for parents the tree created itself; an explicit entry replaces them. */
  implicit: boolean;
}

export interface SymlinkEntry extends EntryBase {
  type: 'symlink';
  /** Stored verbatim: symlinks may point anywhere, even outside the layer. */
  linkTarget: string;
}

export interface HardlinkEntry extends EntryBase {
  type: 'hardlink';
  /** Layer path of the regular file this entry shares content with. */
  linkTarget: string;
}

export type TreeEntry = FileEntry | DirectoryEntry | SymlinkEntry | HardlinkEntry;

interface Ownership {
  mode?: number;
  uid?: number;
  gid?: number;
}

/** What callers pass to `LayerTree.add`. */
export type EntryInput =
  | ({ path: string; type: 'file'; content: string | Uint8Array } & Ownership)
  | ({ path: string; type: 'file'; sourcePath: string; size?: number } & Ownership)
  | ({ path: string; type: 'directory' } & Ownership)
  | ({ path: string; type: 'symlink'; linkTarget: string } & Ownership)
  | ({ path: string; type: 'hardlink'; linkTarget: string } & Ownership);

export interface AddOptions {
  /** Replace an existing non-directory entry at the same path instead of failing. */
  replace?: boolean;
}

export const DEFAULT_MODES = { file: 0o644, directory: 0o755, symlink: 0o777, hardlink: 0o644 } as const;

function checkId(value: number | undefined, what: string, path: string): number {
  const id = value ?? 0;
  if (!Number.isSafeInteger(id) || id < 0 || id > 0o7777777) {
    throw new ConfigError(`layer entry '${path}': ${what} must be an integer from 0 to 2097151, got ${id}`);
  }
  return id;
}

function toEntry(input: EntryInput, path: string): TreeEntry {
  const base = {
    path,
    mode: (input.mode ?? DEFAULT_MODES[input.type]) & 0o7777,
    uid: checkId(input.uid, 'uid', path),
    gid: checkId(input.gid, 'gid', path),
  };
  switch (input.type) {
    case 'directory':
      return { ...base, type: 'directory', implicit: false };
    case 'symlink':
      if (!input.linkTarget) throw new ConfigError(`layer symlink '${path}' needs a linkTarget`);
      return { ...base, type: 'symlink', mode: 0o777, linkTarget: input.linkTarget };
    case 'hardlink':
      return { ...base, type: 'hardlink', linkTarget: normaliseLayerPath(input.linkTarget) };
    case 'file':
      if ('content' in input) {
        const content = typeof input.content === 'string' ? Buffer.from(input.content) : input.content;
        return { ...base, type: 'file', content, size: content.byteLength };
      }
      return {
        ...base,
        type: 'file',
        sourcePath: input.sourcePath,
        ...(input.size === undefined ? {} : { size: input.size }),
      };
  }
}

/**
 * A layer's contents keyed by path. Parents are created implicitly (0755, root-owned) so every
 * tar has explicit directory entries; adding the same file twice is an error unless `replace`.
 */
export class LayerTree {
  readonly #entries = new Map<string, TreeEntry>();

  /** A tree from a list of entry descriptions. */
  static of(inputs: Iterable<EntryInput>, options: AddOptions = {}): LayerTree {
    const tree = new LayerTree();
    for (const input of inputs) tree.add(input, options);
    return tree;
  }

  /** Adds one entry (and any missing parent directories). Returns the tree for chaining. */
  add(input: EntryInput, options: AddOptions = {}): this {
    const path = normaliseLayerPath(input.path);
    if (path === '') throw new ConfigError(`layer entry '${input.path}' names the layer root`);
    for (const parent of parentsOf(path)) this.#ensureDirectory(parent, path);
    const entry = toEntry(input, path);
    const existing = this.#entries.get(path);
    if (existing) {
      if (existing.type === 'directory' && entry.type === 'directory') {
        if (!existing.implicit && !options.replace) return this; // the same directory twice is harmless
      } else if (!options.replace) {
        throw new ConfigError(`duplicate layer path '${path}' (pass { replace: true } to overwrite)`);
      } else if (existing.type === 'directory') {
        this.remove(path);
      }
    }
    this.#entries.set(path, entry);
    return this;
  }

  /** Adds a regular file with in-memory content. */
  file(path: string, content: string | Uint8Array, options: Ownership = {}): this {
    return this.add({ ...options, path, type: 'file', content });
  }

  /** Adds a directory (explicit mode/owner instead of the implicit defaults). */
  directory(path: string, options: Ownership = {}): this {
    return this.add({ ...options, path, type: 'directory' });
  }

  /** Adds a symlink stored as-is. */
  symlink(path: string, linkTarget: string, options: Ownership = {}): this {
    return this.add({ ...options, path, type: 'symlink', linkTarget });
  }

  /** Adds a hardlink to a regular file that is (or will be) in this tree. */
  hardlink(path: string, linkTarget: string, options: Ownership = {}): this {
    return this.add({ ...options, path, type: 'hardlink', linkTarget });
  }

  /** Removes a path and everything below it. Returns whether anything was removed. */
  remove(path: string): boolean {
    const normalised = normaliseLayerPath(path);
    let removed = this.#entries.delete(normalised);
    for (const key of [...this.#entries.keys()]) {
      if (key.startsWith(`${normalised}/`)) removed = this.#entries.delete(key) || removed;
    }
    return removed;
  }

  has(path: string): boolean {
    return this.#entries.has(normaliseLayerPath(path));
  }

  get(path: string): TreeEntry | undefined {
    return this.#entries.get(normaliseLayerPath(path));
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Entries in insertion order; the tar writer sorts them. */
  entries(): TreeEntry[] {
    return [...this.#entries.values()];
  }

  #ensureDirectory(path: string, child: string): void {
    const existing = this.#entries.get(path);
    if (!existing) {
      const mode = DEFAULT_MODES.directory;
      this.#entries.set(path, { path, type: 'directory', mode, uid: 0, gid: 0, implicit: true });
    } else if (existing.type !== 'directory') {
      throw new ConfigError(
        `layer path '${child}' needs '${path}' to be a directory, but it is a ${existing.type}`,
      );
    }
  }
}
