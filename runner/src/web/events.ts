// GET /api/v1/builds/:id/events: the build's stored events as server-sent events in Concourse's
// envelope, resumable with Last-Event-ID, closed by an `end` event once the build has finished.
// Stored rows are sent as they are, framed by SQLite a page at a time, each sent before the next
// is read: memory stays flat however long the log. A finished build's events never change, so
// they are framed once into a file, which every stream of it from the start sends a large chunk at
// a time through one reused buffer: no database or garbage-collector work per event.
import { randomUUID } from 'node:crypto';
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { finishedStatuses, type BuildRow, type Store } from '../store/store.js';
import type { Hub } from './hub.js';

const pageSize = 2000;
const chunkSize = 1 << 20;
const endFrame = 'event: end\ndata: \n\n';

const isFinished = (build: BuildRow): boolean => finishedStatuses.includes(build.status);

export async function streamEvents(
  hub: Hub,
  buildId: number,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const store = hub.store;
  const build = store.build(buildId); // 404 before any header is sent
  const resumeFrom = Number(req.headers['last-event-id']);
  let last = Number.isInteger(resumeFrom) && resumeFrom > 0 ? resumeFrom : 0;
  const closed = new AbortController();
  res.on('close', () => closed.abort());
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    'x-atc-stream-version': '2.0',
    'x-accel-buffering': 'no',
  });
  res.flushHeaders();
  if (last === 0 && isFinished(build)) {
    await sendFile(res, await framesFile(store, build), closed.signal);
    if (!closed.signal.aborted) res.end(endFrame);
    return;
  }
  while (!closed.signal.aborted) {
    // status first: a build is marked finished only after its last event is stored
    const finished = isFinished(store.build(buildId));
    const page = store.eventFrames(buildId, last, pageSize);
    if (page) {
      last = page.last;
      await written(res, page.frames, closed.signal);
      continue;
    }
    if (finished) {
      res.end(endFrame);
      return;
    }
    await hub.waitForEvents(buildId, closed.signal);
  }
}

/**
 * `.hangar/events/<id>-<end time>.sse`, the frames of a finished build's events, written on first
 * use (the end time keeps a file from matching another build should the database be replaced).
 */
const framesPath = (store: Store, build: BuildRow): string =>
  join(store.dir, 'events', `${build.id}-${build.endTime}.sse`);

/** Deletes the frames files of builds whose events are gone (a destroyed pipeline's). */
export async function removeFramesFiles(store: Store, builds: readonly BuildRow[]): Promise<void> {
  await Promise.all(builds.map((b) => rm(framesPath(store, b), { force: true })));
}

async function framesFile(store: Store, build: BuildRow): Promise<string> {
  const file = framesPath(store, build);
  if (existsSync(file)) return file;
  await mkdir(join(store.dir, 'events'), { recursive: true });
  const temp = `${file}.${randomUUID()}`; // concurrent first streams each write their own
  function* pages(): Generator<Buffer> {
    let page = store.eventFrames(build.id, 0, pageSize);
    for (; page; page = store.eventFrames(build.id, page.last, pageSize)) yield page.frames;
  }
  try {
    await writeFile(temp, pages());
    await rename(temp, file);
  } finally {
    await rm(temp, { force: true });
  }
  return file;
}

/**
 * Sends `file` a chunk at a time through one buffer, reused once the socket has sent it. Reads are
 * synchronous, like the database's: a chunk of a file just written comes from the page cache.
 */
async function sendFile(res: ServerResponse, file: string, signal: AbortSignal): Promise<void> {
  const fd = openSync(file, 'r');
  try {
    const chunk = Buffer.allocUnsafe(chunkSize);
    let bytesRead: number;
    while ((bytesRead = readSync(fd, chunk, 0, chunkSize, null)) > 0 && !signal.aborted)
      await written(res, chunk.subarray(0, bytesRead), signal);
  } finally {
    closeSync(fd);
  }
}

/** Writes `chunk`; resolves once the socket has sent all of it (backpressure, and the memory is
 * free to reuse) or the client has gone. */
function written(res: ServerResponse, chunk: Buffer, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      signal.removeEventListener('abort', done);
      resolve();
    };
    signal.addEventListener('abort', done);
    if (signal.aborted) done();
    else res.write(chunk, done);
  });
}
