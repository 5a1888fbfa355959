import { createWriteStream } from 'node:fs';
import { lstat, mkdir, realpath, symlink, link, chmod } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { Header } from 'tar-stream';
import { ConfigError } from './errors.js';
import { isInside, resolveInside } from './files.js';

export interface ExtractOptions {
  /** Drop this many leading path components from every entry (like `tar --strip-components`). */
  stripComponents?: number;
}

const GZIP_MAGIC = [0x1f, 0x8b];

/** Peeks at the first bytes to decide whether the stream is gzip-compressed. */
async function decompressed(input: Readable): Promise<Readable> {
  const iterator = input[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const first = await iterator.next();
  const head: Buffer = first.done ? Buffer.alloc(0) : first.value;
  const rest = async function* () {
    if (head.length) yield head;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  };
  const whole = Readable.from(rest());
  const isGzip = head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
  return isGzip ? whole.pipe(createGunzip()) : whole;
}

function strip(name: string, count: number): string | undefined {
  if (name.startsWith('/')) throw new ConfigError(`refusing absolute path '${name}' in archive`);
  const parts = name.split('/').filter((part) => part !== '' && part !== '.');
  const kept = parts.slice(count);
  return kept.length ? kept.join('/') : undefined;
}

/** A link target may only point at something inside the destination, after resolving it. */
function checkLinkTarget(destination: string, entryPath: string, header: Header): string {
  const target = header.linkname ?? '';
  const resolved =
    header.type === 'link' ? resolve(destination, target) : resolve(dirname(entryPath), target);
  if (target.startsWith('/') || !isInside(destination, resolved)) {
    throw new ConfigError(
      `refusing archive entry '${header.name}': link to '${target}' points outside the destination`,
    );
  }
  return resolved;
}

/** Parents must be real directories inside the destination, not symlinks planted by earlier entries. */
async function checkParent(destination: string, entryPath: string, name: string): Promise<void> {
  const parent = dirname(entryPath);
  await mkdir(parent, { recursive: true });
  if (!isInside(destination, await realpath(parent))) {
    throw new ConfigError(`refusing archive entry '${name}': its directory leads outside the destination`);
  }
  const existing = await lstat(entryPath).catch(() => undefined);
  if (existing?.isSymbolicLink())
    throw new ConfigError(`refusing archive entry '${name}': it would write through a symlink`);
}

/**
 * Unpacks a tar or tar.gz stream into `destination`, refusing absolute paths, `..` escapes and
 * links that point outside — the classic archive traversal attacks.
 */
export async function extractTar(
  input: Readable,
  destination: string,
  options: ExtractOptions = {},
): Promise<string[]> {
  const root = resolve(destination);
  await mkdir(root, { recursive: true });
  const realRoot = await realpath(root);
  const written: string[] = [];
  // Loaded on first use so resources that never unpack do not pay for it at start-up.
  const { extract: tarExtract } = await import('tar-stream');
  const extractor = tarExtract();
  const consume = (async () => {
    try {
      for await (const entry of extractor) {
        const { header } = entry;
        const name = strip(header.name, options.stripComponents ?? 0);
        if (!name) {
          entry.resume();
          continue;
        }
        const target = resolveInside(realRoot, name);
        if (header.type === 'directory') {
          await mkdir(target, { recursive: true });
          entry.resume();
          continue;
        }
        await checkParent(realRoot, target, header.name);
        if (header.type === 'file' || header.type === 'contiguous-file') {
          await pipeline(entry, createWriteStream(target, { mode: (header.mode ?? 0o644) & 0o777 }));
          await chmod(target, (header.mode ?? 0o644) & 0o777);
        } else if (header.type === 'symlink') {
          checkLinkTarget(realRoot, target, header);
          await symlink(header.linkname ?? '', target);
          entry.resume();
        } else if (header.type === 'link') {
          await link(
            checkLinkTarget(realRoot, target, {
              ...header,
              linkname: strip(header.linkname ?? '', options.stripComponents ?? 0) ?? '',
            }),
            target,
          );
          entry.resume();
        } else {
          entry.resume(); // devices and fifos are never created by a resource
          continue;
        }
        written.push(name);
      }
    } catch (error) {
      extractor.destroy(error as Error);
      throw error;
    }
  })();
  await Promise.all([pipeline(await decompressed(input), extractor), consume]);
  return written;
}
