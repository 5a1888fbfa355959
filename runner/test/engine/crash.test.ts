// Crash safety: SIGKILL the runner in the middle of a build, start again, twenty times. No version
// and no finished build may be lost; the interrupted build ends errored with a clear message; and
// scheduling continues (the next version builds and succeeds).
import { execFileSync, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { PipelineRunner } from '../../src/engine/pipeline-runner.js';
import { interruptedMessage, openState } from '../../src/engine/state.js';
import { HostRuntime } from '../../src/runtime/host.js';
import { ResourceTypeRegistry } from '../../src/runtime/registry.js';
import { Store } from '../../src/store/store.js';
import { fileResource } from './harness.js';

const runnerDir = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(runnerDir, 'bin', 'hangar.js');
const rounds = Number(process.env.CRASH_ROUNDS ?? 20);

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

beforeAll(() => {
  // The child runs the compiled CLI (turbo builds before testing); rebuild when it is stale.
  const main = join(runnerDir, 'dist', 'cli', 'main.js');
  if (!existsSync(main) || statSync(main).mtimeMs < newestMtime(join(runnerDir, 'src'))) {
    execFileSync(
      process.execPath,
      [join(runnerDir, '..', 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
      {
        cwd: runnerDir,
      },
    );
  }
}, 120_000);

// `version: every`: each round's child first finishes a "go" version, then is killed in a "hold" one.
const pipeline = {
  resources: [{ name: 'r', type: 'file', source: { root: '((root))/r' } }],
  jobs: [
    {
      name: 'j',
      plan: [
        { get: 'r', trigger: true, version: 'every' },
        {
          task: 'work',
          config: {
            platform: 'linux',
            inputs: [{ name: 'r' }],
            params: { ROOT: '((root))' },
            run: {
              path: 'sh',
              args: [
                '-c',
                'if grep -q hold r/content; then echo $$ > "$ROOT/pid"; echo holding; exec sleep 60; fi; echo done',
              ],
            },
          },
        },
      ],
    },
  ],
};

/** Runs `hangar run` in a child and SIGKILLs it once a task is holding. */
function runAndKill(dir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        bin,
        'run',
        join(dir, 'pipeline.yml'),
        '--state',
        join(dir, '.hangar'),
        '-v',
        `root=${dir}`,
        '--resource-type',
        `file=${fileResource}`,
        '--no-color',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      if (out.includes('holding')) child.kill('SIGKILL');
    });
    child.on('exit', (_code, signal) => {
      try {
        process.kill(Number(readFileSync(join(dir, 'pid'), 'utf8')), 'SIGKILL');
      } catch {
        // the task is already gone
      }
      if (signal === 'SIGKILL') resolve();
      else reject(new Error(`runner exited before it was killed:\n${out}`));
    });
  });
}

function push(dir: string, content: string): void {
  const root = join(dir, 'r');
  mkdirSync(root, { recursive: true });
  const n = readdirSync(root).length + 1;
  writeFileSync(join(root, `v${n}`), content);
}

const statuses = (store: Store): string[] =>
  store
    .builds({})
    .reverse()
    .map((b) => b.status);

describe('crash safety', () => {
  it(`survives SIGKILL mid-build ${rounds} times`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hangar-crash-'));
    writeFileSync(join(dir, 'pipeline.yml'), JSON.stringify(pipeline));
    const state = join(dir, '.hangar');
    for (let round = 1; round <= rounds; round++) {
      if (round > 1) push(dir, 'go');
      push(dir, 'hold');
      await runAndKill(dir);
      // Read the state as the killed process left it (no repair yet).
      const store = new Store(state);
      try {
        // round r's killed build is errored by round r+1's runner, which then succeeds with "go"
        const pairs = Array.from({ length: round - 1 }, () => ['errored', 'succeeded']).flat();
        expect(statuses(store)).toEqual([...pairs, 'started']);
        expect(store.versions(store.resourceId(store.pipeline('pipeline')!.id, 'r'))).toHaveLength(
          2 * round - 1,
        );
      } finally {
        store.close();
      }
    }
    // A last start repairs the state and continues scheduling.
    push(dir, 'go');
    const { store, interrupted } = openState(state);
    try {
      expect(interrupted).toBe(1);
      const registry = new ResourceTypeRegistry();
      registry.register('file', [process.execPath, fileResource]);
      const runner = new PipelineRunner({
        store,
        runtime: new HostRuntime(registry),
        stateDir: state,
        pipelineName: 'pipeline',
        build: { noCache: false, overrides: new Map(), externalUrl: 'http://127.0.0.1:9' },
      });
      await runner.runUntilIdle();
      const builds = store.builds({}).reverse();
      expect(builds.map((b) => b.status)).toEqual(
        Array.from({ length: rounds }, () => ['errored', 'succeeded']).flat(),
      );
      for (const b of builds.filter((x) => x.status === 'errored')) expect(b.error).toBe(interruptedMessage);
      expect(store.versions(store.resourceId(runner.pipelineId, 'r'))).toHaveLength(2 * rounds);
    } finally {
      store.close();
    }
  }, 240_000);
});
