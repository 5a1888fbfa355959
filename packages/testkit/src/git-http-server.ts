// Smart HTTP for git: a node:http server on 127.0.0.1 that runs `git http-backend` (CGI) per request,
// with optional basic auth, or HTTPS with a self-signed certificate. Pushes are enabled
// (http.receivepack=true).
import { spawn } from 'node:child_process';
import { timingSafeEqual } from 'node:crypto';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Server } from 'node:net';
import { createGunzip } from 'node:zlib';
import { requireBinary } from './bin.js';
import { gitEnv } from './git-repo.js';
import { LOOPBACK } from './ports.js';
import { selfSignedCertificate } from './tls.js';

export interface BasicAuth {
  username: string;
  password: string;
}

export interface GitHttpServerOptions {
  /** Directory whose bare repositories are served: <root>/<name>.git -> http://127.0.0.1:port/<name>.git */
  root: string;
  /** Require these credentials on every request (401 otherwise). */
  auth?: BasicAuth;
  /** Serve HTTPS with a self-signed certificate for 127.0.0.1 made at start (see `certificate`). */
  tls?: boolean;
}

export interface GitHttpRequest {
  method: string;
  path: string;
  contentEncoding: string | undefined;
  status: number;
}

export interface GitHttpServer extends AsyncDisposable {
  readonly port: number;
  /** http://127.0.0.1:port, or https:// with `tls`. */
  readonly baseUrl: string;
  /** With `tls`, the PEM certificate the server presents (self-signed: git refuses it unless told). */
  readonly certificate: string | undefined;
  readonly auth: BasicAuth | undefined;
  /** Every request served so far, oldest first (no credentials recorded). */
  readonly requests: readonly GitHttpRequest[];
  /** <baseUrl>/<relative path>, without credentials. */
  url(relativePath: string): string;
  /** Same URL with `auth` (or the given credentials) as userinfo, for git clients. */
  urlWithCredentials(relativePath: string, credentials?: BasicAuth): string;
  stop(): Promise<void>;
}

export async function startGitHttpServer(options: GitHttpServerOptions): Promise<GitHttpServer> {
  const gitBinary = requireBinary('git');
  const requests: GitHttpRequest[] = [];
  const handle = (request: IncomingMessage, response: ServerResponse) => {
    response.once('finish', () =>
      requests.push({
        method: request.method ?? 'GET',
        path: new URL(request.url ?? '/', 'http://localhost').pathname,
        contentEncoding: request.headers['content-encoding'],
        status: response.statusCode,
      }),
    );
    if (options.auth && !authorized(request, options.auth)) {
      response.writeHead(401, {
        'WWW-Authenticate': 'Basic realm="hangar-testkit"',
        'Content-Type': 'text/plain',
      });
      response.end('authentication required\n');
      return;
    }
    runBackend(gitBinary, options.root, request, response);
  };
  const tls = options.tls ? await selfSignedCertificate() : undefined;
  const server = tls ? createHttpsServer(tls, handle) : createServer(handle);
  const port = await listen(server);
  const baseUrl = `${tls ? 'https' : 'http'}://${LOOPBACK}:${port}`;
  const stop = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  const withSlash = (path: string) => (path.startsWith('/') ? path : `/${path}`);
  return {
    port,
    baseUrl,
    certificate: tls?.cert,
    auth: options.auth,
    requests,
    url: (path) => `${baseUrl}${withSlash(path)}`,
    urlWithCredentials(path, credentials = options.auth) {
      if (!credentials) throw new Error('urlWithCredentials needs credentials: start the server with auth');
      const url = new URL(`${baseUrl}${withSlash(path)}`);
      url.username = credentials.username;
      url.password = credentials.password;
      return url.toString();
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      const address = server.address();
      if (address && typeof address === 'object') resolve(address.port);
      else reject(new Error('git http server has no port'));
    });
  });
}

