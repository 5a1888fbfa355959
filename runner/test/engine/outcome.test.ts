// The outcome algebra of §2.5 as a table: each row is a job whose plan combines a step and a
// hook; the build status and whether the hook ran are Concourse's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuildStatus } from '../../src/store/store.js';
import { harness, sh, type Harness } from './harness.js';

const ok = sh('ok', 'true');
const fail = sh('fail', 'exit 1');
const err = { task: 'boom', file: 'missing/task.yml' };
const hookOk = sh('hook', 'true');
const hookFail = sh('hook', 'exit 1');
const hookErr = { task: 'hook', file: 'missing/hook.yml' };
const counting = sh(
  'count',
  'n=$(cat "$C" 2>/dev/null || echo 0); n=$((n+1)); echo $n > "$C"; [ $n -ge 2 ]',
  {
    params: { C: '((root))/attempts-count' },
  },
);

interface Row {
  name: string;
  plan: unknown[];
  status: BuildStatus;
  hookRan?: boolean;
  jobHooks?: Record<string, unknown>;
}

const rows: Row[] = [
  { name: 'on-success-ok-ok', plan: [{ ...ok, on_success: hookOk }], status: 'succeeded', hookRan: true },
  {
    name: 'on-success-ok-hook-fails',
    plan: [{ ...ok, on_success: hookFail }],
    status: 'failed',
    hookRan: true,
  },
  { name: 'on-success-ok-hook-errors', plan: [{ ...ok, on_success: hookErr }], status: 'errored' },
  {
    name: 'on-success-step-fails',
    plan: [{ ...fail, on_success: hookOk }],
    status: 'failed',
    hookRan: false,
  },
  {
    name: 'on-success-step-errors',
    plan: [{ ...err, on_success: hookOk }],
    status: 'errored',
    hookRan: false,
  },
  {
    name: 'on-failure-fails-hook-ok',
    plan: [{ ...fail, on_failure: hookOk }],
    status: 'failed',
    hookRan: true,
  },
  { name: 'on-failure-fails-hook-errors', plan: [{ ...fail, on_failure: hookErr }], status: 'errored' },
  { name: 'on-failure-step-ok', plan: [{ ...ok, on_failure: hookOk }], status: 'succeeded', hookRan: false },
  {
    name: 'on-failure-step-errors',
    plan: [{ ...err, on_failure: hookOk }],
    status: 'errored',
    hookRan: false,
  },
  { name: 'on-error-errors-hook-ok', plan: [{ ...err, on_error: hookOk }], status: 'errored', hookRan: true },
  { name: 'on-error-step-fails', plan: [{ ...fail, on_error: hookOk }], status: 'failed', hookRan: false },
  { name: 'on-error-step-ok', plan: [{ ...ok, on_error: hookOk }], status: 'succeeded', hookRan: false },
  { name: 'ensure-ok-ok', plan: [{ ...ok, ensure: hookOk }], status: 'succeeded', hookRan: true },
  { name: 'ensure-ok-hook-fails', plan: [{ ...ok, ensure: hookFail }], status: 'failed', hookRan: true },
  { name: 'ensure-fails-hook-ok', plan: [{ ...fail, ensure: hookOk }], status: 'failed', hookRan: true },
  { name: 'ensure-errors-hook-ok', plan: [{ ...err, ensure: hookOk }], status: 'errored', hookRan: true },
  { name: 'ensure-ok-hook-errors', plan: [{ ...ok, ensure: hookErr }], status: 'errored' },
  { name: 'try-swallows-failure', plan: [{ try: fail }], status: 'succeeded' },
  { name: 'try-swallows-error', plan: [{ try: err }], status: 'succeeded' },
  { name: 'do-stops-at-failure', plan: [{ do: [fail, hookOk] }], status: 'failed', hookRan: false },
  { name: 'in-parallel-any-failure-fails', plan: [{ in_parallel: [ok, fail] }], status: 'failed' },
  { name: 'in-parallel-error-beats-failure', plan: [{ in_parallel: [fail, err] }], status: 'errored' },
  { name: 'attempts-retry-until-success', plan: [{ ...counting, attempts: 3 }], status: 'succeeded' },
  { name: 'attempts-last-error-wins', plan: [{ ...err, attempts: 2 }], status: 'errored' },
  {
    name: 'timeout-fails-not-errors',
    plan: [{ ...sh('slow', 'sleep 5'), timeout: '300ms' }],
    status: 'failed',
  },
  {
    name: 'timeout-fires-on-failure-hook',
    plan: [{ ...sh('slow', 'sleep 5'), timeout: '300ms', on_failure: hookOk }],
    status: 'failed',
    hookRan: true,
  },
  {
    name: 'timeout-modifier-on-do',
    plan: [{ do: [sh('slow', 'sleep 5')], timeout: '300ms' }],
    status: 'failed',
  },
  {
    name: 'job-on-failure-hook',
    plan: [fail],
    jobHooks: { on_failure: hookOk },
    status: 'failed',
    hookRan: true,
  },
  {
    name: 'job-ensure-after-error',
    plan: [err],
    jobHooks: { ensure: hookOk },
    status: 'errored',
    hookRan: true,
  },
];

let h: Harness;

beforeAll(async () => {
  h = await harness({ jobs: rows.map((r) => ({ name: r.name, plan: r.plan, ...(r.jobHooks ?? {}) })) });
});
afterAll(() => h.close());

describe('outcome algebra', () => {
  it.each(rows)('$name -> $status', async (row) => {
    const build = await h.runJob(row.name);
    expect(build.status).toBe(row.status);
    if (row.hookRan !== undefined) {
      const ran = h.eventsOf(build.id).some((e) => e.event === 'initialize-task' && e.data.name === 'hook');
      expect(ran).toBe(row.hookRan);
    }
  });

  it('logs "timeout exceeded" for a timed-out step', () => {
    const build = h.builds('timeout-fails-not-errors').at(-1)!;
    expect(h.logOf(build.id)).toContain('ERROR timeout exceeded');
  });

  it('retries an errored step up to attempts', () => {
    const build = h.builds('attempts-last-error-wins').at(-1)!;
    expect(h.eventsOf(build.id).filter((e) => e.event === 'error' && e.data.origin).length).toBe(2);
  });
});

describe('abort', () => {
  it('aborts the running step, runs on_abort and ensure, and ends aborted', async () => {
    const a = await harness({
      jobs: [
        {
          name: 'long',
          plan: [{ ...sh('long', 'sleep 30'), on_abort: sh('hook', 'true') }],
          ensure: sh('cleanup', 'true'),
        },
      ],
    });
    try {
      const build = await a.runner.trigger('long');
      const started = a.waitFor((e) => e.event === 'start-task');
      const done = a.runner.runBuildToEnd(build.id);
      await started;
      a.runner.abort();
      const result = await done;
      expect(result.status).toBe('aborted');
      const names = a
        .eventsOf(build.id)
        .filter((e) => e.event === 'initialize-task')
        .map((e) => e.data.name);
      expect(names).toEqual(['long', 'hook', 'cleanup']);
      expect(a.store.build(build.id).status).toBe('aborted');
    } finally {
      a.close();
    }
  });
});
