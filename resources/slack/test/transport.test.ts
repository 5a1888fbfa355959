// source.proxy, proxy_https_tunnel, insecure and ca_certs, against local servers only.
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, request as httpRequest, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FakeSlack } from '@hangar/testkit';
import { invoke, tempDir } from './invoke.js';

const fixtures = join(import.meta.dirname, 'fixtures', 'tls');
const cert = readFileSync(join(fixtures, 'cert.pem'), 'utf8');
const key = readFileSync(join(fixtures, 'key.pem'), 'utf8');

const listen = async (server: Server): Promise<number> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
};
const close = (server: Server) => {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(resolve));
};

let slack: FakeSlack;
let proxy: Server;
let proxyPort: number;
const proxied: string[] = [];
let tlsServer: Server;
let tlsPort: number;
const tlsBodies: string[] = [];

beforeAll(async () => {
  slack = await FakeSlack.start();
  // A forward proxy: absolute-URI requests are relayed, CONNECT opens a tunnel.
  proxy = createHttpServer((request, response) => {
    proxied.push(`${request.method} ${request.url}`);
    const upstream = httpRequest(
      request.url ?? '',
      { method: request.method, headers: request.headers },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    request.pipe(upstream);
  });
  proxy.on('connect', (request, socket, head) => {
    proxied.push(`CONNECT ${request.url}`);
    const [host = '', port = ''] = (request.url ?? '').split(':');
    const upstream = connect(Number(port), host, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
  });
  proxyPort = await listen(proxy);
  tlsServer = createHttpsServer({ key, cert }, (request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      tlsBodies.push(Buffer.concat(chunks).toString());
      response.end('ok');
    });
  });
  tlsPort = await listen(tlsServer);
});
afterAll(async () => {
  await Promise.all([slack.close(), close(proxy), close(tlsServer)]);
});

const put = async (source: Record<string, unknown>) =>
  invoke(
    'out',
    { source: { retries: 0, ...source }, params: { text: 'via transport' } },
    { dir: await tempDir() },
  );

describe('proxy', () => {
  test('plain HTTP targets are forwarded through the proxy', async () => {
    const url = slack.createWebhook();
    const result = await put({ url, proxy: `http://127.0.0.1:${proxyPort}` });
    expect(result.code).toBe(0);
    expect(proxied.at(-1)).toBe(`POST ${url}`);
    expect(slack.webhookCalls().at(-1)?.args['text']).toBe('via transport\n');
  });

  test('proxy_https_tunnel tunnels them with CONNECT', async () => {
    const url = slack.createWebhook();
    const result = await put({ url, proxy: `http://127.0.0.1:${proxyPort}`, proxy_https_tunnel: true });
    expect(result.code).toBe(0);
    expect(proxied.at(-1)).toBe(`CONNECT ${new URL(url).host}`);
    expect(slack.webhookCalls().at(-1)?.args['text']).toBe('via transport\n');
  });

  test('proxy credentials never appear in output', async () => {
    const url = slack.createWebhook('general', { state: 'revoked' });
    const result = await put({ url, proxy: `http://user:PROXYCANARY@127.0.0.1:${proxyPort}` });
    expect(result.code).toBe(1);
    expect(result.stderr + result.stdout).not.toContain('PROXYCANARY');
  });
});

describe('TLS', () => {
  const url = () => `https://127.0.0.1:${tlsPort}/services/T1/B1/tls`;

  test('a certificate nobody vouches for is refused', async () => {
    const result = await put({ url: url() });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cannot reach Slack: fetch failed: .*(SELF_SIGNED|self.signed)/i);
  });

  test('insecure skips verification', async () => {
    expect((await put({ url: url(), insecure: true })).code).toBe(0);
    expect(JSON.parse(tlsBodies.at(-1) ?? '{}')).toMatchObject({ text: 'via transport\n' });
  });

  test('ca_certs adds trusted certificates', async () => {
    expect((await put({ url: url(), ca_certs: [{ domain: '127.0.0.1', cert }] })).code).toBe(0);
  });
});
