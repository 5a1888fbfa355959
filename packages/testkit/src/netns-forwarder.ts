// Host services for containers in a Concourse stack's network namespace: the forwarder script
// (scripts/netns-forward.mjs) runs inside the namespace, listens on 0.0.0.0:port there and dials a
// unix socket per port, which is piped here to 127.0.0.1:port. Unix sockets cross network
// namespaces; TCP does not.
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { InStack } from './concourse-stack.js';

/** The worker's CNI bridge address: what containers dial to reach the namespace's own listeners. */
export const CONCOURSE_GATEWAY = '10.80.0.1';
const FORWARDER = fileURLToPath(new URL('../scripts/netns-forward.mjs', import.meta.url));

export interface Forwarder {
  expose(port: number): Promise<string>;
  close(): Promise<void>;
}

/**
 * scripts/netns-forward.mjs inside the namespace listens on 0.0.0.0:port there and dials a unix
 * socket per port, which is piped here to 127.0.0.1:port. It takes orders on a control socket.
 */
export async function startForwarder(dir: string, inStack: InStack): Promise<Forwarder> {
  const servers: Server[] = [];
  const listen = async (path: string, onConnection: (socket: Socket) => void) => {
    const server = createServer(onConnection);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(path, resolve));
  };
  const answers = new Map<string, (line: string) => void>();
  let control: Socket | undefined;
  const controlPath = join(dir, 'forward.sock');
  let connected: () => void = () => undefined;
  const controlReady = new Promise<void>((resolve) => (connected = resolve));
  await listen(controlPath, (socket) => {
    control = socket;
    createInterface({ input: socket }).on('line', (line) => {
      answers.get(line.replace(/^! /, '').split(' ')[0] ?? '')?.(line);
    });
    connected();
  });
  const child = inStack('netns-forward', process.execPath, [FORWARDER, controlPath]);
  await Promise.race([controlReady, child.exited]);
  const close = async () => {
    control?.destroy();
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  };
  const exposed = new Map<number, Promise<string>>();
  const expose = async (port: number) => {
    const socketPath = join(dir, `forward-${port}.sock`);
    await listen(socketPath, (inside) => {
      const host = connect(port, '127.0.0.1');
      inside.pipe(host).pipe(inside);
      inside.once('error', () => host.destroy());
      host.once('error', () => inside.destroy());
    });
    const answer = await new Promise<string>((resolve) => {
      answers.set(String(port), resolve);
      control?.write(`${port} ${socketPath}\n`);
    });
    answers.delete(String(port));
    if (answer.startsWith('!')) throw new Error(`cannot expose port ${port} in the namespace: ${answer}`);
    return `${CONCOURSE_GATEWAY}:${port}`;
  };
  return {
    // Once per port: two URLs of one service (GitHub's API and uploads) share it.
    expose: (port) => exposed.get(port) ?? exposed.set(port, expose(port)).get(port)!,
    close,
  };
}
