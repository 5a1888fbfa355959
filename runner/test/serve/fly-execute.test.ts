// The real fly's execute, containers and intercept against a real `hangar serve` on the host runtime:
// inputs uploaded as fly tars them, outputs downloaded, the task's exit status, and a process run in
// a finished or a running task's directory through the hijack WebSocket.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servePipelines, type PipelineServe } from './pipelines.js';

const sh = (script: string) => ({ platform: 'linux', run: { path: 'sh', args: ['-c', script] } });

let serve: PipelineServe;
let work: string;
beforeAll(async () => {
  serve = await servePipelines({
    p: {
      resources: [{ name: 'r', type: 'file', source: { root: '((root))/r' } }],
      jobs: [
        {
          name: 'build',
          plan: [{ get: 'r' }, { task: 'hello', config: { ...sh('cat r/number'), inputs: [{ name: 'r' }] } }],
        },
        {
          name: 'hold',
          plan: [{ task: 'wait', config: sh('echo holding > mark; read line < ((root))/gate') }],
        },
      ],
    },
  });
  serve.push('r', 1);
  execFileSync('mkfifo', [join(serve.root, 'gate')]);
  // a git work tree: a.txt tracked, b.txt untracked, secret.log ignored
  work = join(serve.dir, 'src');
  mkdirSync(work);
  const git = (...args: string[]) => execFileSync('git', ['-C', work, ...args], { stdio: 'ignore' });
  git('init', '-q');
  writeFileSync(join(work, '.gitignore'), '*.log\n');
  writeFileSync(join(work, 'a.txt'), 'tracked\n');
  git('add', '.gitignore', 'a.txt');
  writeFileSync(join(work, 'b.txt'), 'untracked\n');
  writeFileSync(join(work, 'secret.log'), 'ignored\n');
  writeFileSync(
    join(serve.dir, 'list.yml'),
    JSON.stringify({ ...sh('cd src && ls -A | sort'), inputs: [{ name: 'src' }] }),
  );
}, 60_000);
afterAll(() => serve.stop());

