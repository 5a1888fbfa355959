// The web server: API, event streams, /metrics and the bundled UI on one node:http server.
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { hostname } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AuthTokens } from '../store/auth-tokens.js';
import { HttpError, routes } from './api.js';
import { handleUpgrade } from './api-intercept.js';
import { handleSignIn, type WebContext, type WorkerInfo } from './api-auth.js';
import {
  csrfSafe,
  hostAllowed,
  isLoopback,
  newToken,
  requestUser,
  tokenCookie,
  type AuthConfig,
} from './auth.js';
import type { Hub } from './hub.js';
import { pipelineRefOf } from './instance-vars.js';
import { team } from './json.js';
import { LocalUsers } from './local-users.js';
import { securityHeaders, send } from './respond.js';
import { checkWebhook, webhookPattern } from './webhook.js';

export interface WebOptions {
  hub: Hub;
  host: string;
  port: number;
  /** Required unless `host` is a loopback address (generated then, for actions only); when given,
   * every route needs it. */
  token?: string | undefined;
  debug?: boolean;
  /** Where unexpected errors are reported (one line; the stack too with debug). */
  log?: (line: string) => void;
  /** Who may sign in with a password (fly login, the /login page); reads then need sign-in too. */
  users?: LocalUsers;
  /** What /api/v1/workers shows. */
  worker?: WorkerInfo;
}

export interface WebServer {
  server: Server;
  url: string;
  token: string;
  /** Opening this URL in a browser signs it in for actions. */
  signInUrl: string;
  close: () => Promise<void>;
}

export class WebConfigError extends Error {
  override name = 'WebConfigError';
}

/** The bundled UI: dist/ui next to dist/web (and src/web, when run from source in tests). */
export const uiDir = fileURLToPath(new URL('../../dist/ui/', import.meta.url));

const pipelinesPath = `/api/v1/teams/${team}/pipelines/`;
const basicChallenge = 'Basic realm="hangar", charset="UTF-8"';

const types: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
};

async function serveAsset(res: ServerResponse, path: string): Promise<void> {
  const name = path.startsWith('/assets/') ? path.slice('/assets/'.length) : 'index.html';
  if (!/^[\w.-]+$/.test(name)) return send(res, 404, 'not found\n');
  let body: Buffer;
  try {
    body = await readFile(join(uiDir, name));
  } catch {
    return send(
      res,
      name === 'index.html' ? 503 : 404,
      name === 'index.html' ? 'the UI is not built: run npm run build -w @hangar/runner\n' : 'not found\n',
    );
  }
  res.writeHead(200, {
    'content-type': types[extname(name)] ?? 'application/octet-stream',
    'cache-control': 'no-cache',
    ...securityHeaders,
  });
  res.end(body);
}

