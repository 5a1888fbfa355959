// Deterministic tar bytes from a LayerTree: sorted, explicit parents, fixed owner and time.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ConfigError } from '@hangar/resource-sdk';
import { pack, type Header, type Pack } from 'tar-stream';
import { resolveEpoch } from './epoch.js';
import { compareLayerPaths } from './layer-path.js';
import type { FileEntry, LayerTree, TreeEntry } from './tree.js';

export interface TarOptions {
  /** Seconds since 1970 for every entry's mtime; default SOURCE_DATE_EPOCH, else 0. */
  epoch?: number;
}

type PlannedEntry = { header: Header; file?: FileEntry };

/** Follows hardlink chains to the regular file that holds the content. */
function linkedFile(byPath: Map<string, TreeEntry>, entry: TreeEntry): FileEntry {
  let current: TreeEntry | undefined = entry;
  for (let hops = 0; current?.type === 'hardlink' && hops < 64; hops += 1) {
    current = byPath.get(current.linkTarget);
  }
  if (current?.type !== 'file') {
    throw new ConfigError(`layer hardlink '${entry.path}' must point at a regular file in the same layer`);
  }
  return current;
}

/**
 * Sorts entries byte-wise by path and rewrites hardlink groups so the first path in that order
 * carries the content and every other member links to it (tar readers need the target first).
 */
export function planLayer(tree: LayerTree, options: TarOptions = {}): PlannedEntry[] {
  const mtime = new Date(resolveEpoch(options.epoch) * 1000);
  const entries = tree.entries().sort((a, b) => compareLayerPaths(a.path, b.path));
  const byPath = new Map(entries.map((entry) => [entry.path, entry]));
  const carrier = new Map<FileEntry, string>();
  for (const entry of entries) {
    if (entry.type !== 'hardlink') continue;
    const file = linkedFile(byPath, entry);
    const first = carrier.get(file) ?? file.path;
    carrier.set(file, compareLayerPaths(entry.path, first) < 0 ? entry.path : first);
  }
  const base = (entry: TreeEntry) => ({
    name: entry.path,
    uid: entry.uid,
    gid: entry.gid,
    uname: '',
    gname: '',
    mtime,
  });
  return entries.map((entry): PlannedEntry => {
    switch (entry.type) {
      case 'directory':
        return {
          header: {
            ...base(entry),
            name: `${entry.path}/`,
            type: 'directory',
            mode: entry.mode,
            size: 0,
          } as Header,
        };
      case 'symlink':
        return {
          header: {
            ...base(entry),
            type: 'symlink',
            mode: 0o777,
            size: 0,
            linkname: entry.linkTarget,
          } as Header,
        };
      case 'file':
      case 'hardlink': {
        const file = entry.type === 'file' ? entry : linkedFile(byPath, entry);
        const holder = carrier.get(file) ?? file.path;
        const header = { ...base(entry), mode: file.mode, uid: file.uid, gid: file.gid };
        if (holder === entry.path)
          return { header: { ...header, type: 'file', size: file.size } as Header, file };
        return { header: { ...header, type: 'link', size: 0, linkname: holder } as Header };
      }
    }
  });
}

async function writeEntry(archive: Pack, planned: PlannedEntry): Promise<void> {
  const { file } = planned;
  let { header } = planned;
  if (file?.sourcePath && file.size === undefined)
    header = { ...header, size: (await stat(file.sourcePath)).size };
  return new Promise((resolve, reject) => {
    const done = (error?: Error | null) => (error ? reject(error) : resolve());
    if (!file) {
      archive.entry(header, done);
    } else if (file.content) {
      archive.entry(header, file.content, done);
    } else {
      const sink = archive.entry(header, done);
      pipeline(createReadStream(file.sourcePath ?? ''), sink).catch((error: unknown) => {
        reject(
          new ConfigError(`cannot add '${file.sourcePath}' to layer as '${header.name}'`, { cause: error }),
        );
      });
    }
  });
}

/**
 * Streams the tree as a POSIX ustar archive: entries sorted byte-wise by path, every parent
 * directory present, uid/gid as given (0 by default), empty uname/gname, one mtime for all, no
 * atime/ctime. PAX records appear only for paths longer than ustar allows, and hold only the path.
 */
export function packLayerTar(tree: LayerTree, options: TarOptions = {}): Readable {
  const planned = planLayer(tree, options);
  const archive = pack();
  void (async () => {
    for (const entry of planned) await writeEntry(archive, entry);
    archive.finalize();
  })().catch((error: unknown) => archive.destroy(error as Error));
  return Readable.from(archive);
}

/** The whole tar in memory; convenient for small layers and tests. */
export async function layerTarBuffer(tree: LayerTree, options: TarOptions = {}): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of packLayerTar(tree, options)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
