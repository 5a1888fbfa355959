// `fly containers` and `fly intercept`/`hijack`: the task steps a serving hangar ran or runs, and a
// process in one of them over Concourse's hijack WebSocket (JSON messages; byte fields base64).
// A task running in a runc container is entered with `runc exec`; any other task (the host
// runtime, or a runc task that has ended and whose container is gone) gets the process on this
// machine, in the task's directory.
import { spawn, type ChildProcess } from 'node:child_process';
import type { IncomingMessage } from 'node:http';
import { hostname } from 'node:os';
import type { Duplex } from 'node:stream';
import type { TaskContainer } from '../engine/containers.js';
import { get, HttpError, type Route } from './api.js';
import type { Hub } from './hub.js';
import { team } from './json.js';
import { WebSocketServer, type WebSocket } from 'ws';

function containerJson(c: TaskContainer): Record<string, unknown> {
  return {
    id: c.id,
    worker_name: hostname(),
    state: 'created',
    type: 'task',
    step_name: c.stepName,
    pipeline_id: c.build.pipelineId ?? undefined,
    job_id: c.build.jobId ?? undefined,
    build_id: c.build.id,
    pipeline_name: c.build.pipeline ?? undefined,
    job_name: c.build.job ?? undefined,
    build_name: c.build.name,
    working_directory: c.runc?.cwd ?? c.workingDirectory,
  };
}

/** fly's search fields (`fly intercept -j P/J -b N -s STEP`, or `-b ID`); unknown ones match nothing. */
function matches(c: TaskContainer, query: URLSearchParams): boolean {
  const wanted: Record<string, string | undefined> = {
    type: 'task',
    pipeline_name: c.build.pipeline ?? undefined,
    job_name: c.build.job ?? undefined,
    build_name: c.build.name,
    build_id: String(c.build.id),
    step_name: c.stepName,
  };
  for (const [key, value] of query) {
    if (key === 'attempt' || key === 'vars') continue;
    if (!(key in wanted) || wanted[key] !== value) return false;
  }
  return true;
}

function registry(hub: Hub) {
  const containers = hub.oneOff?.build.containers;
  if (!containers) throw new HttpError(501, 'this server keeps no containers');
  return containers;
}

export const interceptRoutes = (): Route[] => [
  get('containers', `/api/v1/teams/${team}/containers`, ({ hub, query }) =>
    registry(hub)
      .list()
      .filter((c) => matches(c, query))
      .map(containerJson),
  ),
  get('container', `/api/v1/teams/${team}/containers/([^/]+)`, ({ hub, params }) => {
    const c = registry(hub).get(params[0]!);
    if (!c) throw new HttpError(404, `container ${params[0]!} not found`);
    return containerJson(c);
  }),
];

interface ProcessSpec {
  path?: string;
  args?: string[];
  env?: string[];
}

function startProcess(c: TaskContainer, spec: ProcessSpec): ChildProcess {
  const path = spec.path ?? 'bash';
  const args = spec.args ?? [];
  const env = (spec.env ?? []).filter((e) => e.indexOf('=') > 0);
  if (c.runc) {
    const { binary, stateRoot, id, cwd } = c.runc;
    const envFlags = env.flatMap((e) => ['--env', e]);
    return spawn(binary, ['--root', stateRoot, 'exec', '--cwd', cwd, ...envFlags, id, path, ...args]);
  }
  const ownEnv = Object.fromEntries(
    env.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]),
  );
  return spawn(path, args, {
    cwd: c.workingDirectory,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/', ...ownEnv },
  });
}

function hijack(ws: WebSocket, c: TaskContainer): void {
  let child: ChildProcess | undefined;
  const send = (message: Record<string, unknown>): void => ws.send(JSON.stringify(message));
  const bytes = (chunk: Buffer): string => chunk.toString('base64');
  ws.on('message', (data: Buffer) => {
    let message: Record<string, unknown>;
    try {
      message = JSON.parse(data.toString('utf8')) as Record<string, unknown>;
    } catch {
      return;
    }
    if (!child) {
      child = startProcess(c, message);
      child.stdout!.on('data', (chunk: Buffer) => send({ stdout: bytes(chunk) }));
      child.stderr!.on('data', (chunk: Buffer) => send({ stderr: bytes(chunk) }));
      child.stdin!.on('error', () => undefined);
      child.on('error', (err: NodeJS.ErrnoException) => {
        send(err.code === 'ENOENT' ? { executable_not_found: true } : { error: err.message });
        ws.close();
      });
      child.on('close', (code, signal) => {
        send({ exit_status: code ?? (signal ? 128 + 9 : 255) });
        ws.close();
      });
      return;
    }
    if (typeof message.stdin === 'string') child.stdin!.write(Buffer.from(message.stdin, 'base64'));
    if (message.closed === true) child.stdin!.end();
  });
  // a malformed frame: ws closes the connection itself; the listener keeps it from crashing the server
  ws.on('error', () => undefined);
  ws.on('close', () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });
}

const hijackPath = new RegExp(`^/api/v1/teams/${team}/containers/([^/]+)/hijack$`);

/**
 * For the server's `upgrade` event: the hijack WebSocket, for clients that send their credentials
 * themselves (`allowed`: signed in with an Authorization header). Anything else is refused.
 */
export function handleUpgrade(
  hub: Hub,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  allowed: boolean,
): void {
  const refuse = (status: string): void =>
    void socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
  const match = hijackPath.exec(new URL(req.url ?? '/', 'http://hangar').pathname);
  if (!match) return refuse('404 Not Found');
  if (!allowed) return refuse('401 Unauthorized');
  const container = hub.oneOff?.build.containers?.get(decodeURIComponent(match[1]!));
  if (!container) return refuse('404 Not Found');
  // fly's messages are small JSON documents
  const server = new WebSocketServer({ noServer: true, maxPayload: 1 << 20 });
  server.handleUpgrade(req, socket, head, (ws) => hijack(ws, container));
}
