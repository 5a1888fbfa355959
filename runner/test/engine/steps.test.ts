// Each step kind and its Concourse behaviours, through small pipelines on the host runtime.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fileRes, type Harness, harness, job, sh } from './harness.js';

let h: Harness | undefined;
afterEach(() => h?.close());

describe('get, put and the build environment', () => {
  it('gives get/put the build metadata, tasks only ATC_EXTERNAL_URL and params, check nothing', async () => {
    h = await harness({
      resources: [fileRes('src', { source: { print_env: true } }), fileRes('dst')],
      jobs: [
        job('j', [
          { get: 'src', params: { print_env: true } },
          sh('t', 'env | grep -E "^(BUILD_|ATC_|P=)" | sort', { params: { P: 1 } }),
          { put: 'dst', params: { print_env: true, content: 'x' } },
        ]),
      ],
    });
    h.push('src');
    const b = await h.runJob('j');
    expect(b.status).toBe('succeeded');
    const log = h.logOf(b.id);
    for (const v of [
      `BUILD_ID=${b.id}`,
      'BUILD_NAME=1',
      'BUILD_JOB_NAME=j',
      'BUILD_PIPELINE_NAME=p',
      'BUILD_TEAM_NAME=main',
      'BUILD_URL=http://127.0.0.1:9/teams/main/pipelines/p/jobs/j/builds/1',
      `BUILD_URL_SHORT=http://127.0.0.1:9/builds/${b.id}`,
    ]) {
      expect(log.split(v).length - 1).toBe(2); // get and put, not the task
    }
    expect(log.split('ATC_EXTERNAL_URL=http://127.0.0.1:9').length - 1).toBe(3); // tasks get this one
    expect(log).toContain('P=1');
    h.messages.length = 0;
    expect((await h.runner.check('src')).error).toBeUndefined();
    expect(h.messages.join('')).toContain('check env:');
    expect(h.messages.join('')).not.toMatch(/BUILD_|ATC_/); // check gets no build metadata
  });

  it('registers the put version as a build output and runs the implicit get unless no_get', async () => {
    h = await harness({
      resources: [fileRes('dst')],
      jobs: [
        job('j', [
          { put: 'dst', params: { content: 'a' }, get_params: { print_env: true } },
          { put: 'dst2', resource: 'dst', no_get: true, params: { content: 'b' } },
        ]),
      ],
    });
    const b = await h.runJob('j');
    expect(b.status).toBe('succeeded');
    expect(h.store.buildOutputs(b.id)).toHaveLength(2);
    const gets = h.eventsOf(b.id).filter((e) => e.event === 'finish-get');
    expect(gets.map((e) => e.data.version)).toEqual([{ n: '1' }]);
    expect(h.logOf(b.id)).toContain('in env:'); // get_params reach the implicit get
  });

  it('reuses the resource cache for the same version and re-fetches with --no-cache', async () => {
    for (const noCache of [false, true]) {
      h = await harness(
        {
          resources: [fileRes('src', { source: { log: '((root))/calls' } })],
          jobs: [job('j', [{ get: 'src' }])],
        },
        { noCache },
      );
      h.push('src');
      await h.runJob('j');
      const second = await h.runJob('j');
      const ins = readFileSync(join(h.dir, 'calls'), 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('in'));
      expect(ins.length).toBe(noCache ? 2 : 1);
      expect(h.logOf(second.id).includes('found existing resource cache')).toBe(!noCache);
      h.close();
      h = undefined;
    }
  });

  it('fails on a non-zero in, errors on a protocol violation', async () => {
    h = await harness({
      resources: [fileRes('src')],
      jobs: [
        job('bad-exit', [{ get: 'src', params: { fail: true } }]),
        job('garbage', [{ get: 'src', params: { garbage: true } }]),
      ],
    });
    h.push('src');
    expect((await h.runJob('bad-exit')).status).toBe('failed');
    const g = await h.runJob('garbage');
    expect(g.status).toBe('errored');
    expect(h.logOf(g.id)).toContain("invalid character 't'");
  });

  it('put inputs: detect mounts only artifacts named in params, a list must exist', async () => {
    h = await harness({
      resources: [fileRes('src'), fileRes('dst')],
      jobs: [
        job('detect', [
          { get: 'src' },
          sh('make', 'echo hi > out/f', { outputs: [{ name: 'out' }] }),
          { put: 'dst', params: { from: 'out/f' } },
        ]),
        job('all', [
          { get: 'src' },
          sh('make', 'echo hi > out/f', { outputs: [{ name: 'out' }] }),
          { put: 'dst', inputs: 'all', params: { content: 'x' } },
        ]),
        job('listed', [{ get: 'src' }, { put: 'dst', inputs: ['nope'], params: { content: 'x' } }]),
      ],
    });
    h.push('src');
    expect(h.logOf((await h.runJob('detect')).id)).toContain('inputs: out\n');
    expect(h.logOf((await h.runJob('all')).id)).toContain('inputs: out,src\n');
    const listed = await h.runJob('listed');
    expect(listed.status).toBe('errored');
    expect(h.logOf(listed.id)).toContain('input not found: nope');
  });

  it('runs custom resource types nowhere but names the oci runtime', async () => {
    h = await harness({
      resource_types: [{ name: 'custom', type: 'registry-image', source: { repository: 'x' } }],
      resources: [{ name: 'c', type: 'custom', source: {} }],
      jobs: [job('j', [{ put: 'c' }])],
    });
    const b = await h.runJob('j');
    expect(b.status).toBe('errored');
    expect(h.logOf(b.id)).toMatch(/custom resource type .* use the oci runtime/);
  });

  it('uses --override directories as the result of a get', async () => {
    const local = join(process.cwd(), 'test', 'fixtures', 'resources');
    h = await harness(
      {
        resources: [fileRes('src')],
        jobs: [job('j', [{ get: 'src' }, sh('t', 'ls src', { inputs: [{ name: 'src' }] })])],
      },
      {
        overrides: new Map([['src', local]]),
      },
    );
    h.push('src');
    const b = await h.runJob('j');
    expect(b.status).toBe('succeeded');
    expect(h.logOf(b.id)).toContain('file-resource.mjs');
  });
});

