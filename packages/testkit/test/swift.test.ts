import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SwiftServer, assertLoopbackOnly, startSwift } from '../src/index.js';

const isRunning = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('Swift all in one', () => {
  let swift: SwiftServer;
  beforeAll(async () => {
    swift = await startSwift();
  });
  afterAll(async () => {
    await swift?.stop();
  });

  it('listens on loopback only', async () => {
    expect(swift.ports).toHaveLength(5);
    for (const port of swift.ports) await assertLoopbackOnly(port);
  });

  it('owns its ports: another listener cannot share them through SO_REUSEPORT', async () => {
    // Two stacks given the same free port must clash (and retry) rather than split its connections.
    const bind = `import socket,sys
s=socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
try:
    s.bind(('127.0.0.1', int(sys.argv[1]))); s.listen(); print('shared')
except OSError as e:
    print('refused', e.errno)`;
    for (const port of swift.ports) {
      const { stdout } = await promisify(execFile)('/usr/bin/python3', ['-c', bind, String(port)]);
      expect(stdout.trim()).toBe('refused 98');
    }
  });

  it('hands out a token for the test user and refuses a wrong key', async () => {
    expect(await swift.token()).toMatch(/^AUTH_tk/);
    const wrong = await fetch(swift.authUrl, {
      headers: { 'X-Auth-User': swift.credentials.username, 'X-Auth-Key': 'not-the-key' },
    });
    expect(wrong.status).toBe(401);
  });

  it('stores objects in a container, and answers 404 for a missing object or container', async () => {
    await swift.createContainer('versions');
    expect((await swift.request('PUT', '/versions/app', '1.2.3')).status).toBe(201);
    const read = await swift.request('GET', '/versions/app');
    expect([read.status, await read.text()]).toEqual([200, '1.2.3']);
    expect((await swift.request('GET', '/versions/other')).status).toBe(404);
    expect((await swift.request('HEAD', '/no-such-container')).status).toBe(404);
    expect((await fetch(`${swift.storageUrl}/versions/app`)).status).toBe(401);
  });

  it('stops every process it started and removes its directory', async () => {
    const other = await startSwift();
    const pids = other.processes.map((child) => child.pid);
    expect(pids).toHaveLength(5);
    expect(pids.every(isRunning)).toBe(true);
    expect(existsSync(other.dir)).toBe(true);
    await other.stop();
    expect(pids.filter(isRunning)).toEqual([]);
    expect(existsSync(other.dir)).toBe(false);
  });
});
