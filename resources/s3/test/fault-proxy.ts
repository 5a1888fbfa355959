// A TCP proxy in front of MinIO that can drop the connections mid-transfer: the store itself
// stays up, so tests can look at what the failed transfer left behind.
import { createServer, connect, type Socket } from 'node:net';

export interface FaultProxy {
  readonly endpoint: string;
  /**
   * Once `bytes` more have passed in `direction` (`up`: client to store), destroy every open
   * connection; with `refuseAfter`, refuse new ones from then on as a store that went away.
   */
  cutAfter(direction: 'up' | 'down', bytes: number, options?: { refuseAfter?: boolean }): Promise<void>;
  /** The first MiB the clients sent (request lines and headers included), as text. */
  sent(): string;
  /** Resolves once `bytes` more have passed in `direction`, leaving the connections alone. */
  reached(direction: 'up' | 'down', bytes: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startFaultProxy(targetPort: number): Promise<FaultProxy> {
  const sockets = new Set<Socket>();
  let refusing = false;
  let sent = '';
  let trigger:
    | { direction: 'up' | 'down'; remaining: number; cut: boolean; refuse: boolean; fired: () => void }
    | undefined;

  const count = (direction: 'up' | 'down', length: number) => {
    if (!trigger || trigger.direction !== direction) return;
    trigger.remaining -= length;
    if (trigger.remaining > 0) return;
    const { cut, refuse, fired } = trigger;
    trigger = undefined;
    if (cut) {
      refusing = refuse;
      for (const socket of sockets) socket.destroy();
      sockets.clear();
    }
    fired();
  };

  const server = createServer((client) => {
    if (refusing) {
      client.destroy();
      return;
    }
    const upstream = connect(targetPort, '127.0.0.1');
    sockets.add(client);
    sockets.add(upstream);
    const close = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('data', (chunk: Buffer) => {
      count('up', chunk.length);
      if (sent.length < 1024 * 1024) sent += chunk.toString('latin1');
      if (!upstream.destroyed) upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      count('down', chunk.length);
      if (!client.destroyed) client.write(chunk);
    });
    client.on('close', close);
    upstream.on('close', close);
    client.on('error', close);
    upstream.on('error', close);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    cutAfter(direction, bytes, { refuseAfter = false } = {}) {
      return new Promise((fired) => {
        trigger = { direction, remaining: bytes, cut: true, refuse: refuseAfter, fired };
      });
    },
    sent: () => sent,
    reached(direction, bytes) {
      return new Promise((fired) => {
        trigger = { direction, remaining: bytes, cut: false, refuse: false, fired };
      });
    },
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
