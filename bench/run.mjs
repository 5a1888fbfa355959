#!/usr/bin/env node
// Runs every benchmark in bench/ (files named *.bench.mjs) or the ones named on the command line.
// Each prints its figures and a ratio against a baseline measured in the same run.
import { readdir } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';

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
