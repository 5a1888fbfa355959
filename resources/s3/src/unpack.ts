// `params.unpack`: recognise the downloaded file by its first bytes and extract it safely
// (nothing is written outside the destination), then remove the archive, as the Go resource does.
import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { ConfigError, extractTar, resolveInside, type Logger } from '@hangar/resource-sdk';

export type ArchiveKind = 'zip' | 'tar' | 'gzip' | 'bzip2';

async function head(path: string, length = 512): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

export function sniffArchive(bytes: Buffer): ArchiveKind | undefined {
  if (bytes.length >= 4 && bytes.readUInt32BE(0) === 0x504b0304) return 'zip';
  if (bytes.length >= 4 && bytes.readUInt32BE(0) === 0x504b0506) return 'zip'; // empty zip
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) return 'gzip';
  if (bytes.length >= 3 && bytes.toString('latin1', 0, 3) === 'BZh') return 'bzip2';
  if (bytes.length >= 262 && bytes.toString('latin1', 257, 262) === 'ustar') return 'tar';
  return undefined;
}

/** `app.tgz` → `app.tar`, `notes.txt.gz` → `notes.txt`, `x.bz2` → `x`. */
function decompressedName(name: string): string {
  const renamed = name
    .replace(/\.(tgz|taz)$/i, '.tar')
    .replace(/\.(tbz2?|tbz)$/i, '.tar')
    .replace(/\.(gz|bz2)$/i, '');
  return renamed === name ? `${name}.out` : renamed;
}

async function extractZip(path: string, destination: string, log: Logger): Promise<void> {
  const yauzl = await import('yauzl');
  const zip = await new Promise<import('yauzl').ZipFile>((done, fail) =>
    yauzl.open(path, { lazyEntries: true, autoClose: true, validateEntrySizes: true }, (error, file) =>
      error ? fail(error) : done(file),
    ),
  );
  await new Promise<void>((done, fail) => {
    const stop = (error: unknown) => {
      zip.close();
      fail(error instanceof Error ? error : new Error(String(error)));
    };
    zip.on('error', stop);
    zip.on('end', () => done());
    zip.on('entry', (entry: import('yauzl').Entry) => {
      void (async () => {
        const mode = (entry.externalFileAttributes >>> 16) & 0o170777;
        const target = resolveInside(destination, entry.fileName);
        if (entry.fileName.endsWith('/')) {
          await mkdir(target, { recursive: true });
        } else if ((mode & 0o170000) === 0o120000) {
          log.warn(`not restoring symlink '${entry.fileName}' from the zip archive`);
        } else {
          await mkdir(dirname(target), { recursive: true });
          const stream = await new Promise<NodeJS.ReadableStream>((ok, ko) =>
            zip.openReadStream(entry, (error, readable) => (error ? ko(error) : ok(readable))),
          );
          await pipeline(stream, createWriteStream(target));
          if (mode & 0o777) await chmod(target, mode & 0o777);
        }
        zip.readEntry();
      })().catch(stop);
    });
    zip.readEntry();
  });
}

/** Unpacks `path` into its directory and removes it; returns what kind of archive it was. */
export async function unpackFile(path: string, log: Logger): Promise<ArchiveKind> {
  const destination = dirname(path);
  const kind = sniffArchive(await head(path));
  const name = basename(path);
  if (!kind)
    throw new ConfigError(
      `cannot unpack '${name}' (params.unpack): it is not a zip, tar, gzip or bzip2 archive`,
    );
  try {
    if (kind === 'zip') await extractZip(path, destination, log);
    else if (kind === 'tar') await extractTar(createReadStream(path), destination);
    else {
      const decompressed = join(destination, decompressedName(name));
      const temporary = `${decompressed}.${process.pid}.part`;
      const decoder = kind === 'gzip' ? createGunzip() : (await import('unbzip2-stream')).default();
      await pipeline(createReadStream(path), decoder, createWriteStream(temporary));
      if (sniffArchive(await head(temporary)) === 'tar') {
        await extractTar(createReadStream(temporary), destination);
        await rm(temporary);
      } else {
        await rename(temporary, decompressed);
      }
    }
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`cannot unpack '${name}' as ${kind}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  await rm(path, { force: true });
  return kind;
}
