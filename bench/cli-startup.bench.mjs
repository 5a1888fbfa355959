// Start-up of the CLIs as a user runs them (the committed bin/ shims over the built bundles), each
// against a bare `node -e 0` in the same run: `hangar validate` (goal <= 1.5x), `format`, `graph`,
// `builds` on a state of 1,000 builds, `hangar-conformance --help` and `hangar-images --help`
// (goal <= 2x); and `hangar validate` against the real `fly validate-pipeline` on the same file.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compare, record, report, timeProcess } from './measure.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const pipeline = join(root, 'runner/test/fixtures/graph/pipeline.yml');
const fly = join(process.env.HANGAR_CACHE ?? join(homedir(), '.cache', 'hangar'), 'bin', 'fly');

/** A state directory holding one pipeline with 1,000 finished builds. */
async function stateWithBuilds(dir, count) {
  const { openState, setPipelineFromFile } = await import(join(root, 'runner/dist/engine/index.js'));
  const { store } = openState(dir);
  await setPipelineFromFile(store, pipeline, 'bench', {});
  const pipelineId = store.pipeline('bench').id;
  const jobId = store.jobs(pipelineId)[0].id;
  store.db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const build = store.createBuild(pipelineId, jobId, true);
      store.finishBuild(build.id, i % 7 === 0 ? 'failed' : 'succeeded');
    }
  })();
  store.close();
}

export async function run() {
  const dir = mkdtempSync(join(tmpdir(), 'hangar-cli-bench-'));
  try {
    const state = join(dir, '.hangar');
    await stateWithBuilds(state, 1000);
    const node = process.execPath;
    const hangar =
      (...args) =>
      () =>
        timeProcess(node, [join(root, 'runner/bin/hangar.js'), ...args]);
    const cases = {
      'node -e 0': () => timeProcess(node, ['-e', '0']),
      'hangar validate': hangar('validate', pipeline),
      'hangar format': hangar('format', pipeline),
      'hangar graph': hangar('graph', pipeline),
      'hangar builds (1,000)': hangar('builds', '--state', state),
      'hangar-conformance --help': () =>
        timeProcess(node, [join(root, 'conformance/bin/hangar-conformance.js'), '--help']),
      'hangar-images --help': () => timeProcess(node, [join(root, 'images/bin/hangar-images.js'), '--help']),
    };
    const haveFly = existsSync(fly);
    if (haveFly)
      cases['fly validate-pipeline'] = () => timeProcess(fly, ['validate-pipeline', '-c', pipeline]);
    // One untimed run of each first: the launcher writes its code cache then, as a user's first run does.
    for (const run of Object.values(cases)) run();
    // 40 rounds: on the shared 2-core machine 20 left the medians of one run up to 0.3x apart
    const medians = compare(cases, { rounds: 40 });
    report(medians, 'node -e 0');
    for (const name of Object.keys(cases).filter((n) => n.startsWith('hangar'))) {
      record({
        name: `start-up: ${name}`,
        baseline: 'node -e 0',
        baselineValue: medians['node -e 0'],
        value: medians[name],
        goal: name === 'hangar validate' ? 1.5 : 2,
      });
    }
    if (haveFly) {
      const ratio = medians['hangar validate'] / medians['fly validate-pipeline'];
      console.log(`hangar validate / fly validate-pipeline: ${ratio.toFixed(2)}x (same file, same run)`);
      record({
        name: 'start-up: hangar validate vs fly',
        baseline: 'fly validate-pipeline',
        baselineValue: medians['fly validate-pipeline'],
        value: medians['hangar validate'],
      });
    } else {
      console.log('fly: not built (run scripts/bootstrap)');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
