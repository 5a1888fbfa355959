// `hangar serve` over a state that already holds pipelines (set the way `hangar run` sets them), with
// the file-backed test resource type, and a way to wait on a build's log without sleeping.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openState, setPipelineFromFile } from '../../src/engine/state.js';
import { fileResource } from '../engine/harness.js';
import { startServe, type ServeFixture } from './harness.js';

export interface PipelineServe extends ServeFixture {
  /** The temp dir `((root))` in the pipelines points to; file resource `r` keeps versions in root/r. */
  root: string;
  /** Adds version N of file resource `resource` (root/<resource>/vN). */
  push: (resource: string, n: number, content?: string) => void;
  /** Resolves once the build's event stream carries `text` (in any event). */
  waitForEvent: (buildId: number, text: string) => Promise<void>;
}

/** `pipelines` maps names to YAML/JSON objects; `((root))` in them is the returned `root`. `args`: more serve flags. */
export async function servePipelines(
  pipelines: Record<string, unknown>,
  args: string[] = [],
): Promise<PipelineServe> {
  const root = mkdtempSync(join(tmpdir(), 'hangar-fly-root-'));
  const stateDir = join(root, '.hangar');
  const { store } = openState(stateDir);
  try {
    for (const [name, config] of Object.entries(pipelines)) {
      const file = join(root, `${name}.yml`);
      writeFileSync(file, JSON.stringify(config));
      await setPipelineFromFile(store, file, name, { root });
    }
  } finally {
    store.close();
  }
  const serve = await startServe({ stateDir, args: ['--resource-type', `file=${fileResource}`, ...args] });
  const push = (resource: string, n: number, content = `content ${n}`): void => {
    mkdirSync(join(root, resource), { recursive: true });
    writeFileSync(join(root, resource, `v${n}`), content);
  };
  const waitForEvent = async (buildId: number, text: string): Promise<void> => {
    const res = await fetch(`${serve.url}/api/v1/builds/${buildId}/events`, {
      headers: { authorization: `Bearer ${serve.token}` },
    });
    const decoder = new TextDecoder();
    let seen = '';
    for await (const chunk of res.body!) {
      seen += decoder.decode(chunk as Uint8Array, { stream: true });
      if (seen.includes(text)) return; // leaving the loop cancels the stream
    }
    throw new Error(`build ${buildId} ended without ${JSON.stringify(text)}:\n${seen}`);
  };
  return { ...serve, root, push, waitForEvent };
}
