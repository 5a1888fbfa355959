// Reads back every header of a tar (as bytes) for assertions.
import { Readable } from 'node:stream';
import { extract, type Header } from 'tar-stream';

export interface ReadEntry {
  header: Header;
  content: Buffer;
}

export async function readTar(tar: Buffer): Promise<ReadEntry[]> {
  const extractor = extract();
  Readable.from([tar]).pipe(extractor);
  const entries: ReadEntry[] = [];
  for await (const entry of extractor) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry) chunks.push(chunk as Buffer);
    entries.push({ header: entry.header, content: Buffer.concat(chunks) });
  }
  return entries;
}
