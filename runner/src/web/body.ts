// Request bodies, read whole with a size cap (a pipeline config, a sign-in form).
import type { IncomingMessage } from 'node:http';
import { HttpError } from './api.js';

export async function readBody(req: IncomingMessage, limit = 16 << 20): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new HttpError(413, `request body over ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  return new URLSearchParams((await readBody(req, 64 << 10)).toString('utf8'));
}

export async function readJson(req: IncomingMessage): Promise<unknown> {
  const text = (await readBody(req, 1 << 20)).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, 'request body is not JSON');
  }
}
