#!/usr/bin/env node
// Runs every benchmark in bench/ (files named *.bench.mjs) or the ones named on the command line.
// Each prints its figures and a ratio against a baseline measured in the same run; the figures
// that have a goal end up in one table, also written to bench/results.json for tracking.
import { readdir, writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { summary } from './measure.mjs';

const dir = import.meta.dirname;
const wanted = process.argv.slice(2);
const files = (await readdir(dir)).filter((file) => file.endsWith('.bench.mjs')).sort();
for (const file of files) {
  const name = file.replace(/\.bench\.mjs$/, '');
  if (wanted.length && !wanted.includes(name)) continue;
  console.log(`\n== ${name}`);
  const { run } = await import(pathToFileURL(join(dir, file)).href);
  await run();
}

const fixed = (value) => (Number.isInteger(value) ? String(value) : value.toFixed(1));
console.log('\n== summary');
console.table(
  summary.map((row) => ({
    benchmark: row.name,
    baseline: `${row.baseline}: ${fixed(row.baselineValue)} ${row.unit}`,
    ours: `${fixed(row.value)} ${row.unit}`,
    ratio: `${row.ratio.toFixed(2)}x`,
    goal: row.goal === undefined ? '-' : `<= ${row.goal}x`,
    result: row.goal === undefined ? 'info' : row.pass ? 'pass' : 'FAIL',
  })),
);
const results = join(dir, 'results.json');
await writeFile(
  results,
  `${JSON.stringify({ date: new Date().toISOString(), results: summary }, null, 2)}\n`,
);
console.log(`written to ${results}`);
