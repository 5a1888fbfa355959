// Shared by the runner benchmarks: pipeline generators, the bare-spawn baseline, the report.
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { record } from './measure.mjs';

const trivialTask = { task: 't', config: { platform: 'linux', run: { path: 'true' } } };
const resource = { name: 'r', type: 'file', source: { root: '((root))/r' } };

/** `count` jobs, each getting r passed by the previous one, each with one trivial task. */
export function chain(count) {
  const jobs = Array.from({ length: count }, (_, i) => ({
    name: `j${i}`,
    plan: [{ get: 'r', trigger: true, ...(i > 0 ? { passed: [`j${i - 1}`] } : {}) }, trivialTask],
  }));
  return { resources: [resource], jobs };
}

/** 1 -> width -> 1: a start job, `width` jobs after it, one job after all of them. */
export function fan(width) {
  const mids = Array.from({ length: width }, (_, i) => `mid${i}`);
  return {
    resources: [resource],
    jobs: [
      { name: 'start', plan: [{ get: 'r', trigger: true }, trivialTask] },
      ...mids.map((name) => ({ name, plan: [{ get: 'r', trigger: true, passed: ['start'] }, trivialTask] })),
      { name: 'end', plan: [{ get: 'r', trigger: true, passed: mids }, trivialTask] },
    ],
  };
}

/** The same number of bare `true` spawns, one after another: the cost no runner can avoid. */
export async function bareSpawns(count) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    await new Promise((resolve, reject) => {
      const child = spawn('true', [], { stdio: 'ignore' });
      child.on('error', reject);
      child.on('close', resolve);
    });
  }
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export function runPipeline(pipeline) {
  const child = fileURLToPath(new URL('./runner-child.mjs', import.meta.url));
  const result = spawnSync(process.execPath, [child, JSON.stringify(pipeline)], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (result.status !== 0) throw new Error(`bench child failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

export async function measure(label, pipeline, jobs, rounds = 3) {
  const runs = [];
  for (let i = 0; i < rounds; i++) {
    const baselineMs = await bareSpawns(jobs);
    const run = runPipeline(pipeline);
    if (run.statuses.succeeded !== jobs)
      throw new Error(`${label}: expected ${jobs} succeeded builds, got ${JSON.stringify(run.statuses)}`);
    runs.push({ ...run, baselineMs, perJob: (run.wallMs - baselineMs) / jobs });
  }
  runs.sort((a, b) => a.perJob - b.perJob);
  const m = runs[Math.floor(runs.length / 2)];
  const peak = Math.max(...runs.map((r) => r.maxRssKb)) / 1024;
  console.log(
    `${label.padEnd(26)} wall ${m.wallMs.toFixed(0).padStart(6)} ms   bare spawns ${m.baselineMs.toFixed(0).padStart(5)} ms   ` +
      `${(m.wallMs / m.baselineMs).toFixed(2)}x   per-job overhead ${m.perJob.toFixed(1)} ms (goal <= 20)   ` +
      `runner CPU ${(m.cpuMs / jobs).toFixed(1)} ms/job   peak RSS ${peak.toFixed(0)} MiB (goal <= 200)`,
  );
  // The goal is absolute (20 ms of overhead per job), so the baseline is that budget.
  record({
    name: `runner, ${label}: overhead per job`,
    baseline: 'budget',
    baselineValue: 20,
    value: m.perJob,
    goal: 1,
  });
}
