// The engine's commands in-process: logs, summary, fly's exit codes, one-line errors, execute.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { Store } from '../../src/store/store.js';
import { fileResource } from './harness.js';

async function hangar(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, {
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    env: { NO_COLOR: '1' },
  });
  return { code, out, err };
}

function workspace(pipeline: unknown): { dir: string; file: string; common: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'hangar-cli-'));
  const file = join(dir, 'p.yml');
  writeFileSync(file, JSON.stringify(pipeline));
  return {
    dir,
    file,
    common: ['--state', join(dir, '.hangar'), '-v', `root=${dir}`, '--resource-type', `file=${fileResource}`],
  };
}

const task = (name: string, script: string, extra: Record<string, unknown> = {}) => ({
  task: name,
  config: { platform: 'linux', run: { path: 'sh', args: ['-c', script] }, ...extra },
});

describe('hangar run', () => {
  it('prints step headers, the task output and a summary; exits 0 when all succeeded', async () => {
    const w = workspace({
      resources: [{ name: 'r', type: 'file', source: { root: '((root))/r' } }],
      jobs: [{ name: 'j', plan: [{ get: 'r', trigger: true }, task('hello', 'echo hi there')] }],
    });
    mkdirSync(join(w.dir, 'r'));
    writeFileSync(join(w.dir, 'r', 'v1'), 'x');
    const r = await hangar(['run', w.file, ...w.common]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('j #1 | get: r');
    expect(r.out).toContain('j #1 | task: hello');
    expect(r.out).toContain('j #1 | hi there');
    expect(r.out).toMatch(/p\/j #1\s+succeeded/);
    const again = await hangar(['run', w.file, ...w.common]);
    expect(again.out).toContain('nothing to run');
    const builds = await hangar(['builds', ...w.common.slice(0, 2)]);
    expect(builds.out).toMatch(/p\/j #1\s+succeeded/);
  });

  it('exits 1 naming the resources when nothing ran because their checks errored', async () => {
    const w = workspace({
      resources: [{ name: 'r', type: 'file', source: { root: '((missing_root))' } }],
      jobs: [{ name: 'j', plan: [{ get: 'r', trigger: true }] }],
    });
    const r = await hangar(['run', w.file, ...w.common]);
    expect(r.code).toBe(1);
    expect(r.err.match(/check r errored: undefined vars: missing_root/g)).toHaveLength(1);
    expect(r.err).toMatch(/^error: nothing ran: the check of r errored \(its error is above\)$/m);
  });

  it('exits with the failing task exit status, 2 for errored, like fly', async () => {
    const failing = workspace({ jobs: [{ name: 'j', plan: [task('t', 'exit 3')] }] });
    expect((await hangar(['trigger', failing.file, 'j', ...failing.common])).code).toBe(3);
    const errored = workspace({ jobs: [{ name: 'j', plan: [{ task: 't', file: 'nowhere/t.yml' }] }] });
    const r = await hangar(['trigger', errored.file, 'j', '-w', ...errored.common]);
    expect(r.code).toBe(2);
    expect(r.out).toContain("unknown artifact source: 'nowhere'");
  });

  it('redacts load_var values in the printed log', async () => {
    const w = workspace({
      jobs: [
        {
          name: 'j',
          plan: [
            task('w', 'printf s3cr%s t > o/s', { outputs: [{ name: 'o' }] }),
            { load_var: 's', file: 'o/s' },
            task('leak', 'echo "value=$S"', { params: { S: '((.:s))' } }),
          ],
        },
      ],
    });
    const r = await hangar(['trigger', w.file, 'j', '-w', ...w.common]);
    expect(r.out).toContain('value=((redacted))');
    expect(r.out).not.toContain('s3crt');
  });

  it('one-line errors without a stack for invalid pipelines and unknown jobs', async () => {
    const w = workspace({ jobs: [{ name: 'j', plan: [{ get: 'nope' }] }] });
    const r = await hangar(['run', w.file, ...w.common]);
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/^error: invalid pipeline: .*p\.yml:\d+:\d+: .*unknown resource 'nope'/);
    const ok = workspace({ jobs: [{ name: 'j', plan: [task('t', 'true')] }] });
    const t = await hangar(['trigger', ok.file, 'nope', ...ok.common]);
    expect(t.err).toBe("error: job 'nope' not found in pipeline 'p'\n");
  });

  it('unpauses the pipeline it sets, as set-pipeline + unpause-pipeline', async () => {
    const w = workspace({
      resources: [{ name: 'r', type: 'file', source: { root: '((root))/r' } }],
      jobs: [{ name: 'j', plan: [{ get: 'r', trigger: true }] }],
    });
    mkdirSync(join(w.dir, 'r'));
    writeFileSync(join(w.dir, 'r', 'v1'), 'x');
    await hangar(['run', w.file, '--dry-run', ...w.common]);
    const store = new Store(join(w.dir, '.hangar'));
    store.setPipelinePaused(store.pipeline('p')!.id, true);
    store.close();
    const r = await hangar(['run', w.file, ...w.common]);
    expect(r.out).toMatch(/p\/j #1\s+succeeded/);
  });

  it('--dry-run prints the scheduler decisions without running', async () => {
    const w = workspace({
      resources: [{ name: 'r', type: 'file', source: { root: '((root))/r' } }],
      jobs: [{ name: 'j', plan: [{ get: 'r', trigger: true }] }],
    });
    mkdirSync(join(w.dir, 'r'));
    writeFileSync(join(w.dir, 'r', 'v1'), 'x');
    const r = await hangar(['run', w.file, '--dry-run', ...w.common]);
    expect(r.out).toContain('j: trigger (new: r)');
    expect(r.out).toContain('r: {"n":"1"}');
    expect((await hangar(['builds', ...w.common.slice(0, 2)])).out).not.toContain('p/j');
  });

  it('check saves versions from --from', async () => {
    const w = workspace({
      resources: [{ name: 'r', type: 'file', source: { root: '((root))/r' } }],
      jobs: [{ name: 'j', plan: [{ get: 'r' }] }],
    });
    mkdirSync(join(w.dir, 'r'));
    for (const n of [1, 2, 3]) writeFileSync(join(w.dir, 'r', `v${n}`), 'x');
    const r = await hangar(['check', w.file, 'r', '--from', 'n:1', ...w.common]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('3 new version(s), latest {"n":"3"}');
  });
});

describe('hangar execute', () => {
  it('uploads inputs git-aware, appends -- args, copies outputs out even on failure', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hangar-exec-'));
    const src = join(dir, 'src');
    mkdirSync(src);
    writeFileSync(join(src, 'tracked'), 't');
    writeFileSync(join(src, 'ignored'), 'i');
    writeFileSync(join(src, '.gitignore'), 'ignored\n');
    execFileSync('git', ['init', '-q', src]);
    execFileSync('git', ['-C', src, 'add', 'tracked', '.gitignore']);
    writeFileSync(
      join(dir, 'task.yml'),
      JSON.stringify({
        platform: 'linux',
        inputs: [{ name: 'src' }],
        outputs: [{ name: 'out' }],
        run: {
          path: 'sh',
          args: ['-c', 'ls -A src | tr "\\n" " "; echo "args:$1 $2" | tee out/args; exit 4', 'sh'],
        },
      }),
    );
    const state = ['--state', join(dir, '.hangar')];
    const r = await hangar([
      'execute',
      '-c',
      join(dir, 'task.yml'),
      '-i',
      `src=${src}`,
      '-o',
      `out=${join(dir, 'result')}`,
      ...state,
      '--',
      'a',
      'b',
    ]);
    expect(r.code).toBe(4);
    expect(r.out).toContain('.gitignore tracked args:a b');
    expect(r.out).not.toContain('.git ');
    expect(readFileSync(join(dir, 'result', 'args'), 'utf8')).toBe('args:a b\n');
    const all = await hangar([
      'execute',
      '-c',
      join(dir, 'task.yml'),
      '-i',
      `src=${src}`,
      '--include-ignored',
      ...state,
    ]);
    expect(all.out).toContain('.gitignore ignored tracked');
    expect((await hangar(['execute', '-c', join(dir, 'task.yml'), '-i', `nope=${src}`, ...state])).err).toBe(
      'error: unknown input `nope`\n',
    );
    expect((await hangar(['execute', '-c', join(dir, 'task.yml'), ...state])).err).toBe(
      'error: missing required input `src`\n',
    );
    expect(existsSync(join(dir, '.hangar', 'state.db'))).toBe(true);
  });
});

describe('examples/hello', () => {
  it('is a valid pipeline', async () => {
    const file = new URL('../../../examples/hello/pipeline.yml', import.meta.url).pathname;
    const r = await hangar(['validate', file]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  });
});

describe('interrupts and watch', () => {
  it('Ctrl-C aborts the running build, runs on_abort, exits 3; watch replays the log', async () => {
    const { spawn } = await import('node:child_process');
    const w = workspace({
      jobs: [
        {
          name: 'j',
          plan: [
            { ...task('long', 'echo holding; exec sleep 30'), on_abort: task('cleanup', 'echo cleaned up') },
          ],
        },
      ],
    });
    const bin = new URL('../../bin/hangar.js', import.meta.url).pathname;
    const child = spawn(process.execPath, [bin, 'trigger', w.file, 'j', '-w', '--no-color', ...w.common], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      if (chunk.includes('holding')) child.kill('SIGINT');
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(3);
    expect(out).toContain('cleaned up');
    expect(out).toContain('aborted');
    const watched = await hangar(['watch', ...w.common.slice(0, 2)]);
    expect(watched.code).toBe(3);
    expect(watched.out).toContain('task: long');
    expect(watched.out).toContain('interrupted');
  });
});

describe('hangar execute -j', () => {
  it("takes the job's resolved inputs, -i overriding them", async () => {
    const w = workspace({
      resources: [{ name: 'r', type: 'file', source: { root: '((root))/r' } }],
      jobs: [{ name: 'j', plan: [{ get: 'r', trigger: true }] }],
    });
    mkdirSync(join(w.dir, 'r'));
    writeFileSync(join(w.dir, 'r', 'v1'), 'from-the-job');
    await hangar(['check', w.file, 'r', ...w.common]);
    const taskFile = join(w.dir, 'task.yml');
    writeFileSync(
      taskFile,
      JSON.stringify({
        platform: 'linux',
        inputs: [{ name: 'r' }],
        run: { path: 'cat', args: ['r/content'] },
      }),
    );
    const r = await hangar(['execute', '-c', taskFile, '-j', 'p/j', ...w.common]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('from-the-job');
    const local = join(w.dir, 'local');
    mkdirSync(local);
    writeFileSync(join(local, 'content'), 'local-copy');
    const o = await hangar(['execute', '-c', taskFile, '-j', 'p/j', '-i', `r=${local}`, ...w.common]);
    expect(o.out).toContain('local-copy');
  });
});
