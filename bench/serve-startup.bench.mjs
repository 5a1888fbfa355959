// Start-up of `hangar serve` as a user runs it (bin/hangar.js over the built bundle): the time from
// spawning it until its HTTP API answers, on an empty state and on one holding a pipeline (which
// it then schedules), against a bare `node -e 0` in the same run.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { get } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compareAsync, record, report } from './measure.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const hangar = join(root, 'runner/bin/hangar.js');

async function timeNode() {
  const start = process.hrtime.bigint();
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await once(child, 'exit');
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Milliseconds until GET /api/v1/info answers 200; the server is killed afterwards. */
async function timeServe(state) {
  const start = process.hrtime.bigint();
  const child = spawn(process.execPath, [hangar, 'serve', '--port', '0', '--state', state], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  try {
    let stderr = '';
    const url = await new Promise((resolve, reject) => {
      child.stderr.setEncoding('utf8').on('data', (chunk) => {
        stderr += chunk;
        const match = /UI and API at (http:\/\/\S+?)\/?\n/.exec(stderr);
        if (match) resolve(match[1]);
      });
      child.once('exit', () => reject(new Error(`hangar serve exited: ${stderr}`)));
    });
    const status = await new Promise((resolve, reject) =>
      get(`${url}/api/v1/info`, (res) => res.resume().on('end', () => resolve(res.statusCode))).on(
        'error',
        reject,
      ),
    );
    if (status !== 200) throw new Error(`/api/v1/info answered ${status}`);
    return Number(process.hrtime.bigint() - start) / 1e6;
  } finally {
    child.kill('SIGKILL');
    await once(child, 'exit').catch(() => undefined);
  }
}

export async function run() {
  const dir = mkdtempSync(join(tmpdir(), 'hangar-serve-bench-'));
  try {
    const empty = join(dir, 'empty');
    const withPipeline = join(dir, 'pipeline');
    const { openState, setPipelineFromFile } = await import(join(root, 'runner/dist/engine/index.js'));
    const { store } = openState(withPipeline);
    await setPipelineFromFile(store, join(root, 'runner/test/fixtures/graph/pipeline.yml'), 'bench', {});
    store.close();
    const cases = {
      'node -e 0': timeNode,
      'hangar serve (empty state)': () => timeServe(empty),
      'hangar serve (1 pipeline)': () => timeServe(withPipeline),
    };
    // the first run of each writes the launcher's code cache, as a user's first run does
    for (const run of Object.values(cases)) await run();
    const medians = await compareAsync(cases, { rounds: 15 });
    report(medians, 'node -e 0');
    for (const name of Object.keys(cases).filter((n) => n !== 'node -e 0'))
      record({
        name: `start-up: ${name}`,
        baseline: 'node -e 0',
        baselineValue: medians['node -e 0'],
        value: medians[name],
      });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