describe('fly execute', () => {
  it('uploads an input as fly tars it: git-tracked and untracked files, not ignored ones', async () => {
    const r = await serve.fly(['execute', '-c', 'list.yml', '-i', 'src=src']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^executing build \d+ at http:\/\/127\.0\.0\.1:\d+\/builds\/\d+\n/);
    expect(r.stdout).toContain('\n.gitignore\na.txt\nb.txt\nsucceeded\n');
  });

  it('--include-ignored uploads everything; the current directory is the input named after it', async () => {
    const all = await serve.fly(['execute', '-c', 'list.yml', '-i', 'src=src', '--include-ignored']);
    expect(all.stdout).toContain('\n.git\n.gitignore\na.txt\nb.txt\nsecret.log\nsucceeded\n');
    const cwd = await serve.fly(['execute', '-c', '../list.yml'], { cwd: work });
    expect(cwd.stdout).toContain('\n.gitignore\na.txt\nb.txt\nsucceeded\n');
  });

  it('appends the arguments after -- to run.args, as fly does', async () => {
    writeFileSync(
      join(serve.dir, 'echo.yml'),
      JSON.stringify({ platform: 'linux', run: { path: 'echo', args: ['hello'] } }),
    );
    const r = await serve.fly(['execute', '-c', 'echo.yml', '--', 'big', 'world']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('\nhello big world\nsucceeded\n');
  });

  it('downloads outputs with -o, also when the task fails, and exits with the task status', async () => {
    writeFileSync(
      join(serve.dir, 'make.yml'),
      JSON.stringify({
        ...sh('cp src/a.txt out/copied && mkdir out/sub && echo deep > out/sub/file && exit 4'),
        inputs: [{ name: 'src' }],
        outputs: [{ name: 'out' }],
      }),
    );
    const dest = join(serve.dir, 'fetched');
    const r = await serve.fly(['execute', '-c', 'make.yml', '-i', 'src=src', '-o', `out=${dest}`]);
    expect(r.code).toBe(4);
    expect(r.stdout.endsWith('failed\n')).toBe(true);
    expect(readdirSync(dest).sort()).toEqual(['copied', 'sub']);
    expect(readFileSync(join(dest, 'copied'), 'utf8')).toBe('tracked\n');
    expect(readFileSync(join(dest, 'sub', 'file'), 'utf8')).toBe('deep\n');
    // uploads go once their build is done; the output stays for fly to download
    expect(readdirSync(join(serve.stateDir, 'artifacts'))).toHaveLength(1);
  });

  it('-j P/J takes the inputs the job would get; a missing input is refused by fly', async () => {
    writeFileSync(
      join(serve.dir, 'job.yml'),
      JSON.stringify({ ...sh('cat r/content; echo'), inputs: [{ name: 'r' }] }),
    );
    expect((await serve.fly(['check-resource', '-r', 'p/r'])).code).toBe(0);
    const r = await serve.fly(['execute', '-c', 'job.yml', '-j', 'p/build']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('\ncontent 1\nsucceeded\n');
    const missing = await serve.fly(['execute', '-c', 'job.yml']);
    expect(missing).toMatchObject({ code: 1, stderr: 'error: missing required input `r`\n' });
  });
});

describe('aborting fly execute', () => {
  it('abort-build stops a one-off build; fly execute exits as aborted', async () => {
    writeFileSync(
      join(serve.dir, 'forever.yml'),
      JSON.stringify(sh('echo up-$((6 * 7)); while :; do sleep 1; done')),
    );
    const execute = serve.flyProcess(['execute', '-c', 'forever.yml']);
    const id = (await execute.waitFor(/executing build (\d+)/))[1]!;
    await serve.waitForEvent(Number(id), 'up-42'); // printed by the running task
    expect(await serve.fly(['abort-build', '-b', id])).toEqual({
      code: 0,
      stdout: 'build successfully aborted\n',
      stderr: '',
    });
    expect(await execute.exited).toEqual([3, null]);
    expect(execute.output().endsWith('interrupted\naborted\n')).toBe(true);
  });
});

describe('fly containers and intercept', () => {
  it("runs a command in a finished task's directory, with its output and exit status", async () => {
    expect((await serve.fly(['trigger-job', '-j', 'p/build', '-w'])).code).toBe(0);
    const r = await serve.fly([
      'intercept',
      '-j',
      'p/build',
      '-s',
      'hello',
      '--',
      'sh',
      '-c',
      'cat r/number; echo oops >&2; exit 7',
    ]);
    expect(r).toEqual({ code: 7, stdout: '1', stderr: 'oops\n' });
    const piped = await serve.fly(['hijack', '-j', 'p/build', '-s', 'hello', 'sh'], {
      stdin: 'echo "from $(cat r/number)"\n',
    });
    expect(piped).toEqual({ code: 0, stdout: 'from 1\n', stderr: '' });
  });

  it('containers lists the task containers', async () => {
    const r = await serve.fly(['containers']);
    expect(r.code).toBe(0);
    // the job's latest build's task, and the newest one-off build's (the aborted fly execute)
    const rows = r.stdout
      .trimEnd()
      .split('\n')
      .map((line) => line.split(/\s+/));
    expect(rows.every((row) => /^[0-9a-f-]{36}$/.test(row[0]!))).toBe(true);
    expect(rows.map((row) => [row[2], row[3], row[6], row[7]]).sort()).toEqual([
      ['none', 'none', 'task', 'one-off'],
      ['p', 'build', 'task', 'hello'],
    ]);
  });

  it("runs a command in a running task's directory", async () => {
    expect((await serve.fly(['trigger-job', '-j', 'p/hold'])).stdout).toBe('started p/hold #1\n');
    const build = JSON.parse((await serve.fly(['builds', '-j', 'p/hold', '--json'])).stdout) as {
      id: number;
    }[];
    await serve.waitForEvent(build[0]!.id, '"status":"started"');
    await serve.waitForEvent(build[0]!.id, '"event":"start-task"');
    const r = await serve.fly([
      'intercept',
      '-b',
      String(build[0]!.id),
      '-s',
      'wait',
      '--',
      'sh',
      '-c',
      'until [ -s mark ]; do :; done; cat mark',
    ]);
    expect(r).toEqual({ code: 0, stdout: 'holding\n', stderr: '' });
    writeFileSync(join(serve.root, 'gate'), 'go\n');
    expect((await serve.fly(['watch', '-j', 'p/hold', '-b', '1'])).code).toBe(0);
  });

  it('says so when no container matches', async () => {
    const r = await serve.fly(['intercept', '-j', 'p/build', '-s', 'nope', 'true']);
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr:
        "no containers matched your search parameters!\n\nthey may have expired if your build hasn't recently finished.\n",
    });
  });
});