function authorized(request: IncomingMessage, auth: BasicAuth): boolean {
  const header = request.headers.authorization ?? '';
  if (!header.startsWith('Basic ')) return false;
  const given = Buffer.from(header.slice(6), 'base64');
  const expected = Buffer.from(`${auth.username}:${auth.password}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function runBackend(
  gitBinary: string,
  root: string,
  request: IncomingMessage,
  response: ServerResponse,
): void {
  const url = new URL(request.url ?? '/', 'http://localhost');
  let pathInfo: string;
  try {
    pathInfo = decodeURIComponent(url.pathname);
  } catch {
    response.writeHead(400, { 'Content-Type': 'text/plain' });
    response.end('malformed path\n');
    return;
  }
  const header = (name: string) => {
    const value = request.headers[name];
    return Array.isArray(value) ? value.join(', ') : (value ?? '');
  };
  const child = spawn(gitBinary, ['http-backend'], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: gitEnv({
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: '1',
      // Without a REMOTE_USER, http-backend only accepts pushes when http.receivepack is true.
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'http.receivepack',
      GIT_CONFIG_VALUE_0: 'true',
      GATEWAY_INTERFACE: 'CGI/1.1',
      SERVER_PROTOCOL: `HTTP/${request.httpVersion}`,
      REQUEST_METHOD: request.method ?? 'GET',
      PATH_INFO: pathInfo,
      QUERY_STRING: url.search.slice(1),
      CONTENT_TYPE: header('content-type'),
      REMOTE_ADDR: request.socket.remoteAddress ?? LOOPBACK,
      REMOTE_USER: basicAuthUser(header('authorization')),
      GIT_PROTOCOL: header('git-protocol'),
    }),
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  child.on('error', (error) => fail(response, `git http-backend could not start: ${error.message}`));

  // The body may be gzip-compressed (git does this for large fetch negotiations); http-backend reads
  // plain bytes until EOF since we pass no CONTENT_LENGTH.
  const body = /\bgzip\b/i.test(header('content-encoding')) ? request.pipe(createGunzip()) : request;
  body.on('error', (error) => {
    child.kill('SIGKILL');
    fail(response, `bad request body: ${error.message}`);
  });
  child.stdin.on('error', () => undefined);
  body.pipe(child.stdin);

  let head = Buffer.alloc(0);
  let headersSent = false;
  child.stdout.on('data', (chunk: Buffer) => {
    if (headersSent) {
      response.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const parsed = parseCgiHead(head);
    if (!parsed) return;
    response.writeHead(parsed.status, parsed.headers);
    headersSent = true;
    if (parsed.rest.length > 0) response.write(parsed.rest);
  });
  child.on('close', (code) => {
    if (!headersSent) fail(response, `git http-backend exited with code ${code}: ${stderr.trim()}`);
    else response.end();
  });
}

function fail(response: ServerResponse, message: string): void {
  if (response.writableEnded) return;
  if (response.headersSent) {
    response.destroy();
    return;
  }
  response.writeHead(500, { 'Content-Type': 'text/plain' });
  response.end(`${message}\n`);
}

function basicAuthUser(header: string): string {
  if (!header.startsWith('Basic ')) return '';
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  return decoded.slice(0, Math.max(0, decoded.indexOf(':')));
}

/** Splits CGI output into status, headers and the start of the body; undefined until the blank line arrives. */
export function parseCgiHead(
  output: Buffer,
): { status: number; headers: Record<string, string>; rest: Buffer } | undefined {
  const crlf = output.indexOf('\r\n\r\n');
  const lf = output.indexOf('\n\n');
  let end: number;
  let separator: number;
  if (crlf !== -1 && (lf === -1 || crlf < lf)) [end, separator] = [crlf, 4];
  else if (lf !== -1) [end, separator] = [lf, 2];
  else return undefined;
  let status = 200;
  const headers: Record<string, string> = {};
  for (const line of output.subarray(0, end).toString('latin1').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon === -1) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 500;
    else headers[name] = value;
  }
  return { status, headers, rest: output.subarray(end + separator) };
}