describe('task', () => {
  it('copies inputs (a task never mutates an artifact) and reuses an input as an output at its path', async () => {
    h = await harness({
      resources: [fileRes('src')],
      jobs: [
        job('j', [
          { get: 'src' },
          sh('mutate', 'echo changed > src/content; cp src/content other', { inputs: [{ name: 'src' }] }),
          sh('check', 'cat src/content', { inputs: [{ name: 'src' }] }),
          sh('carry', 'echo carried > src/content', {
            inputs: [{ name: 'src' }],
            outputs: [{ name: 'src' }],
          }),
          sh('after', 'cat src/content', { inputs: [{ name: 'src' }] }),
        ]),
      ],
    });
    h.push('src', 'original');
    const b = await h.runJob('j');
    expect(b.status).toBe('succeeded');
    const log = h.logOf(b.id);
    expect(log).toContain('original1carried');
    expect(log).not.toContain('changed');
    expect(log).toContain('carried\n');
  });

  it('registers outputs even when the task fails', async () => {
    h = await harness({
      jobs: [
        job('j', [
          {
            ...sh('fail', 'echo partial > out/f; exit 3', { outputs: [{ name: 'out' }] }),
            ensure: sh('read', 'cat out/f', { inputs: [{ name: 'out' }] }),
          },
        ]),
      ],
    });
    const b = await h.runJob('j');
    expect(b.status).toBe('failed');
    expect(h.logOf(b.id)).toContain('partial');
    expect(h.eventsOf(b.id).find((e) => e.event === 'finish-task')?.data.exit_status).toBe(3);
  });

  it('persists caches per job and task', async () => {
    h = await harness({
      jobs: [job('j', [sh('c', 'echo x >> cache/log; wc -l < cache/log', { caches: [{ path: 'cache' }] })])],
    });
    await h.runJob('j');
    const second = await h.runJob('j');
    expect(h.logOf(second.id).trim()).toBe('2');
  });

  it('loads file configs with vars, params, input_mapping and output_mapping; errors on missing inputs', async () => {
    h = await harness({
      resources: [fileRes('src')],
      jobs: [
        job('j', [
          { get: 'src' },
          sh(
            'write',
            'o="(("; c="))"; printf "platform: linux\\ninputs: [{name: in}]\\noutputs: [{name: o}]\\nparams: {A: ${o}a${c}}\\nrun: {path: sh, args: [-c, \'echo \\$A \\$B > o/r; cat in/content\']}\\n" > cfg/t.yml',
            { outputs: [{ name: 'cfg' }] },
          ),
          {
            task: 'from-file',
            file: 'cfg/t.yml',
            vars: { a: 'va' },
            params: { B: 'pb' },
            input_mapping: { in: 'src' },
            output_mapping: { o: 'result' },
          },
          sh('show', 'cat result/r', { inputs: [{ name: 'result' }] }),
        ]),
        job('missing', [sh('m', 'true', { inputs: [{ name: 'nothing' }, { name: 'opt', optional: true }] })]),
      ],
    });
    h.push('src', 'data');
    const b = await h.runJob('j');
    const log = h.logOf(b.id);
    expect(log).toContain('va pb\n');
    expect(b.status).toBe('succeeded');
    expect(log).toContain('data1');
    expect(log).toContain('[WARNING] B was defined in pipeline but missing from task file');
    const m = await h.runJob('missing');
    expect(m.status).toBe('errored');
    expect(h.logOf(m.id)).toContain('missing inputs: nothing');
  });

  it('warns once per task that its image is ignored', async () => {
    h = await harness({
      jobs: [
        job('j', [
          {
            task: 't',
            config: {
              platform: 'linux',
              image_resource: { type: 'registry-image', source: { repository: 'busybox' } },
              run: { path: 'true' },
            },
          },
        ]),
      ],
    });
    const b = await h.runJob('j');
    expect(h.logOf(b.id).match(/image is ignored/g)).toHaveLength(1);
  });
});

