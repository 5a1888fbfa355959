// `hangar serve` and `run --ui` refuse bad settings with one line naming the cause, and as real
// processes serve the API while a build runs and after it, until Ctrl-C.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { fileResource } from '../engine/harness.js';
import { hangarProcess } from '../serve/harness.js';

async function hangar(args: string[], env: NodeJS.ProcessEnv = {}) {
  let out = '';
  let err = '';
  const code = await main(args, { stdout: (t) => (out += t), stderr: (t) => (err += t), env });
  return { code, out, err };
}

describe('hangar serve', () => {
  const state = (): string[] => ['--state', join(mkdtempSync(join(tmpdir(), 'hangar-serve-')), '.hangar')];

  it('refuses to serve beyond the loopback without a token', async () => {
    const r = await hangar(['serve', ...state(), '--bind', '0.0.0.0', '--port', '0']);
    expect(r).toEqual({
      code: 1,
      out: '',
      err: 'error: serving on 0.0.0.0 needs a token: set HANGAR_WEB_TOKEN (only 127.0.0.1 may be served without one)\n',
    });
  });

  it('names a bad port', async () => {
    const r = await hangar(['serve', ...state(), '--port', 'eighty']);
    expect(r.err).toBe("error: invalid --port 'eighty': expected 0-65535\n");
    expect(r.code).toBe(1);
  });
});

const getJson = async (url: string): Promise<unknown> => (await fetch(url)).json();

describe('hangar run --ui and hangar serve, as processes', () => {
  it('serve the API while the build runs and after; Ctrl-C stops them with the exit status', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hangar-ui-'));
    const gate = join(dir, 'gate');
    execFileSync('mkfifo', [gate]);
    const pipeline = join(dir, 'p.yml');
    const script = `echo holding; read line < ${gate}; echo released "$line"`;
    mkdirSync(join(dir, 'r'));
    writeFileSync(join(dir, 'r', 'v1'), 'x');
    const task = { task: 't', config: { platform: 'linux', run: { path: 'sh', args: ['-c', script] } } };
    writeFileSync(
      pipeline,
      JSON.stringify({
        resources: [{ name: 'r', type: 'file', source: { root: join(dir, 'r') } }],
        jobs: [{ name: 'j', plan: [{ get: 'r', trigger: true }, task] }],
      }),
    );
    const state = ['--state', join(dir, '.hangar'), '--resource-type', `file=${fileResource}`];

    const run = hangarProcess(['run', pipeline, '--ui', '--port', '0', ...state]);
    const url = (await run.waitFor(/UI and API at (http:\/\/127\.0\.0\.1:\d+)/))[1] ?? '';
    await run.waitFor(/holding/);
    expect(await getJson(`${url}/api/v1/builds`)).toMatchObject([
      { id: 1, job_name: 'j', status: 'started' },
    ]);
    writeFileSync(gate, 'now\n');
    await run.waitFor(/still serving/);
    expect(await getJson(`${url}/api/v1/builds`)).toMatchObject([{ id: 1, status: 'succeeded' }]);
    const events = await (await fetch(`${url}/api/v1/builds/1/events`)).text();
    expect(events).toContain('released now');
    expect(events.endsWith('event: end\ndata: \n\n')).toBe(true);
    expect(await (await fetch(`${url}/metrics`)).text()).toMatch(
      /concourse_builds_finished\{[^}]*status="succeeded"[^}]*\} 1/,
    );
    run.child.kill('SIGINT');
    expect(await run.exited).toEqual([0, null]);
    expect(run.output()).toContain('stopping the UI');

    const serve = hangarProcess(['serve', '--port', '0', ...state.slice(0, 2)]);
    const served = (await serve.waitFor(/UI and API at (http:\/\/127\.0\.0\.1:\d+)/))[1] ?? '';
    expect(await getJson(`${served}/api/v1/builds`)).toMatchObject([{ id: 1, status: 'succeeded' }]);
    serve.child.kill('SIGTERM');
    expect(await serve.exited).toEqual([0, null]);
  }, 60_000);
});
