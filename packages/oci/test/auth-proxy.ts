// A small auth front for the real registry: basic auth, or the Bearer challenge + token endpoint
// flow (as Docker Hub and distribution's `auth.token` do), proxying authorised requests upstream.
import { randomBytes } from 'node:crypto';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AuthProxy extends AsyncDisposable {
  url: string;
  /** Scopes asked for at the token endpoint, one entry per token request. */
  tokenRequests: string[][];
  /** Forgets every issued token, as if they had expired. */
  expireTokens(): void;
  close(): Promise<void>;
}

interface Options {
  upstream: URL;
  mode: 'basic' | 'bearer';
  username: string;
  password: string;
}

function scopeFor(req: IncomingMessage): string | undefined {
  const match = /^\/v2\/(.+?)\/(blobs|manifests)\//.exec(req.url ?? '');
  if (!match) return undefined;
  const write = !['GET', 'HEAD'].includes(req.method ?? 'GET');
  return `repository:${match[1]}:${write ? 'pull,push' : 'pull'}`;
}

export async function startAuthProxy(options: Options): Promise<AuthProxy> {
  const tokens = new Map<string, Set<string>>();
  const tokenRequests: string[][] = [];
  const basic = `Basic ${Buffer.from(`${options.username}:${options.password}`).toString('base64')}`;
  let base = '';

  const covers = (granted: Set<string>, needed: string) => {
    const [, name, actions] = /^repository:(.+):(.+)$/.exec(needed) ?? [];
    return (actions ?? '')
      .split(',')
      .every((action) =>
        [...granted].some(
          (scope) =>
            scope.startsWith(`repository:${name}:`) && scope.split(':')[2]?.split(',').includes(action),
        ),
      );
  };

  const deny = (res: ServerResponse, challenge: string) => {
    res.writeHead(401, { 'www-authenticate': challenge, 'content-type': 'application/json' });
    res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }));
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', base);
    if (url.pathname === '/token') {
      if (req.headers.authorization !== basic) return deny(res, 'Basic realm="token"');
      const scopes = url.searchParams.getAll('scope');
      tokenRequests.push(scopes);
      const token = randomBytes(12).toString('hex');
      tokens.set(token, new Set(scopes));
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ token, expires_in: 300 }));
    }
    const scope = scopeFor(req);
    const auth = req.headers.authorization ?? '';
    if (options.mode === 'basic' && auth !== basic) return deny(res, 'Basic realm="registry"');
    if (options.mode === 'bearer') {
      const granted = tokens.get(auth.replace(/^Bearer /, ''));
      if (!granted || (scope && !covers(granted, scope))) {
        const scopeParam = scope ? `,scope="${scope}"` : '';
        return deny(res, `Bearer realm="${base}/token",service="hangar-test"${scopeParam}`);
      }
    }
    const headers = { ...req.headers };
    delete headers.authorization;
    const upstream = request(
      {
        host: options.upstream.hostname,
        port: options.upstream.port,
        method: req.method,
        path: req.url,
        headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', (error) => res.destroy(error));
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  server.on('connection', (socket) => server.once('close', () => socket.destroy()));
  return {
    url: base,
    tokenRequests,
    expireTokens: () => tokens.clear(),
    close,
    [Symbol.asyncDispose]: close,
  };
}
