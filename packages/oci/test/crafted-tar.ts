// Hand-made tars for unpack tests: tar-stream directly, so anything (even hostile) can be written.
import { buffer } from 'node:stream/consumers';
import { Readable } from 'node:stream';
import { pack, type Header } from 'tar-stream';

export type CraftedEntry = Partial<Header> & { name: string; content?: string };

export async function craftTar(entries: CraftedEntry[]): Promise<Buffer> {
  const archive = pack();
  for (const { content, ...header } of entries) {
    await new Promise<void>((resolve, reject) => {
      const done = (error?: Error | null) => (error ? reject(error) : resolve());
      if (content !== undefined) archive.entry({ type: 'file', mode: 0o644, ...header }, content, done);
      else archive.entry({ mode: header.type === 'directory' ? 0o755 : 0o644, ...header }, done);
    });
  }
  archive.finalize();
  return buffer(Readable.from(archive));
}
