// Ports on 127.0.0.1: pick a free one, wait until something accepts, and check what a port is bound to.
import { readFile } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { networkInterfaces } from 'node:os';

export const LOOPBACK = '127.0.0.1';

/** A port that was free on 127.0.0.1 a moment ago (bound to :0, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not read the port of a listening socket'));
      });
    });
  });
}

export interface WaitOptions {
  /** Give up after this long (default 30 s). */
  timeoutMs?: number;
  /** Polling interval (default 50 ms). */
  intervalMs?: number;
  /** Rejects early when the server process dies, e.g. ManagedProcess.exited. */
  abort?: Promise<unknown>;
  /** Names the service in the timeout error. */
  name?: string;
}

/**
 * Polls `probe` until it resolves true. Fails with the last probe error when the deadline passes or
 * `abort` settles first (the server died), so a broken service fails fast with its own message.
 */
export async function waitUntil(probe: () => Promise<boolean>, options: WaitOptions = {}): Promise<void> {
  const { timeoutMs = 30_000, intervalMs = 50, name = 'service' } = options;
  const deadline = Date.now() + timeoutMs;
  let aborted: unknown;
  let abortedSet = false;
  void options.abort?.then(
    (value) => ((aborted = value), (abortedSet = true)),
    (error: unknown) => ((aborted = error), (abortedSet = true)),
  );
  let lastError: unknown;
  for (;;) {
    if (abortedSet) {
      throw aborted instanceof Error ? aborted : new Error(`${name} stopped before it was ready`);
    }
    try {
      if (await probe()) return;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const reason = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`${name} was not ready after ${timeoutMs} ms${reason}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Resolves true once a TCP connection to host:port succeeds, false when it is refused. */
export function canConnect(port: number, host = LOOPBACK): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Waits until a TCP connect to 127.0.0.1:port succeeds. */
export function waitForPort(port: number, options: WaitOptions = {}): Promise<void> {
  return waitUntil(() => canConnect(port), options);
}

/** Waits until GET `url` answers with `status` (default 200). */
export function waitForHttp(url: string, options: WaitOptions & { status?: number } = {}): Promise<void> {
  const status = options.status ?? 200;
  return waitUntil(async () => {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await response.body?.cancel();
    if (response.status !== status) throw new Error(`GET ${url} answered ${response.status}`);
    return true;
  }, options);
}

/**
 * Local addresses of the listening TCP sockets on `port`, read from /proc/net/tcp and tcp6
 * (e.g. ['127.0.0.1'] or ['0.0.0.0', '::']). Used to prove a service binds loopback only.
 */
export async function listeningAddresses(port: number): Promise<string[]> {
  const addresses: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(file, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const local = fields[1];
      const state = fields[3];
      if (!local || state !== '0A') continue; // 0A = LISTEN
      const [hexAddress = '', hexPort = ''] = local.split(':');
      if (Number.parseInt(hexPort, 16) === port) addresses.push(decodeProcAddress(hexAddress));
    }
  }
  return addresses;
}

// /proc/net prints each 32-bit word of the address in host (little-endian) byte order.
function decodeProcAddress(hex: string): string {
  const words = hex.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((word) =>
    (word.match(/../g) ?? []).reverse().map((b) => Number.parseInt(b, 16)),
  );
  if (bytes.length === 4) return bytes.join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}

/** This machine's addresses other than loopback (e.g. eth0's), without IPv6 link-local ones. */
export function nonLoopbackAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .flatMap((info) => (info && !info.internal && !info.address.startsWith('fe80:') ? [info.address] : []));
}

/**
 * Throws unless `port` is bound only to 127.0.0.1 (plus the addresses in `allow`, e.g. '::1'): checks
 * the kernel's listening sockets and that a connect through every non-loopback address is refused.
 */
export async function assertLoopbackOnly(
  port: number,
  options: { allow?: readonly string[] } = {},
): Promise<void> {
  const allowed = new Set([LOOPBACK, ...(options.allow ?? [])]);
  const bound = await listeningAddresses(port);
  if (bound.length === 0) throw new Error(`nothing listens on port ${port}`);
  const wrong = bound.filter((address) => !allowed.has(address));
  if (wrong.length > 0) throw new Error(`port ${port} listens on ${wrong.join(', ')}, not only ${LOOPBACK}`);
  for (const address of nonLoopbackAddresses()) {
    if (await canConnect(port, address)) throw new Error(`port ${port} accepts connections on ${address}`);
  }
}

const PORT_CLASH =
  /address already in use|port is already in use|unable to allocate any listen sockets|cannot bind any address/i;

/**
 * Runs `start` again (up to `attempts` times) when the server died because its port was taken
 * between freePort() releasing it and the server binding it — likely with parallel test workers.
 */
export async function retryOnPortClash<T>(start: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (error) {
      if (attempt >= attempts || !(error instanceof Error) || !PORT_CLASH.test(error.message)) throw error;
    }
  }
}
