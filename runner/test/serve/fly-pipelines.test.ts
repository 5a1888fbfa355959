// The real fly's pipeline commands against a real `hangar serve`: set-pipeline (diff, vars, the
// runner's validation in Concourse's error shapes, config version conflicts, --check-creds),
// get-pipeline, pipelines, pause/unpause, expose/hide, archive, rename, order and destroy. What fly
// sets lands in the state as `hangar run` would save it, for the scheduler to pick up.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stripVTControlCharacters as plain } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { startServe, type ServeFixture } from './harness.js';

const pipeline = (greeting: string, extra = ''): string => `resources:
- name: tick
  type: time
  source: {interval: ((interval))}
jobs:
- name: hello
  plan:
  - get: tick
    trigger: true
  - task: say
    config:
      platform: linux
      image_resource: {type: registry-image, source: {repository: busybox}}
      run: {path: echo, args: [${greeting}]}
${extra}`;

let serve: ServeFixture;
let n = 0;
beforeAll(async () => {
  serve = await startServe();
});
afterAll(() => serve.stop());

/** Writes `text` to a file of the test's own and returns its path. */
function file(text: string): string {
  const path = join(serve.dir, `config-${++n}.yml`);
  writeFileSync(path, text);
  return path;
}

/** The pipeline as the scheduler will read it from the state. */
function saved(name: string) {
  const store = new Store(serve.stateDir);
  try {
    return store.pipeline(name);
  } finally {
    store.close();
  }
}

const setPipeline = (name: string, config: string, ...flags: string[]) =>
  serve.fly(['set-pipeline', '-n', '-p', name, '-c', file(config), ...flags]);

