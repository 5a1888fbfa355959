#!/usr/bin/env node
// @ts-check
// Regenerates docs/deployment-pipeline.png, the root README's picture: runs the pipeline (good
// run), serves its state with `hangar serve` and photographs the pipeline page in Debian chromium.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { root } from '../lib/hangar.mjs';
import { run } from './run.mjs';

const state = await mkdtemp(join(tmpdir(), 'hangar-deployment-state-'));
try {
  await run({ echo: true, keepState: state });
  const server = spawn(
    process.execPath,
    [join(root, 'runner', 'bin', 'hangar.js'), 'serve', '--state', state, '--port', '0'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  try {
    let text = '';
    // The stream is read to the end (never broken off), so the server keeps its stderr.
    const url = await new Promise((resolve, reject) => {
      server.stderr.on('data', (chunk) => {
        text += String(chunk);
        const found = /UI and API at (\S+)/.exec(text)?.[1];
        if (found) resolve(found);
      });
      server.on('close', () => reject(new Error(`hangar serve stopped: ${text}`)));
    });
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
      await page.goto(`${url}teams/main/pipelines/deployment`);
      await page.locator('a.node.job').first().waitFor();
      await page.screenshot({ path: join(root, 'docs', 'deployment-pipeline.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  } finally {
    server.kill();
    await once(server, 'close');
  }
} finally {
  await rm(state, { recursive: true, force: true });
}
