// The harness invokes scripts the way Concourse does (concourse-semantics §1.1, §1.3).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { Harness, type HarnessOptions } from '../src/harness/harness.js';
import { CommandSubject } from '../src/subjects/command.js';

const REPORTER = fileURLToPath(new URL('./fixtures/samples/report-invocation.mjs', import.meta.url));

interface Invocation {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  stdin: string;
}

/** Alive and not a zombie waiting for a reaper. */
async function running(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  return stat !== undefined && stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}

const harnesses: Harness[] = [];
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((h) => h.dispose()));
});

async function harness(
  options: Partial<HarnessOptions> = {},
  command = `node ${REPORTER}`,
): Promise<Harness> {
  const h = await Harness.create(new CommandSubject(command), {
    timeoutMs: 10_000,
    concurrency: 2,
    checkEnv: 'none',
    ...options,
  });
  harnesses.push(h);
  return h;
}

describe('invocation', () => {
  test('in: $1 is the destination and the cwd; build metadata in the environment', async () => {
    const h = await harness();
    const call = await h.call(
      'in',
      { source: { a: 1 }, version: { v: '1' } },
      { label: 'in', purpose: 'protocol' },
    );
    const seen = JSON.parse(call.result.stdout) as Invocation;
    expect(seen.argv).toEqual(['in', call.dest]);
    expect(seen.cwd).toBe(call.dest);
    expect(call.dest).toMatch(/build\/get$/);
    expect(seen.stdin).toBe('{"source":{"a":1},"version":{"v":"1"}}');
    expect(seen.env['BUILD_JOB_NAME']).toBe('conformance-job');
    expect(seen.env['BUILD_URL_SHORT']).toMatch(/\/builds\/4242$/);
  });

  test('out: $1 is the sources dir holding the inputs', async () => {
    const h = await harness();
    const inputs = { samples: path.dirname(REPORTER) };
    const call = await h.call(
      'out',
      { source: {}, params: { p: 1 } },
      { label: 'out', purpose: 'protocol', inputs },
    );
    const seen = JSON.parse(call.result.stdout) as Invocation;
    expect(seen.argv).toEqual(['out', call.dest]);
    expect(seen.cwd).toBe(call.dest);
    expect(call.dest).toMatch(/build\/put$/);
    await expect(
      readFile(path.join(call.dest!, 'samples', 'report-invocation.mjs'), 'utf8'),
    ).resolves.toContain('Reports how');
  });

  test('check: no arguments, no build metadata, nothing inherited from the harness', async () => {
    process.env['HANGAR_CONFORMANCE_LEAK_TEST'] = 'leak';
    try {
      const h = await harness();
      const call = await h.call('check', { source: {} }, { label: 'check', purpose: 'protocol' });
      const seen = JSON.parse(call.result.stdout) as Invocation;
      expect(seen.argv).toEqual(['check']);
      expect(Object.keys(seen.env).filter((k) => k.startsWith('BUILD_') || k === 'ATC_EXTERNAL_URL')).toEqual(
        [],
      );
      expect(seen.env['HANGAR_CONFORMANCE_LEAK_TEST']).toBeUndefined();
      expect(seen.env['TMPDIR']).toBe(path.join(h.checkScratch, 'tmp'));
    } finally {
      delete process.env['HANGAR_CONFORMANCE_LEAK_TEST'];
    }
  });

  test('check in concourse mode sees what ATC passes', async () => {
    const h = await harness({ checkEnv: 'concourse' });
    const call = await h.call('check', { source: {} }, { label: 'check', purpose: 'protocol' });
    const seen = JSON.parse(call.result.stdout) as Invocation;
    expect(seen.env['BUILD_NAME']).toBe('check');
    expect(seen.env['BUILD_TEAM_NAME']).toBe('main');
  });

  test('a timeout kills the whole process tree', async () => {
    const h = await harness({ timeoutMs: 1_000 }, `node ${REPORTER} --hang`);
    const call = await h.call('in', { source: {} }, { label: 'hang', purpose: 'protocol' });
    expect(call.result.timedOut).toBe(true);
    const pid = Number(await readFile(path.join(path.dirname(call.dest!), '..', 'tmp', 'child.pid'), 'utf8'));
    // SIGKILL is delivered asynchronously: on a loaded machine the child may take a moment to die.
    await vi.waitFor(async () => expect(await running(pid)).toBe(false), { timeout: 5_000, interval: 20 });
  });
});