describe('fly set-pipeline', () => {
  it('creates a paused pipeline, shows the diff and where to see it', async () => {
    const r = await setPipeline('greet', pipeline('hi'), '-v', 'interval=1h');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const out = plain(r.stdout);
    expect(out).toContain('resource tick has been added:');
    expect(out).toContain('+   interval: 1h');
    expect(out).toContain('job hello has been added:');
    expect(out).toContain(
      `pipeline created!\nyou can view your pipeline here: ${serve.url}/teams/main/pipelines/greet\n\n` +
        'the pipeline is currently paused. to unpause, either:\n',
    );
    const row = saved('greet')!;
    expect(row.paused).toBe(true);
    expect(row.config).toMatchObject({ resources: [{ name: 'tick', source: { interval: '1h' } }] });
  });

  it('updates it, showing only what changed, with -y and -l vars', async () => {
    const vars = file('interval: 2h\n');
    const r = await setPipeline('greet', pipeline('((greeting))'), '-l', vars, '-y', 'greeting="hello"');
    expect(r.code).toBe(0);
    const out = plain(r.stdout);
    expect(out).toContain('resource tick has changed:');
    expect(out).toContain('-   interval: 1h\n');
    expect(out).toContain('+   interval: 2h\n');
    expect(out).toContain('job hello has changed:');
    expect(out).not.toContain('has been added');
    expect(out).toContain('configuration updated\n');
    expect(saved('greet')!.config).toMatchObject({
      jobs: [{ plan: [{}, { config: { run: { args: ['hello'] } } }] }],
    });
  });

  it('says so when nothing changed', async () => {
    const vars = file('interval: 2h\n');
    const r = await setPipeline('greet', pipeline('((greeting))'), '-l', vars, '-y', 'greeting="hello"');
    expect(r).toEqual({ code: 0, stdout: 'no changes to apply\n', stderr: '' });
  });

  it('refuses an invalid pipeline with Concourse’s errors, as `hangar validate` finds them', async () => {
    const r = await setPipeline(
      'broken',
      pipeline('hi', '- name: lonely\n  plan: [{get: nowhere}]\n'),
      '-v',
      'interval=1h',
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'error: invalid pipeline config:\n' +
        'invalid jobs:\n' +
        "\tjobs.lonely.plan.do[0].get(nowhere): unknown resource 'nowhere'\n\n",
    );
    expect(saved('broken')).toBeUndefined();
  });

  it('refuses unknown keys below the top level and ignores them at the top, as Concourse’s server does', async () => {
    // the answers the real Concourse web gave to the same two files (atc.UnmarshalConfig), recorded
    // with testkit's startConcourse()
    const nested = await setPipeline(
      'nested',
      pipeline('hi').replace('- name: hello\n', '- name: hello\n  bogus: 1\n'),
      '-v',
      'interval=1h',
    );
    expect(nested.code).toBe(1);
    expect(nested.stderr).toBe(
      'error: invalid pipeline config:\n' +
        'malformed config: error unmarshaling JSON: while decoding JSON: json: unknown field "bogus"\n',
    );
    expect(saved('nested')).toBeUndefined();
    const top = await setPipeline('top', `bogus_top: 1\n${pipeline('hi')}`, '-v', 'interval=1h');
    expect(top.code).toBe(0);
    expect(saved('top')).toBeDefined();
  });

  it('refuses a config it cannot decode (fly decodes first; this is the server’s answer)', async () => {
    const r = await fetch(`${serve.url}/api/v1/teams/main/pipelines/broken/config`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${serve.token}`, 'content-type': 'application/x-yaml' },
      body: 'jobs: {not: a list}\n',
    });
    expect(r.status).toBe(400);
    expect(r.headers.get('content-type')).toBe('application/json');
    const body = (await r.json()) as { errors: string[] };
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0]).toMatch(/^malformed config: error unmarshaling JSON: while decoding JSON: /);
    expect(saved('broken')).toBeUndefined();
  });

  it('--check-creds: refuses vars no credential manager can fill', async () => {
    const r = await setPipeline('creds', pipeline('hi'), '--check-creds');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'error: invalid pipeline config:\ncredential validation failed\n\n1 error occurred:\n\t* undefined vars: interval\n\n\n',
    );
    expect(saved('creds')).toBeUndefined();
    const ok = await setPipeline('creds', pipeline('hi'), '--check-creds', '-v', 'interval=5m');
    expect(ok.code).toBe(0);
    expect(saved('creds')!.paused).toBe(true);
  });

  it('refuses a save based on a config that changed since fly read it', async () => {
    const slow = serve.flyProcess([
      'set-pipeline',
      '-p',
      'greet',
      '-c',
      file(pipeline('slow')),
      '-v',
      'interval=2h',
    ]);
    try {
      await slow.waitFor(/apply configuration\? \[yN\]/);
      const fast = await setPipeline('greet', pipeline('fast'), '-v', 'interval=2h');
      expect(fast.code).toBe(0);
      slow.child.stdin.write('y\r');
      await slow.exited;
      expect(slow.child.exitCode).toBe(1);
      expect(slow.output()).toContain(
        'error: Unexpected Response\nStatus: 500 Internal Server Error\nBody: failed to save config: comparison with existing config failed during save\n',
      );
      expect(saved('greet')!.config).toMatchObject({
        jobs: [{ plan: [{}, { config: { run: { args: ['fast'] } } }] }],
      });
    } finally {
      slow.child.kill();
    }
  });

  it('instance vars (-i) make instanced pipelines, kept apart by their vars', async () => {
    for (const branch of ['main', 'dev']) {
      const r = await setPipeline(
        'inst',
        pipeline('((branch))'),
        '-v',
        'interval=1h',
        '-i',
        `branch=${branch}`,
      );
      expect(r.code).toBe(0);
      expect(plain(r.stdout)).toContain(
        `pipeline name: inst\npipeline instance vars:\n  branch: ${branch}\n`,
      );
      expect(plain(r.stdout)).toContain(
        `you can view your pipeline here: ${serve.url}/teams/main/pipelines/inst?vars.branch=%22${branch}%22\n`,
      );
    }
    expect(saved('inst/branch:dev')).toMatchObject({
      instanceVars: { branch: 'dev' },
      config: { jobs: [{ plan: [{}, { config: { run: { args: ['dev'] } } }] }] },
    });
    expect((await serve.fly(['pause-pipeline', '-p', 'inst/branch:main'])).stdout).toBe(
      "paused 'inst/branch:main'\n",
    );
    expect((await serve.fly(['unpause-pipeline', '-p', 'inst/branch:dev'])).stdout).toBe(
      "unpaused 'inst/branch:dev'\n",
    );
    const listed = (await serve.fly(['pipelines'])).stdout;
    expect(row(listed, 'inst/branch:main')[2]).toBe('yes');
    expect(row(listed, 'inst/branch:dev')[2]).toBe('no');
    await setPipeline('inst', pipeline('((branch))'), '-v', 'interval=1h', '-i', 'branch=next');
    const ordered = await serve.fly([
      'order-instanced-pipelines',
      '-g',
      'inst',
      '-p',
      'branch:next',
      '-p',
      'branch:main',
    ]);
    expect(ordered).toEqual({
      code: 0,
      stdout: 'ordered instanced pipelines \n  - branch:next \n  - branch:main \n',
      stderr: '',
    });
    const instances = (await serve.fly(['pipelines'])).stdout
      .split('\n')
      .map((l) => l.split(/ {2,}/)[1])
      .filter((name) => name?.startsWith('inst/'));
    expect(instances).toEqual(['inst/branch:next', 'inst/branch:main', 'inst/branch:dev']);
    const shown = await serve.fly(['get-pipeline', '-p', 'inst/branch:dev']);
    expect(shown.stdout).toContain('- dev\n');
    expect((await serve.fly(['destroy-pipeline', '-p', 'inst/branch:dev', '-n'])).stdout).toContain(
      '`inst/branch:dev` deleted',
    );
    expect(saved('inst/branch:dev')).toBeUndefined();
    expect(saved('inst/branch:main')).toBeDefined();
  });
});

describe('fly get-pipeline', () => {
  it('prints the saved config as YAML, and as JSON with -j', async () => {
    await setPipeline('shown', pipeline('shown'), '-v', 'interval=3m');
    const yaml = await serve.fly(['get-pipeline', '-p', 'shown']);
    expect(yaml.code).toBe(0);
    expect(yaml.stdout).toContain('resources:\n- name: tick\n  source:\n    interval: 3m\n  type: time\n');
    const json = await serve.fly(['get-pipeline', '-p', 'shown', '-j']);
    expect(JSON.parse(json.stdout)).toMatchObject({
      resources: [{ name: 'tick', source: { interval: '3m' } }],
    });
  });

  it('gives fly var sources whole, so get-pipeline then set-pipeline changes nothing', async () => {
    const withSource = `var_sources:\n- name: vault\n  type: dummy\n  config: {vars: {token: s3cr3t}}\n${pipeline('((vault:token))')}`;
    await setPipeline('sourced', withSource, '-v', 'interval=1h');
    const got = await serve.fly(['get-pipeline', '-p', 'sourced']);
    expect(got.stdout).toContain('token: s3cr3t');
    // a browser (cookie, or Basic from its prompt) never sees it
    const basic = `Basic ${Buffer.from(`anyone:${serve.token}`).toString('base64')}`;
    const browser = await fetch(`${serve.url}/api/v1/teams/main/pipelines/sourced/config`, {
      headers: { authorization: basic },
    });
    const text = await browser.text();
    expect(text).toContain('"config":{"vars":{"token":"((redacted))"}}');
    expect(text).not.toContain('s3cr3t');
    expect(await setPipeline('sourced', got.stdout)).toEqual({
      code: 0,
      stdout: 'no changes to apply\n',
      stderr: '',
    });
  });

  it('says when there is no such pipeline', async () => {
    expect(await serve.fly(['get-pipeline', '-p', 'nope'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: pipeline not found\n',
    });
  });
});

const row = (stdout: string, name: string): string[] =>
  stdout
    .split('\n')
    .find((line) => line.split(/ {2,}/)[1] === name)
    ?.split(/ {2,}/) ?? [];

describe('fly pipelines and the pipeline flags', () => {
  it('pause, unpause, expose and hide show in `fly pipelines`', async () => {
    await setPipeline('flags', pipeline('flags'), '-v', 'interval=1h');
    expect(row((await serve.fly(['pipelines'])).stdout, 'flags').slice(2, 4)).toEqual(['yes', 'no']);
    expect(await serve.fly(['unpause-pipeline', '-p', 'flags'])).toEqual({
      code: 0,
      stdout: "unpaused 'flags'\n",
      stderr: '',
    });
    expect(await serve.fly(['expose-pipeline', '-p', 'flags'])).toEqual({
      code: 0,
      stdout: "exposed 'flags'\n",
      stderr: '',
    });
    expect(row((await serve.fly(['pipelines'])).stdout, 'flags').slice(2, 4)).toEqual(['no', 'yes']);
    expect(saved('flags')).toMatchObject({ paused: false, public: true });
    expect((await serve.fly(['pause-pipeline', '-p', 'flags'])).stdout).toBe("paused 'flags'\n");
    expect((await serve.fly(['hide-pipeline', '-p', 'flags'])).stdout).toBe("hid 'flags'\n");
    expect(saved('flags')).toMatchObject({ paused: true, public: false });
  });

  it('--json lists the pipelines in Concourse’s shape; -a adds the team', async () => {
    const json = JSON.parse((await serve.fly(['pipelines', '--json'])).stdout) as Record<string, unknown>[];
    expect(json.find((p) => p.name === 'flags')).toMatchObject({
      name: 'flags',
      paused: true,
      public: false,
      archived: false,
      team_name: 'main',
    });
    expect(row((await serve.fly(['pipelines', '-a'])).stdout, 'flags')[2]).toBe('main');
  });

  it('a missing pipeline is an error', async () => {
    expect(await serve.fly(['pause-pipeline', '-p', 'nope'])).toEqual({
      code: 1,
      stdout: '',
      stderr: "pipeline 'nope' not found\n\n",
    });
  });

  it('archive: hidden from `fly pipelines` unless asked, paused, and unarchived by a new set', async () => {
    await setPipeline('old', pipeline('old'), '-v', 'interval=1h');
    await serve.fly(['unpause-pipeline', '-p', 'old']);
    expect(await serve.fly(['archive-pipeline', '-p', 'old', '-n'])).toEqual({
      code: 0,
      stdout: "archived 'old'\n",
      stderr: '',
    });
    expect(row((await serve.fly(['pipelines'])).stdout, 'old')).toEqual([]);
    const archived = row((await serve.fly(['pipelines', '--include-archived'])).stdout, 'old');
    expect(archived.slice(2, 5)).toEqual(['yes', 'no', 'yes']);
    expect((await serve.fly(['get-pipeline', '-p', 'old'])).stderr).toBe('error: pipeline not found\n');
    const again = await setPipeline('old', pipeline('again'), '-v', 'interval=1h');
    expect(plain(again.stdout)).toContain('configuration updated');
    expect(saved('old')).toMatchObject({ archived: false, paused: true });
  });

  it('rename keeps the pipeline (and its builds) under the new name', async () => {
    const before = saved('flags')!;
    expect(await serve.fly(['rename-pipeline', '-o', 'flags', '-n', 'renamed'])).toEqual({
      code: 0,
      stdout: "pipeline successfully renamed to 'renamed'\n",
      stderr: '',
    });
    expect(saved('flags')).toBeUndefined();
    expect(saved('renamed')!.id).toBe(before.id);
    expect((await serve.fly(['rename-pipeline', '-o', 'flags', '-n', 'x'])).stderr).toBe(
      "pipeline 'flags' not found\n\n",
    );
  });

  it('order-pipelines puts the named ones first', async () => {
    expect(await serve.fly(['order-pipelines', '-p', 'shown', '-p', 'renamed'])).toEqual({
      code: 0,
      stdout: 'ordered pipelines \n  - shown \n  - renamed \n',
      stderr: '',
    });
    const names = (await serve.fly(['pipelines'])).stdout.split('\n').map((l) => l.split(/ {2,}/)[1]);
    expect(names.slice(0, 2)).toEqual(['shown', 'renamed']);
    expect(await serve.fly(['order-pipelines', '-p', 'nope'])).toEqual({
      code: 1,
      stdout: '',
      stderr: "failed to order pipelines: pipeline 'nope' not found\n\n",
    });
  });

  it('destroy-pipeline removes it from the state', async () => {
    await setPipeline('doomed', pipeline('doomed'), '-v', 'interval=1h');
    expect(await serve.fly(['destroy-pipeline', '-p', 'doomed', '-n'])).toEqual({
      code: 0,
      stdout: '!!! this will remove all data for pipeline `doomed`\n\n`doomed` deleted\n',
      stderr: '',
    });
    expect(saved('doomed')).toBeUndefined();
    expect((await serve.fly(['destroy-pipeline', '-p', 'doomed', '-n'])).stdout).toBe(
      '`doomed` does not exist\n',
    );
  });
});
