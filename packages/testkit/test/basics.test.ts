import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  LOOPBACK,
  assertLoopbackOnly,
  listeningAddresses,
  parseCgiHead,
  redactUrlPassword,
  requireBinary,
  retryOnPortClash,
  runCommand,
  startProcess,
  tempDir,
  waitUntil,
} from '../src/index.js';

describe('tempDir', () => {
  it('creates a directory and removes it on dispose', async () => {
    let path: string;
    {
      await using dir = await tempDir('hangar-basics-');
      path = dir.path;
      expect(existsSync(path)).toBe(true);
    }
    expect(existsSync(path)).toBe(false);
  });
});

describe('ports', () => {
  it('reports how a port is bound, from the kernel', async () => {
    // A port the kernel gives this test, not one picked first and bound later (another process
    // could take it in between).
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
    const { port } = server.address() as { port: number };
    try {
      expect(await listeningAddresses(port)).toEqual([LOOPBACK]);
      await assertLoopbackOnly(port);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(await listeningAddresses(port)).toEqual([]);
  });

  it('rejects a port bound to another address than 127.0.0.1', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.2', resolve));
    const address = server.address();
    try {
      if (!address || typeof address !== 'object') throw new Error('no address');
      expect(await listeningAddresses(address.port)).toEqual(['127.0.0.2']);
      await expect(assertLoopbackOnly(address.port)).rejects.toThrow(
        /listens on 127\.0\.0\.2, not only 127\.0\.0\.1/,
      );
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('processes', () => {
  it('stops the whole process group, including forked children', async () => {
    const child = startProcess('/bin/sh', ['-c', 'sleep 300 & echo "child $!"; wait']);
    let grandchild = 0;
    await waitUntil(async () => {
      grandchild = Number(/child (\d+)/.exec(child.output())?.[1] ?? 0);
      return Promise.resolve(grandchild > 0);
    });
    expect(alive(grandchild)).toBe(true);
    await child.stop();
    await waitUntil(() => Promise.resolve(!alive(grandchild)), { timeoutMs: 5_000 });
    expect(alive(child.pid)).toBe(false);
  });

  it('fails readiness with the server’s own stderr when it dies', async () => {
    const child = startProcess('/bin/sh', ['-c', 'echo "bind: address already in use" >&2; exit 3'], {
      name: 'demo',
    });
    await expect(
      waitUntil(() => Promise.resolve(false), { abort: child.exited, name: 'demo' }),
    ).rejects.toThrow(/demo exited \(code 3\): bind: address already in use/);
  });

  it('runCommand throws the command’s stderr with passwords redacted', async () => {
    await expect(
      runCommand('/bin/sh', [
        '-c',
        'echo "cannot reach http://u:s3cret@host/x" >&2; exit 2',
        'http://u:s3cret@h/',
      ]),
    ).rejects.toThrow(/failed \(code 2\): cannot reach http:\/\/u:\*\*\*@host\/x$/);
    expect(redactUrlPassword('git clone http://user:pw@127.0.0.1:1/r.git')).toBe(
      'git clone http://user:***@127.0.0.1:1/r.git',
    );
  });

  it('requireBinary names the fix for a missing binary', () => {
    expect(() => requireBinary('hangar-no-such-binary')).toThrow(
      'hangar-no-such-binary is not installed: run scripts/bootstrap',
    );
  });
});

describe('parseCgiHead', () => {
  it('waits for the blank line, then splits status, headers and body', () => {
    expect(parseCgiHead(Buffer.from('Status: 404 Not Found\r\nContent-Type: text/plain'))).toBeUndefined();
    const parsed = parseCgiHead(Buffer.from('Status: 404 Not Found\r\nContent-Type: text/plain\r\n\r\nnope'));
    expect(parsed?.status).toBe(404);
    expect(parsed?.headers).toEqual({ 'Content-Type': 'text/plain' });
    expect(parsed?.rest.toString()).toBe('nope');
    expect(parseCgiHead(Buffer.from('Expires: 0\n\nbody'))?.status).toBe(200);
  });
});

/** Running, i.e. not gone and not a zombie waiting for init to reap it. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

describe('retryOnPortClash', () => {
  it('retries a start that lost its port, and only that', async () => {
    let calls = 0;
    const flaky = () =>
      ++calls < 3
        ? Promise.reject(
            new Error('sshd exited (code 255): Bind to port 1 on 127.0.0.1 failed: Address already in use.'),
          )
        : Promise.resolve('started');
    expect(await retryOnPortClash(flaky)).toBe('started');
    expect(calls).toBe(3);

    calls = 0;
    const broken = () => (calls++, Promise.reject(new Error('minio exited (code 1): bad config')));
    await expect(retryOnPortClash(broken)).rejects.toThrow('bad config');
    expect(calls).toBe(1);
  });
});
