// runInRootfs against the real runc, in a minimal rootfs made from this host's dash and node plus
// the libraries ldd names (the image-level tests in @hangar/images use the real base image).
import { execFileSync } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleResource } from '@hangar/resource-sdk/bundle';
import { resolveContainerUser, runcConfig, runInRootfs } from '../src/runc.js';

let root: string;
let rootfs: string;

async function copyWithLibraries(binary: string, to: string): Promise<void> {
  const libraries = execFileSync('ldd', [binary], { encoding: 'utf8' })
    .split('\n')
    .flatMap((line) => /(\/\S+) \(0x/.exec(line)?.[1] ?? []);
  for (const library of libraries) {
    await mkdir(join(rootfs, dirname(library)), { recursive: true });
    await copyFile(library, join(rootfs, library));
  }
  await mkdir(join(rootfs, dirname(to)), { recursive: true });
  await copyFile(binary, join(rootfs, to));
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'hangar-runc-test-'));
  rootfs = join(root, 'rootfs');
  await copyWithLibraries('/bin/dash', '/bin/dash');
  await symlink('dash', join(rootfs, 'bin', 'sh'));
  await copyWithLibraries(process.execPath, '/usr/bin/node');
  await mkdir(join(rootfs, 'etc'), { recursive: true });
  await writeFile(
    join(rootfs, 'etc', 'passwd'),
    'root:x:0:0::/root:/bin/sh\nhangar:x:1000:1000::/home/hangar:/bin/sh\n',
  );
  await writeFile(join(rootfs, 'etc', 'group'), 'root:x:0:\nhangar:x:1000:\nstaff:x:50:\n');
  await bundleResource({
    entry: join(import.meta.dirname, '..', '..', 'resource-sdk', 'test', 'fixtures', 'counter-main.ts'),
    outfile: join(rootfs, 'opt', 'resource', 'resource.js'),
  });
  const script = join(rootfs, 'opt', 'resource', 'resource.js');
  await writeFile(script, `#!/usr/bin/node\n${await readFile(script, 'utf8')}`, { mode: 0o755 });
  await chmod(script, 0o755);
  for (const name of ['check', 'in', 'out'])
    await symlink('resource.js', join(rootfs, 'opt', 'resource', name));
}, 120_000);

afterAll(() => rm(root, { recursive: true, force: true }));

describe('runInRootfs', () => {
  it('runs a shell command and returns its output and exit code', async () => {
    const result = await runInRootfs({
      rootfs,
      args: [
        '/bin/sh',
        '-c',
        'echo hello from $(cat /etc/hostname 2>/dev/null || hostname 2>/dev/null || echo runc); echo oops >&2; exit 3',
      ],
    });
    expect(result.stdout.toString()).toMatch(/^hello from/);
    expect(result.stderr.toString()).toBe('oops\n');
    expect(result.exitCode).toBe(3);
    expect(result.timedOut).toBe(false);
  });

  it('pipes stdin, sets cwd, env and user, and mounts /tmp as tmpfs', async () => {
    const result = await runInRootfs({
      rootfs,
      args: [
        '/bin/sh',
        '-c',
        'read line; uid=$(/usr/bin/node -p "process.getuid()"); echo "$line|$(pwd)|$GREETING|$uid"; echo > /tmp/x',
      ],
      stdin: 'piped\n',
      cwd: '/tmp/work',
      env: { GREETING: 'hi' },
      user: { uid: 1000, gid: 1000 },
    });
    expect(result.stderr.toString()).toBe('');
    const [line, cwd, greeting, uid] = result.stdout.toString().trim().split('|');
    expect([line, cwd, greeting]).toEqual(['piped', '/tmp/work', 'hi']);
    expect(uid).toBe('1000');
    expect(result.exitCode).toBe(0);
  });

  it('runs the sample resource check exactly as Concourse would, with a bind-mounted build dir', async () => {
    const get = await mkdtemp(join(tmpdir(), 'hangar-get-'));
    try {
      const check = await runInRootfs({
        rootfs,
        args: ['/opt/resource/check'],
        stdin: JSON.stringify({ source: { latest: 3 }, version: { number: '2' } }),
      });
      expect(check.exitCode, check.stderr.toString()).toBe(0);
      expect(JSON.parse(check.stdout.toString())).toEqual([{ number: '2' }, { number: '3' }]);

      const fetched = await runInRootfs({
        rootfs,
        args: ['/opt/resource/in', '/tmp/build/get'],
        cwd: '/tmp/build/get',
        binds: [{ source: get, destination: '/tmp/build/get' }],
        stdin: JSON.stringify({ source: { latest: 3 }, version: { number: '3' }, params: {} }),
      });
      expect(fetched.exitCode, fetched.stderr.toString()).toBe(0);
      expect(JSON.parse(fetched.stdout.toString())).toMatchObject({ version: { number: '3' } });
      expect(await readFile(join(get, 'number'), 'utf8')).toBe('3');
    } finally {
      await rm(get, { recursive: true, force: true });
    }
  });

  it('kills the container at the timeout and cleans up its state', async () => {
    const started = Date.now();
    const result = await runInRootfs({
      rootfs,
      args: ['/bin/sh', '-c', 'while :; do :; done'],
      timeoutMs: 500,
    });
    expect(result.timedOut).toBe(true);
    expect(result.exitCode).not.toBe(0);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(() => execFileSync('runc', ['state', result.id], { stdio: 'pipe' })).toThrow();
  });

  it('isolates the network unless hostNetwork is set', async () => {
    const server = createServer((_request, response) => response.end('pong'));
    await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
    const { port } = server.address() as { port: number };
    const script = `require('http').get('http://127.0.0.1:${port}/', r => { r.on('data', d => process.stdout.write(d)); }).on('error', e => { process.stdout.write(e.code); })`;
    try {
      const isolated = await runInRootfs({ rootfs, args: ['/usr/bin/node', '-e', script] });
      expect(isolated.stdout.toString()).not.toBe('pong');
      const shared = await runInRootfs({ rootfs, args: ['/usr/bin/node', '-e', script], hostNetwork: true });
      expect(shared.stdout.toString()).toBe('pong');
    } finally {
      server.close();
    }
  });
});

