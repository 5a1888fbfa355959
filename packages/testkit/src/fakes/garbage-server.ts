// A server that answers every request with what a remote sends when it is not the API a client
// expects: a proxy's HTML login page, an empty object, a body cut off mid-way, or JSON of the wrong
// types. Clients must turn each into one line naming the endpoint, never a crash.
import type { IncomingMessage, Server } from 'node:http';
import { closeServer, listenLocal } from './http-server.js';

export interface GarbageAnswer {
  status?: number;
  contentType: string;
  body: string;
  /** More response headers (a challenge that sends the client to a garbage token endpoint). */
  headers?: Record<string, string>;
}

/** The answers every client is tested with; JSON of the wrong types is each test's own (`jsonAnswer`). */
export const GARBAGE_ANSWERS = {
  'HTML with 200': {
    contentType: 'text/html; charset=utf-8',
    body: '<!DOCTYPE html>\n<html><head><title>Proxy sign-in</title></head><body>Please sign in</body></html>',
  },
  'empty JSON': { contentType: 'application/json', body: '{}' },
  'truncated JSON': { contentType: 'application/json', body: '{"id": 1, "name": "cut off mid-str' },
} as const satisfies Record<string, GarbageAnswer>;

/** `value` as JSON with status 200: a well-formed answer to let a client past, or one of the wrong types. */
export const jsonAnswer = (value: unknown): GarbageAnswer => ({
  contentType: 'application/json',
  body: JSON.stringify(value),
});

export interface GarbageServer {
  /** Base URL, no trailing slash. */
  url: string;
  /** `METHOD /path?query` of every request, in order. */
  requests: string[];
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Serves `answer` (or what it returns for each request) on 127.0.0.1 to every request. */
export async function startGarbageServer(
  answer: GarbageAnswer | ((request: IncomingMessage) => GarbageAnswer),
): Promise<GarbageServer> {
  const requests: string[] = [];
  const { server, url }: { server: Server; url: string } = await listenLocal((request, _body, response) => {
    requests.push(`${request.method} ${request.url}`);
    const {
      status = 200,
      contentType,
      body,
      headers,
    } = typeof answer === 'function' ? answer(request) : answer;
    response.writeHead(status, { ...headers, 'content-type': contentType });
    response.end(body);
  });
  const stop = () => closeServer(server);
  return { url, requests, stop, [Symbol.asyncDispose]: stop };
}
