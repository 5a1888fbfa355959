// GET /api/v1/builds/:id/events: the build's stored events as server-sent events in Concourse's
// envelope, resumable with Last-Event-ID, closed by an `end` event once the build has finished.
// Stored rows are sent as they are, framed by SQLite a page at a time, waiting for the socket to
// drain: memory stays flat however long the log.
import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { finishedStatuses } from '../store/store.js';
import type { Hub } from './hub.js';

const pageSize = 2000;

export async function streamEvents(
  hub: Hub,
  buildId: number,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const store = hub.store;
  store.build(buildId); // 404 before any header is sent
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
  while (!closed.signal.aborted) {
    // status first: a build is marked finished only after its last event is stored
    const finished = finishedStatuses.includes(store.build(buildId).status);
    const page = store.eventFrames(buildId, last, pageSize);
    if (page) {
      last = page.last;
      if (!res.write(page.frames)) await drained(res, closed.signal);
      continue;
    }
    if (finished) {
      res.end('event: end\ndata: \n\n');
      return;
    }
    await hub.waitForEvents(buildId, closed.signal);
  }
}

async function drained(res: ServerResponse, signal: AbortSignal): Promise<void> {
  try {
    await once(res, 'drain', { signal });
  } catch {
    // the client went away; the loop sees the aborted signal
  }
}
