// Timing helpers shared by the benchmarks: interleaved runs, medians, ratios.
import { spawnSync } from 'node:child_process';

/** Wall time of one process run, in milliseconds; throws if it fails. */
export function timeProcess(command, args, input = '') {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { input, encoding: 'utf8' });
  const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return elapsed;
}

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/**
 * Runs each case `rounds` times, interleaved so that machine noise hits all of them alike, after
 * `warmup` untimed rounds. Returns the median per case.
 */
export function compare(cases, { rounds = 30, warmup = 3 } = {}) {
  const samples = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
  for (let round = 0; round < warmup + rounds; round++) {
    for (const [name, run] of Object.entries(cases)) {
      const elapsed = run();
      if (round >= warmup) samples[name].push(elapsed);
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, median(values)]));
}

/** `compare` for cases that return a promise of their elapsed milliseconds. */
export async function compareAsync(cases, { rounds = 30, warmup = 3 } = {}) {
  const samples = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
  for (let round = 0; round < warmup + rounds; round++) {
    for (const [name, run] of Object.entries(cases)) {
      const elapsed = await run();
      if (round >= warmup) samples[name].push(elapsed);
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, median(values)]));
}

/**
 * Prints each case's median and its ratio to `baseline`. With `goal`, the case named `subject`
 * (default: the first that is not the baseline) is also recorded for the summary table.
 */
export function report(medians, baseline, { goal, subject, title } = {}) {
  for (const [name, value] of Object.entries(medians)) {
    const ratio = value / medians[baseline];
    console.log(
      `${name.padEnd(28)} median ${value.toFixed(1).padStart(7)} ms   ${ratio.toFixed(2)}x ${name === baseline ? '(baseline)' : baseline}`,
    );
  }
  if (goal === undefined) return;
  const ours = subject ?? Object.keys(medians).find((name) => name !== baseline);
  record({ name: title ?? ours, baseline, baselineValue: medians[baseline], value: medians[ours], goal });
}

/** Rows of the table `npm run bench` prints at the end and writes to bench/results.json. */
export const summary = [];

/**
 * Records one figure against its same-run baseline: ratio = value / baselineValue, passing at <= goal.
 * Without a goal the ratio is only reported.
 */
export function record({ name, baseline, baselineValue, value, goal, unit = 'ms' }) {
  const ratio = value / baselineValue;
  summary.push({
    name,
    baseline,
    baselineValue,
    value,
    unit,
    ratio,
    goal,
    pass: goal === undefined || ratio <= goal,
  });
}
