#!/usr/bin/env node
// Runs a Node script in this process and prints its peak resident set size on stderr at exit:
//   node s3-maxrss.mjs <script.js> [args...]   ->   "maxrss-kib <n>" as the last stderr line
import { writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [script, ...args] = process.argv.slice(2);
process.on('exit', () => writeSync(2, `maxrss-kib ${process.resourceUsage().maxRSS}\n`));
process.argv = [process.argv[0], resolve(script), ...args];
await import(pathToFileURL(resolve(script)).href);