describe('load_var, across, in_parallel, set_pipeline, hooks env', () => {
  it('load_var: json value in a local var, redacted in logs and in the state unless reveal', async () => {
    h = await harness({
      jobs: [
        job('j', [
          sh('w', 'printf \'{"pw":"hun%s","user":"bob"}\' ter22 > o/v.json; echo plain-value > o/p.txt', {
            outputs: [{ name: 'o' }],
          }),
          { load_var: 'secret', file: 'o/v.json' },
          { load_var: 'open', file: 'o/p.txt', reveal: true },
          sh('use', 'echo "pw is $PW, user $U, open $O"', {
            params: { PW: '((.:secret.pw))', U: '((.:secret.user))', O: '((.:open))' },
          }),
        ]),
      ],
    });
    const b = await h.runJob('j');
    expect(b.status).toBe('succeeded');
    const log = h.logOf(b.id);
    expect(log).toContain('pw is ((redacted)), user ((redacted)), open plain-value');
    const db = readFileSync(join(h.dir, '.hangar', 'state.db'));
    const wal = existsSync(join(h.dir, '.hangar', 'state.db-wal'))
      ? readFileSync(join(h.dir, '.hangar', 'state.db-wal'))
      : Buffer.alloc(0);
    expect(db.includes('hunter22') || wal.includes('hunter22')).toBe(false);
  });

  it('across: the cartesian product in child scopes, with max_in_flight', async () => {
    h = await harness({
      jobs: [
        job('j', [
          {
            ...sh('t-((.:a))-((.:b))', 'echo combo $A$B', { params: { A: '((.:a))', B: '((.:b))' } }),
            across: [
              { var: 'a', values: ['x', 'y'], max_in_flight: 'all' },
              { var: 'b', values: [1, 2] },
            ],
          },
        ]),
        job('scoped', [
          { ...sh('mk', 'true', { outputs: [{ name: 'o' }] }), across: [{ var: 'a', values: [1] }] },
          sh('use', 'true', { inputs: [{ name: 'o' }] }),
        ]),
      ],
    });
    const b = await h.runJob('j');
    expect(b.status).toBe('succeeded');
    const combos = h
      .logOf(b.id)
      .match(/combo \w+/g)
      ?.sort();
    expect(combos).toEqual(['combo x1', 'combo x2', 'combo y1', 'combo y2']);
    expect((await h.runJob('scoped')).status).toBe('errored');
  });

  it('in_parallel: limit and fail_fast cancel the siblings (failed, not errored)', async () => {
    h = await harness({
      jobs: [
        job('j', [
          {
            in_parallel: {
              limit: 2,
              fail_fast: true,
              steps: [sh('f', 'exit 1'), sh('slow', 'sleep 10'), sh('never', 'true')],
            },
          },
        ]),
      ],
    });
    const b = await h.runJob('j');
    expect(b.status).toBe('failed');
    const names = h
      .eventsOf(b.id)
      .filter((e) => e.event === 'initialize-task')
      .map((e) => e.data.name);
    expect(names).not.toContain('never');
  });

  it('set_pipeline: self updates the running pipeline, others are kept in the same state', async () => {
    h = await harness({
      jobs: [
        job('j', [
          sh(
            'w',
            'printf "jobs:\\n- name: other-job\\n  plan: [{task: t, config: {platform: linux, run: {path: \\"true\\"}}}]\\n" > o/other.yml',
            { outputs: [{ name: 'o' }] },
          ),
          { set_pipeline: 'other', file: 'o/other.yml' },
        ]),
      ],
    });
    const b = await h.runJob('j');
    expect(b.status).toBe('succeeded');
    expect(h.store.pipeline('other')).toBeDefined();
    expect(h.eventsOf(b.id).find((e) => e.event === 'set-pipeline-changed')?.data.changed).toBe(true);
  });

  it('set_pipeline: self replaces the running pipeline, which the scheduler reloads', async () => {
    const next = {
      jobs: [
        { name: 'j', plan: [{ task: 't', config: { platform: 'linux', run: { path: 'true' } } }] },
        { name: 'added', plan: [{ task: 't', config: { platform: 'linux', run: { path: 'true' } } }] },
      ],
    };
    h = await harness({
      jobs: [
        job('j', [
          sh('w', `echo '${JSON.stringify(next)}' > o/p.yml`, { outputs: [{ name: 'o' }] }),
          { set_pipeline: 'self', file: 'o/p.yml' },
        ]),
      ],
    });
    const b = await h.runJob('j');
    expect(b.status).toBe('succeeded');
    h.runner.schedule();
    expect(h.runner.pipeline.jobs.map((j) => j.name)).toEqual(['j', 'added']);
    expect((await h.runJob('added')).status).toBe('succeeded');
  });

  it('BUILD_STATUS reaches get/put inside on_failure hooks, not ensure', async () => {
    h = await harness({
      resources: [fileRes('dst')],
      jobs: [
        job('j', [
          {
            ...sh('fail', 'exit 1'),
            on_failure: { put: 'dst', params: { print_env: true, content: 'x' }, no_get: true },
            ensure: { put: 'dst2', resource: 'dst', params: { print_env: true, content: 'y' }, no_get: true },
          },
        ]),
      ],
    });
    const b = await h.runJob('j');
    expect(b.status).toBe('failed');
    expect(h.logOf(b.id).match(/BUILD_STATUS=\w+/g)).toEqual(['BUILD_STATUS=failed']);
  });
});

