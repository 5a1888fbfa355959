// Runs one generated pipeline with the compiled runner in this process and prints JSON figures:
// wall time of `runUntilIdle`, builds by status, peak RSS. Used by the runner-* benchmarks.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const { PipelineRunner, openState, setPipelineFromFile } = await import(
  join(root, 'runner/dist/engine/index.js')
);
const { HostRuntime, ResourceTypeRegistry } = await import(join(root, 'runner/dist/runtime/index.js'));

const [pipelineJson] = process.argv.slice(2);
const dir = mkdtempSync(join(tmpdir(), 'hangar-bench-'));
mkdirSync(join(dir, 'r'));
writeFileSync(join(dir, 'r', 'v1'), 'bench');
writeFileSync(join(dir, 'pipeline.yml'), pipelineJson);
const { store } = openState(join(dir, '.hangar'));
await setPipelineFromFile(store, join(dir, 'pipeline.yml'), 'bench', { root: dir });
const registry = new ResourceTypeRegistry();
registry.register('file', [process.execPath, join(root, 'runner/test/fixtures/resources/file-resource.mjs')]);
const runner = new PipelineRunner({
  store,
  runtime: new HostRuntime(registry),
  stateDir: join(dir, '.hangar'),
  pipelineName: 'bench',
  build: { noCache: false, overrides: new Map(), externalUrl: 'http://127.0.0.1:8080' },
});
const start = process.hrtime.bigint();
const cpuStart = process.cpuUsage();
await runner.runUntilIdle();
const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
const cpu = process.cpuUsage(cpuStart);
const cpuMs = (cpu.user + cpu.system) / 1000;
const statuses = {};
for (const b of store.builds({})) statuses[b.status] = (statuses[b.status] ?? 0) + 1;
store.close();
process.stdout.write(JSON.stringify({ wallMs, cpuMs, statuses, maxRssKb: process.resourceUsage().maxRSS }));
