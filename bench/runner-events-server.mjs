// Server side of runner-events.bench.mjs, one process per mode, printing `ready <port>`:
//   hangar STATE_DIR      the compiled web server over a state holding one build of N log lines
//   raw FILE              a plain TCP server writing FILE's bytes to each connection
//   seed STATE_DIR N      stores two builds of N lines and exits, printing their ids: one run by
//                         the engine (a task printing N lines: events as the engine cuts output),
//                         one with an event per line (the worst case, written through EventSink)
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const [mode, path, count] = process.argv.slice(2);

if (mode === 'raw') {
  const bytes = readFileSync(path);
  const server = createServer((socket) => socket.end(bytes));
  server.listen(0, '127.0.0.1', () => console.log(`ready ${server.address().port}`));
} else {
  const { EventSink, openState } = await import(join(root, 'runner/dist/engine/index.js'));
  const { Redactor } = await import(join(root, 'runner/dist/vars/index.js'));
  const { store } = openState(path);
  if (mode === 'seed') {
    const { PipelineRunner, setPipelineFromFile } = await import(join(root, 'runner/dist/engine/index.js'));
    const { HostRuntime, ResourceTypeRegistry } = await import(join(root, 'runner/dist/runtime/index.js'));
    const file = join(path, 'bench.yml');
    const script = `seq 1 ${count} | sed 's/$/ of the benchmark build log, some ordinary text/'`;
    const task = { task: 'print', config: { platform: 'linux', run: { path: 'sh', args: ['-c', script] } } };
    writeFileSync(file, JSON.stringify({ jobs: [{ name: 'print', plan: [task] }] }));
    await setPipelineFromFile(store, file, 'bench', {});
    const runner = new PipelineRunner({
      store,
      runtime: new HostRuntime(new ResourceTypeRegistry()),
      stateDir: path,
      pipelineName: 'bench',
      build: { noCache: false, overrides: new Map(), externalUrl: 'http://127.0.0.1:8080' },
    });
    const engineBuild = await runner.trigger('print');
    await runner.runBuildToEnd(engineBuild.id);

    const build = store.createOneOffBuild(null);
    const sink = new EventSink(store, build.id, new Redactor(), []);
    sink.emit('status', { status: 'started' });
    store.db.transaction(() => {
      for (let i = 1; i <= Number(count); i++)
        sink.log('00000001', 'stdout', `line ${i} of the benchmark's build log, some ordinary text\n`);
    })();
    sink.emit('status', { status: 'succeeded' });
    store.finishBuild(build.id, 'succeeded');
    store.close();
    console.log(`seeded ${engineBuild.id} ${build.id}`);
  } else {
    const { Hub } = await import(join(root, 'runner/dist/web/hub.js'));
    const { startWebServer } = await import(join(root, 'runner/dist/web/server.js'));
    const hub = new Hub(store, () => {
      throw new Error('no actions in the benchmark');
    });
    const web = await startWebServer({ hub, host: '127.0.0.1', port: 0 });
    console.log(`ready ${new URL(web.url).port}`);
  }
}
