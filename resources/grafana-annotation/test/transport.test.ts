// timeout, insecure and ca_cert against local servers; the bundle as Concourse runs it.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { bundleResource } from '@hangar/resource-sdk/bundle';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FakeGrafana } from '@hangar/testkit';
import { BUILD_ENV, invoke, tempDir } from './invoke.js';

const fixtures = join(import.meta.dirname, 'fixtures', 'tls');
const cert = readFileSync(join(fixtures, 'cert.pem'), 'utf8');
const key = readFileSync(join(fixtures, 'key.pem'), 'utf8');

const listen = async (server: Server): Promise<string> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
};
const close = (server: Server) => {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(resolve));
};

let silent: Server;
let silentHost: string;
let tls: Server;
let tlsHost: string;
beforeAll(async () => {
  silent = createHttpServer(() => {}); // accepts and never answers
  silentHost = await listen(silent);
  tls = createHttpsServer({ key, cert }, (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('{"id":5,"message":"Annotation added"}');
  });
  tlsHost = await listen(tls);
});
afterAll(async () => {
  await Promise.all([close(silent), close(tls)]);
});

const put = async (source: Record<string, unknown>) =>
  invoke(
    'out',
    { source: { api_token: 't0k', retries: 0, ...source }, params: {} },
    { dir: await tempDir() },
  );

describe('transport', () => {
  test('a Grafana that never answers times out after source.timeout', async () => {
    const result = await put({ url: `http://${silentHost}`, timeout: 1 });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('error: POST /api/annotations: cannot reach Grafana: timed out after 1s\n');
  });

  test('a self-signed certificate is refused, accepted with insecure or ca_cert', async () => {
    const url = `https://${tlsHost}`;
    const refused = await put({ url });
    expect(refused.stderr).toMatch(/cannot reach Grafana: fetch failed: .*SELF_SIGNED/i);
    expect((await put({ url, insecure: true })).json.version).toEqual({ id: '5' });
    expect((await put({ url, ca_cert: cert })).json.version).toEqual({ id: '5' });
  });
});

describe('bundle', () => {
  let grafana: FakeGrafana;
  beforeAll(async () => {
    grafana = await FakeGrafana.start({ apiTokens: ['t0k'] });
  });
  afterAll(() => grafana.close());

  test('dist/resource.js creates an annotation and prints only the answer on stdout', async () => {
    const dir = await tempDir();
    const bundle = join(dir, 'resource.js');
    await bundleResource({ entry: join(import.meta.dirname, '..', 'src', 'index.ts'), outfile: bundle });
    const run = promisify(execFile)('node', [bundle, 'out', dir], {
      env: { ...BUILD_ENV, PATH: process.env['PATH'] },
    });
    run.child.stdin?.end(
      JSON.stringify({ source: { url: grafana.url, api_token: 't0k' }, params: { tags: ['x'] } }),
    );
    const { stdout, stderr } = await run;
    expect(JSON.parse(stdout)).toMatchObject({ version: { id: '1' } });
    expect(stderr).toBe('created annotation 1\n');
  });
});
