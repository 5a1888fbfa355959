import { readFile } from 'node:fs/promises';
import { expect, test } from 'vitest';
import type { RunResult, Subject } from '../subjects/subject.js';
import { Harness } from './harness.js';

const ok: RunResult = {
  exitCode: 0,
  signal: null,
  stdout: '[]',
  stderr: '',
  durationMs: 0,
  timedOut: false,
  sightings: [],
};

function fakeSubject(run: Subject['run']): Subject {
  return {
    kind: 'fake',
    description: 'fake',
    available: () => Promise.resolve({ ok: true }),
    run,
    close: () => Promise.resolve(),
  };
}

test('check calls take turns in their shared container; in and out calls run side by side', async () => {
  const log: string[] = [];
  let insRunning = 0;
  let bothIns: () => void = () => undefined;
  const twoIns = new Promise<void>((resolve) => (bothIns = resolve));
  const subject = fakeSubject(async (script, options) => {
    const name = String(options.stdin);
    if (script === 'in') {
      // Each in waits for the other: were they serialized, neither would end.
      if (++insRunning === 2) bothIns();
      await twoIns;
      return { ...ok, stdout: '{"version":{"v":"1"}}' };
    }
    log.push(`start ${name}`);
    await readFile(import.meta.filename); // a real async boundary where another call could start
    log.push(`end ${name}`);
    return ok;
  });
  const harness = await Harness.create(subject, { timeoutMs: 5_000, concurrency: 3, checkEnv: 'none' });
  try {
    const calls = ['a', 'b', 'c'].map((name) =>
      harness.call('check', { raw: name }, { label: name, purpose: 'protocol' }),
    );
    const ins = ['x', 'y'].map((name) =>
      harness.call('in', { raw: name }, { label: name, purpose: 'protocol' }),
    );
    await Promise.all([...calls, ...ins]);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  } finally {
    await harness.dispose();
  }
});
