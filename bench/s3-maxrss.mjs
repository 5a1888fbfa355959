#!/usr/bin/env node
// Runs a Node script in this process and prints its peak resident set size on stderr at exit:
//   node s3-maxrss.mjs <script.js> [args...]   ->   "maxrss-kib <n>" as the last stderr line
// On Linux the figure is VmHWM, this process's own peak: getrusage's maxRSS survives fork and
// exec, so it would report the benchmark parent's RSS when that is larger.
import { readFileSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const peakKib = () => {
  try {
    return Number(/^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))[1]);
  } catch {
    return process.resourceUsage().maxRSS;
  }
};
const [script, ...args] = process.argv.slice(2);
process.on('exit', () => writeSync(2, `maxrss-kib ${peakKib()}\n`));
process.argv = [process.argv[0], resolve(script), ...args];
await import(pathToFileURL(resolve(script)).href);
