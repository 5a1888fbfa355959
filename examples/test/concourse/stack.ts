// One Concourse for the calling test file: started before its tests, stopped after them, and then
// nothing of it may be left on the machine (no process, mount, cgroup, rule or namespace).
import { afterAll, beforeAll, expect } from 'vitest';
import { NOTHING_LEFT, type ConcourseStack } from '@hangar/testkit';
import { startExamplesConcourse } from '../../lib/concourse.mjs';

export function concourseForThisFile(): { readonly stack: ConcourseStack } {
  let started: ConcourseStack | undefined;
  beforeAll(async () => {
    started = await startExamplesConcourse();
  }, 300_000);
  afterAll(async () => {
    if (!started) return;
    await started.stop();
    expect(await started.leftovers()).toEqual(NOTHING_LEFT);
  });
  return {
    get stack() {
      if (!started) throw new Error('the Concourse stack did not start');
      return started;
    },
  };
}
