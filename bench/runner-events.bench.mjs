// runner (web): GET /api/v1/builds/:id/events streaming a finished build of 100,000 log lines,
// against a plain TCP server writing the same bytes, in the same run. Also the events server's
// peak RSS (VmHWM), before and after the streams: flat means streamed, not buffered.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Buffer } from 'node:buffer';
import { median, record } from './measure.mjs';

const lines = 100_000;
const rounds = 7;
const serverScript = fileURLToPath(new URL('./runner-events-server.mjs', import.meta.url));

function startServer(args) {
  const child = spawn(process.execPath, [serverScript, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`server ${args[0]} exited ${code}`)));
    child.stdout.once('data', (d) => resolve({ child, port: Number(String(d).trim().split(' ')[1]) }));
  });
}

/** Peak resident set of a process, MiB (Linux). */
const peakRss = (pid) => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

function fetchEvents(port, buildId) {
  const start = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path: `/api/v1/builds/${buildId}/events` }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () =>
        resolve({ ms: Number(process.hrtime.bigint() - start) / 1e6, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    }).on('error', reject);
  });
}

function fetchRaw(port) {
  const start = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    let bytes = 0;
    const socket = connect(port, '127.0.0.1');
    socket.on('data', (c) => (bytes += c.length));
    socket.on('end', () => resolve({ ms: Number(process.hrtime.bigint() - start) / 1e6, bytes }));
    socket.on('error', reject);
  });
}

/** Streams one build `rounds` times interleaved with the raw server; returns medians and sizes. */
async function measureBuild(dir, hangar, buildId, label) {
  const first = await fetchEvents(hangar.port, buildId);
  const text = first.body.toString('utf8');
  const lineCount = text.split('\\n').length - 1;
  if (!text.endsWith('event: end\ndata: \n\n')) throw new Error(`${label}: the stream did not end`);
  const rawFile = join(dir, `events-${buildId}.raw`);
  writeFileSync(rawFile, first.body);
  const raw = await startServer(['raw', rawFile]);
  const sse = [];
  const plain = [];
  for (let i = 0; i < rounds; i++) {
    const e = await fetchEvents(hangar.port, buildId);
    if (e.body.length !== first.body.length) throw new Error('the event stream changed between rounds');
    sse.push(e.ms);
    const r = await fetchRaw(raw.port);
    if (r.bytes !== first.body.length) throw new Error(`raw server sent ${r.bytes} bytes`);
    plain.push(r.ms);
  }
  raw.child.kill();
  const events = text.split('\nevent: event\n').length - 1;
  const [s, p] = [median(sse), median(plain)];
  console.log(
    `${label.padEnd(34)} ${String(events).padStart(6)} events, ${lineCount} lines, ${(first.body.length / 1048576).toFixed(1)} MiB   ` +
      `events endpoint ${s.toFixed(0).padStart(4)} ms   raw socket ${p.toFixed(0).padStart(3)} ms   ${(s / p).toFixed(2)}x (goal <= 2)`,
  );
  record({ name: `build events, ${label}`, baseline: 'raw socket', baselineValue: p, value: s, goal: 2 });
}

export async function run() {
  const dir = mkdtempSync(join(tmpdir(), 'hangar-events-bench-'));
  const state = join(dir, '.hangar');
  const seeded = spawnSync(process.execPath, [serverScript, 'seed', state, String(lines)], {
    encoding: 'utf8',
  });
  if (seeded.status !== 0) throw new Error(`seeding failed: ${seeded.stderr}`);
  const [engineBuild, perLineBuild] = seeded.stdout.trim().split(' ').slice(1).map(Number);

  const hangar = await startServer(['hangar', state]);
  const rssStart = peakRss(hangar.child.pid);
  await measureBuild(dir, hangar, engineBuild, 'build run by the engine');
  const rssMiddle = peakRss(hangar.child.pid);
  await measureBuild(dir, hangar, perLineBuild, 'one event per line (worst case)');
  const rssEnd = peakRss(hangar.child.pid);
  hangar.child.kill();
  console.log(
    `events server peak RSS ${rssStart.toFixed(0)} MiB at start, ${rssMiddle.toFixed(0)} MiB after ${rounds + 1} streams, ` +
      `${rssEnd.toFixed(0)} MiB after ${rounds + 1} more (flat = streamed, not buffered)`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
