// A pipeline in a temp directory behind a real web server on 127.0.0.1: real SQLite state, real
// PipelineRunners on the host runtime with the file-backed test resource, real HTTP.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PipelineRunner } from '../../src/engine/pipeline-runner.js';
import { openState, setPipelineFromFile } from '../../src/engine/state.js';
import { HostRuntime } from '../../src/runtime/host.js';
import { ResourceTypeRegistry } from '../../src/runtime/registry.js';
import type { Store } from '../../src/store/store.js';
import { Hub } from '../../src/web/hub.js';
import { startWebServer, type WebServer } from '../../src/web/server.js';
import { fileResource } from '../engine/harness.js';

export interface WebHarness {
  dir: string;
  store: Store;
  hub: Hub;
  web: WebServer;
  runner: PipelineRunner;
  /** Adds version N+1 of a file resource. */
  push: (resource: string, content?: string) => void;
  /** A named pipe a task can block on (`read x < ((root))/NAME`) until `open` writes to it. */
  gate: (name: string) => { open: () => Promise<void> };
  get: (path: string, headers?: Record<string, string>) => Promise<Response>;
  json: <T = unknown>(path: string) => Promise<T>;
  /** An action as the UI sends it: token cookie and the CSRF header. */
  act: (method: 'POST' | 'PUT', path: string) => Promise<Response>;
  close: () => Promise<void>;
}

export async function webHarness(
  pipeline: unknown,
  options: { token?: string; log?: (line: string) => void } = {},
): Promise<WebHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'hangar-web-'));
  const file = join(dir, 'pipeline.yml');
  writeFileSync(file, typeof pipeline === 'string' ? pipeline : JSON.stringify(pipeline, null, 2));
  const stateDir = join(dir, '.hangar');
  const { store } = openState(stateDir);
  await setPipelineFromFile(store, file, 'p', { root: dir });
  const registry = new ResourceTypeRegistry();
  registry.register('file', [process.execPath, fileResource]);
  const runtime = new HostRuntime(registry);
  const hub = new Hub(
    store,
    (name, { listener, ...hooks }) =>
      new PipelineRunner({
        ...hooks,
        store,
        runtime,
        stateDir,
        pipelineName: name,
        build: { noCache: false, overrides: new Map(), externalUrl: 'http://127.0.0.1:9' },
        listeners: [listener],
      }),
  );
  const web = await startWebServer({
    hub,
    host: '127.0.0.1',
    port: 0,
    token: options.token,
    ...(options.log ? { log: options.log } : {}),
  });
  const base = web.url.replace(/\/$/, '');
  const cookie = `hangar_token=${encodeURIComponent(web.token)}`;
  return {
    dir,
    store,
    hub,
    web,
    runner: hub.runner('p'),
    push: (resource, content = resource) => {
      const root = join(dir, resource);
      mkdirSync(root, { recursive: true });
      const n = readdirSync(root).filter((f) => /^v\d+$/.test(f)).length + 1;
      writeFileSync(join(root, `v${n}`), `${content}${n}`);
    },
    gate: (name) => {
      execFileSync('mkfifo', [join(dir, name)]);
      // opening a pipe for writing waits for its reader; fs/promises waits off the event loop
      return { open: () => writeFile(join(dir, name), 'go\n') };
    },
    get: (path, headers = {}) => fetch(`${base}${path}`, { headers: { cookie, ...headers } }),
    json: async <T>(path: string): Promise<T> => {
      const res = await fetch(`${base}${path}`, { headers: { cookie } });
      if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    },
    act: (method, path) => fetch(`${base}${path}`, { method, headers: { cookie, 'x-hangar-request': '1' } }),
    close: async () => {
      await web.close();
      store.close();
    },
  };
}

export interface SseFrame {
  id: string | undefined;
  event: string;
  data: string;
}

/** Reads server-sent events, handing each frame to `onFrame` as it arrives, until the stream ends. */
export async function readSse(
  res: Response,
  onFrame: (f: SseFrame) => void = () => undefined,
): Promise<SseFrame[]> {
  const frames: SseFrame[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const frame: SseFrame = { id: undefined, event: 'message', data: '' };
      for (const line of block.split('\n')) {
        const colon = line.indexOf(':');
        const field = line.slice(0, colon);
        const value = line.slice(colon + 1).replace(/^ /, '');
        if (field === 'id') frame.id = value;
        else if (field === 'event') frame.event = value;
        else if (field === 'data') frame.data += value;
      }
      frames.push(frame);
      onFrame(frame);
    }
  }
  return frames;
}

/** Task step config running `sh -c script`. */
export const sh = (name: string, script: string, inputs: string[] = []) => ({
  task: name,
  config: {
    platform: 'linux',
    inputs: inputs.map((i) => ({ name: i })),
    run: { path: 'sh', args: ['-c', script] },
  },
});

export const fileRes = (name: string) => ({ name, type: 'file', source: { root: `((root))/${name}` } });

/** `bin/hangar.js` as a watched process (one helper for the web and the fly tests). */
export { hangarProcess } from '../serve/harness.js';