export async function startWebServer(o: WebOptions): Promise<WebServer> {
  const loopback = isLoopback(o.host);
  if (!loopback && !o.token)
    throw new WebConfigError(
      `serving on ${o.host} needs a token: set HANGAR_WEB_TOKEN (only 127.0.0.1 may be served without one)`,
    );
  const users = o.users ?? new LocalUsers();
  const auth: AuthConfig = {
    token: o.token ?? newToken(),
    loopback,
    readsNeedToken: !loopback || !!o.token || users.names().length > 0,
    users,
    tokens: new AuthTokens(o.hub.store),
  };
  const worker = o.worker ?? {
    name: hostname(),
    runtime: 'host',
    resourceTypes: [],
    startedAt: Date.now(),
  };
  const server = createServer((req, res) => {
    handle(o, { auth, worker }, req, res).catch((err: unknown) => {
      const line = `web: ${req.method ?? ''} ${(req.url ?? '').split('?')[0] ?? ''}: ${(err as Error).message.split('\n')[0] ?? ''}`;
      o.log?.(o.debug && err instanceof Error && err.stack ? `${line}\n${err.stack}` : line);
      if (!res.headersSent) send(res, 500, 'internal error\n');
      else res.destroy();
    });
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // only clients that send their credentials themselves: a browser cannot add Authorization
    const allowed =
      hostAllowed(req, auth) &&
      req.headers.authorization !== undefined &&
      requestUser(req, auth) !== undefined;
    handleUpgrade(o.hub, req, socket, head, allowed);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const hostText = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${hostText}:${address.port}/`;
  return {
    server,
    url,
    token: auth.token,
    signInUrl: `${url}auth?token=${encodeURIComponent(auth.token)}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function handle(
  o: WebOptions,
  web: WebContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const started = process.hrtime.bigint();
  const url = new URL(req.url ?? '/', 'http://hangar');
  const method = req.method ?? 'GET';
  let route = 'ui';
  res.on('finish', () => {
    const took = Number(process.hrtime.bigint() - started) / 1e9;
    o.hub.metrics.http.observe({ method, route, status: String(res.statusCode) }, took);
  });
  const auth = web.auth;
  if (!hostAllowed(req, auth)) return send(res, 421, 'this server answers to 127.0.0.1 only\n');
  if (url.pathname.startsWith('/sky/') || url.pathname === '/login' || url.pathname === '/fly_success') {
    route = 'sign-in';
    if (await handleSignIn(auth, req, res, url)) return;
  }
  const user = requestUser(req, auth);
  const signedIn = user !== undefined;
  // a credential that does not sign in is refused, not taken for an anonymous read
  if (!signedIn && req.headers.authorization !== undefined) {
    res.setHeader('www-authenticate', basicChallenge);
    return send(res, 401, 'not authorized\n');
  }
  if (url.pathname === '/auth') {
    route = 'auth';
    if (url.searchParams.get('token') !== auth.token) return send(res, 401, 'wrong or missing token\n');
    res.writeHead(303, {
      location: '/',
      'set-cookie': `${tokenCookie}=${encodeURIComponent(auth.token)}; HttpOnly; SameSite=Strict; Path=/`,
      ...securityHeaders,
    });
    return void res.end();
  }
  const webhook = method === 'POST' ? webhookPattern.exec(url.pathname) : null;
  if (webhook) {
    // before sign-in: the webhook token is the credential
    route = 'check-webhook';
    const answer = checkWebhook(o.hub, webhook, url.searchParams);
    const body = typeof answer.body === 'string' ? `${answer.body}\n` : JSON.stringify(answer.body);
    return send(res, answer.status, body, typeof answer.body === 'string' ? undefined : 'application/json');
  }
  // /api/v1/info is public, as in Concourse: fly reads it before it has signed in
  if (auth.readsNeedToken && !signedIn && url.pathname !== '/api/v1/info') {
    res.setHeader('www-authenticate', basicChallenge);
    return send(res, 401, 'sign in at /login, or with the token (any user name)\n');
  }
  if (url.pathname === '/metrics') {
    route = 'metrics';
    const registry = o.hub.metrics.registry;
    return send(res, 200, await registry.metrics(), registry.contentType);
  }
  if (!url.pathname.startsWith('/api/')) {
    if (method !== 'GET' && method !== 'HEAD') return send(res, 405, 'method not allowed\n');
    return serveAsset(res, url.pathname);
  }
  let pathMatched = false;
  for (const r of routes) {
    const m = r.pattern.exec(url.pathname);
    if (!m) continue;
    pathMatched = true;
    if (r.method !== method) continue;
    route = r.name;
    if (r.action && !signedIn)
      return send(res, 401, 'actions need the token: open the sign-in URL hangar printed\n');
    if (r.action && !csrfSafe(req)) return send(res, 403, 'cross-site request refused\n');
    try {
      const params = m.slice(1).map((p) => decodeURIComponent(p));
      // an instanced pipeline's routes name it by group and instance vars: handlers get its ref
      if (url.pathname.startsWith(pipelinesPath) && params[0] !== undefined)
        params[0] = pipelineRefOf(params[0], url.searchParams);
      const body = await r.handler({ hub: o.hub, params, query: url.searchParams, req, res, user, web });
      if (body === undefined) return;
      const status = res.statusCode === 200 ? 200 : res.statusCode;
      if (status === 204) {
        res.writeHead(204, securityHeaders);
        return void res.end();
      }
      return send(res, status, JSON.stringify(body), 'application/json; charset=utf-8');
    } catch (err) {
      if (err instanceof HttpError) return send(res, err.status, `${err.message}\n`);
      throw err;
    }
  }
  send(res, pathMatched ? 405 : 404, pathMatched ? 'method not allowed\n' : 'not found\n');
}
