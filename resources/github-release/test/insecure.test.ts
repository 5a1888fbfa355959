// insecure: true talks to a server whose certificate is not trusted (a self-signed GHE).
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { invoke } from './invoke.js';

const fixtures = join(import.meta.dirname, 'fixtures', 'tls');
let server: Server;
let url: string;
beforeAll(async () => {
  server = createServer(
    { cert: readFileSync(join(fixtures, 'cert.pem')), key: readFileSync(join(fixtures, 'key.pem')) },
    (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('[]');
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/api/v3/`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

test('an untrusted certificate fails unless insecure is set', async () => {
  const source = { owner: 'o', repository: 'r', github_api_url: url };
  const strict = await invoke('check', { source });
  expect(strict.code).toBe(1);
  const insecure = await invoke('check', { source: { ...source, insecure: true } });
  expect(insecure.code, insecure.stderr).toBe(0);
  expect(insecure.stdout).toBe('[]\n');
});
