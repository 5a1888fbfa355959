// The abort protocol with stand-in programs: one SIGINT, a bounded grace, then the group is killed.
import { existsSync, watch } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { InterruptedError, lastError, runProcess } from './tofu-process.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hangar-tofu-process-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin' };

async function script(name: string, body: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return path;
}

/** Resolves when `path` exists: the program's own signal that it is ready (watch first, then look). */
function fileAppears(path: string): Promise<void> {
  return new Promise((resolve) => {
    const watcher = watch(dir, () => {
      if (existsSync(path)) done();
    });
    const done = () => {
      watcher.close();
      resolve();
    };
    if (existsSync(path)) done();
  });
}

it('sends one SIGINT and reports a graceful stop', async () => {
  const ready = join(dir, 'graceful.ready');
  const stopped = join(dir, 'graceful.stopped');
  const command = await script(
    'graceful',
    `trap 'echo INT >> ${stopped}; exit 130' INT\ntouch ${ready}\nwhile :; do sleep 0.05; done`,
  );
  const controller = new AbortController();
  const lines: string[] = [];
  const running = runProcess({
    command,
    args: [],
    cwd: dir,
    env,
    signal: controller.signal,
    graceMs: 30_000,
    onLine: (line) => lines.push(line),
  });
  await fileAppears(ready);
  controller.abort();
  const error = await running.catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(InterruptedError);
  expect((error as Error).message).toMatch(/stopped gracefully .*released its state lock/);
  expect(await readFile(stopped, 'utf8')).toBe('INT\n');
});

it('kills the whole group when the grace period runs out', async () => {
  const ready = join(dir, 'stubborn.ready');
  const child = join(dir, 'stubborn.child');
  const command = await script(
    'stubborn',
    `trap '' INT\nsleep 300 &\necho $! > ${child}\ntouch ${ready}\nwait`,
  );
  const controller = new AbortController();
  const running = runProcess({
    command,
    args: [],
    cwd: dir,
    env,
    signal: controller.signal,
    graceMs: 200,
    onLine: () => {},
  });
  await fileAppears(ready);
  controller.abort();
  await expect(running).rejects.toThrow(
    /was killed after 0\.2s; its state lock may remain: run 'tofu force-unlock/,
  );
  const pid = Number(await readFile(child, 'utf8'));
  // Gone, or a zombie waiting for init to reap it: either way no longer running.
  const state = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => 'gone');
  expect(state === 'gone' || state.split(' ')[2] === 'Z').toBe(true);
});

it('never starts a command once aborted', async () => {
  const controller = new AbortController();
  controller.abort();
  await expect(
    runProcess({
      command: '/bin/true',
      args: [],
      cwd: dir,
      env,
      signal: controller.signal,
      graceMs: 1,
      onLine: () => {},
    }),
  ).rejects.toThrow(/interrupted before/);
});

it('takes the first Error line as the reason', () => {
  expect(lastError('noise\n╷\n│ Error: Invalid value\n│ \n│ detail\n')).toBe('Error: Invalid value detail');
  expect(lastError('Error: Lock failed\nsomething more\n')).toBe('Error: Lock failed something more');
  expect(lastError('a\nb\n')).toBe('b');
});

it('finds the Error line through the colours of a command that has no -no-color', () => {
  const coloured =
    '\x1b[31m╷\x1b[0m\n\x1b[31m│\x1b[0m \x1b[1m\x1b[31mError: \x1b[0m\x1b[1mFailed to refresh state\n\x1b[31m╵\x1b[0m\n';
  expect(lastError(coloured)).toBe('Error: Failed to refresh state');
});