describe('runInRootfs for a runner', () => {
  it('writes through an overlay, leaving the shared rootfs untouched', async () => {
    const layer = await mkdtemp(join(tmpdir(), 'hangar-overlay-'));
    try {
      const overlay = { upper: join(layer, 'upper'), work: join(layer, 'work') };
      const result = await runInRootfs({
        rootfs,
        args: ['/bin/sh', '-c', 'echo changed > /etc/group; read line < /etc/group; echo $line'],
        overlay,
        bundle: join(layer, 'bundle'),
      });
      expect(result.stdout.toString()).toBe('changed\n');
      expect(await readFile(join(rootfs, 'etc', 'group'), 'utf8')).toMatch(/^root:x:0:/);
      expect(await readFile(join(overlay.upper, 'etc', 'group'), 'utf8')).toBe('changed\n');
    } finally {
      await rm(layer, { recursive: true, force: true });
    }
  });

  it('keeps /tmp in a host directory, streams output and honours privileged', async () => {
    const tmp = await mkdtemp(join(tmpdir(), 'hangar-tmp-'));
    try {
      const chunks: string[] = [];
      // The rootfs has only dash and node: no grep.
      const script =
        'echo kept > /tmp/mark; while read l; do case $l in CapEff*) echo $l;; esac; done < /proc/self/status';
      const confined = await runInRootfs({ rootfs, args: ['/bin/sh', '-c', script], tmpDir: tmp });
      const privileged = await runInRootfs({
        rootfs,
        args: ['/bin/sh', '-c', script],
        privileged: true,
        onStdout: (chunk) => chunks.push(chunk.toString()),
      });
      expect(await readFile(join(tmp, 'mark'), 'utf8')).toBe('kept\n');
      expect(privileged.stdout.length).toBe(0);
      const caps = (text: string) => BigInt(`0x${/CapEff:\s*(\w+)/.exec(text)?.[1] ?? '0'}`);
      expect(caps(chunks.join(''))).toBeGreaterThan(caps(confined.stdout.toString()));
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });

  it('kills the container when its signal aborts', async () => {
    const controller = new AbortController();
    const running = runInRootfs({
      rootfs,
      args: ['/bin/sh', '-c', 'echo ready; while :; do :; done'],
      signal: controller.signal,
      onStdout: () => controller.abort(),
    });
    const result = await running;
    expect(result.aborted).toBe(true);
    expect(result.exitCode).not.toBe(0);
    expect(() => execFileSync('runc', ['state', result.id], { stdio: 'pipe' })).toThrow();
  });
});

describe('runcConfig and resolveContainerUser', () => {
  it('refuses relative paths and maps image users to ids', async () => {
    expect(() => runcConfig({ rootfs, args: ['x'], cwd: 'relative' })).toThrow(/absolute/);
    expect(() => runcConfig({ rootfs, args: ['x'], binds: [{ source: '/tmp', destination: 'x' }] })).toThrow(
      /absolute/,
    );
    expect(await resolveContainerUser(rootfs, '')).toEqual({ uid: 0, gid: 0 });
    expect(await resolveContainerUser(rootfs, 'hangar')).toEqual({ uid: 1000, gid: 1000 });
    expect(await resolveContainerUser(rootfs, '1000:staff')).toEqual({ uid: 1000, gid: 50 });
    await expect(resolveContainerUser(rootfs, 'nobody')).rejects.toThrow(/not in/);
  });
});
