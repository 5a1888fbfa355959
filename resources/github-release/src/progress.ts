// Upload progress on stderr: a file streamed through a byte counter that reports every tenth.
import { createReadStream } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Logger } from '@hangar/resource-sdk';

/** Smaller assets upload quickly enough that progress would only be noise. */
export const PROGRESS_MIN_BYTES = 1024 * 1024;
const STEPS = 10;

const mib = (bytes: number) => (bytes / (1024 * 1024)).toFixed(1);

/** `path` as a stream for fetch, logging `name`'s progress when it is large. */
export function streamWithProgress(
  path: string,
  name: string,
  size: number,
  log: Logger,
): WebReadableStream<Uint8Array> {
  const file = createReadStream(path);
  if (size < PROGRESS_MIN_BYTES) return Readable.toWeb(file) as WebReadableStream<Uint8Array>;
  let sent = 0;
  let reported = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      sent += chunk.length;
      const step = Math.floor((sent / size) * STEPS);
      if (step > reported) {
        reported = step;
        log.info(`uploading ${name}: ${step * STEPS}% (${mib(sent)} of ${mib(size)} MiB)`);
      }
      done(null, chunk);
    },
  });
  file.on('error', (error) => counter.destroy(error));
  return Readable.toWeb(file.pipe(counter)) as WebReadableStream<Uint8Array>;
}