describe('resource directories', () => {
  it('never runs resources in /tmp/build', async () => {
    h = await harness({
      resources: [fileRes('dst')],
      jobs: [job('j', [{ put: 'dst', params: { content: 'x' } }])],
    });
    mkdirSync(join(h.dir, 'x'), { recursive: true });
    writeFileSync(join(h.dir, 'x', 'y'), '');
    const b = await h.runJob('j');
    expect(JSON.stringify(h.eventsOf(b.id))).not.toContain('/tmp/build/');
  });
});

describe('var sources', () => {
  it('resolves ((dummy:x)) in sources and params at run time and redacts the values', async () => {
    h = await harness({
      var_sources: [
        { name: 'vault', type: 'dummy', config: { vars: { token: 'tok-12345', root: 'unused' } } },
      ],
      resources: [fileRes('src', { source: { token: '((vault:token))', print_env: true } })],
      jobs: [job('j', [{ get: 'src' }, sh('t', 'echo "token is $T"', { params: { T: '((vault:token))' } })])],
    });
    h.push('src');
    const b = await h.runJob('j');
    expect(b.status).toBe('succeeded');
    expect(h.logOf(b.id)).toContain('token is ((redacted))');
    expect(h.logOf(b.id)).not.toContain('tok-12345');
  });
});
