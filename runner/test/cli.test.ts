import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';

const fixture = (...parts: string[]): string => join(import.meta.dirname, 'fixtures', ...parts);

async function hangar(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    env: {},
  });
  return { code, stdout, stderr };
}

describe('hangar validate', () => {
  it('says looks good and exits 0 for a valid pipeline', async () => {
    const r = await hangar('validate', fixture('variants', 'base.yml'));
    expect(r).toEqual({ code: 0, stdout: 'looks good\n', stderr: '' });
  });

  it("prints fly's grouped messages with file:line:col and exits 1", async () => {
    const file = fixture('cli', 'broken.yml');
    const r = await hangar('validate', file);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      [
        '',
        'DEPRECATION WARNING:',
        `  - ${file}:7:9: jobs.Build: 'Build' is not a valid identifier: must start with a lowercase letter or a number`,
        '',
        'identifier schema documentation: https://concourse-ci.org/config-basics.html#schema.identifier',
        '',
        '',
        'WARNING:',
        'Error loading existing config:',
        '  - invalid jobs:',
        `\t${file}:10:10: jobs.Build.plan.do[1].get(src): unknown resource 'src'`,
        '',
        '',
        'error: configuration invalid',
        '',
      ].join('\n'),
    );
  });

  it('fails on warnings with --strict, and on unknown keys', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hangar-cli-'));
    const file = join(dir, 'p.yml');
    writeFileSync(file, 'anchors: {}\njobs:\n- name: Build\n  plan: []\n');
    expect((await hangar('validate', file)).code).toBe(0);
    const strict = await hangar('validate', '--strict', file);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toBe(
      `error: ${file}:1:1: error unmarshaling JSON: while decoding JSON: json: unknown field "anchors"\n`,
    );
    writeFileSync(file, 'jobs:\n- name: Build\n  plan: []\n');
    const warned = await hangar('validate', '-s', '-c', file);
    expect(warned.code).toBe(1);
    expect(warned.stderr).toContain('configuration invalid');
  });

  it('reports unreadable YAML on one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hangar-cli-'));
    const file = join(dir, 'dup.yml');
    writeFileSync(file, 'jobs: []\njobs: []\n');
    expect(await hangar('validate', file)).toEqual({
      code: 1,
      stdout: '',
      stderr: `error: ${file}:2:1: error parsing yaml before applying templates: yaml: unmarshal errors:\n  line 2: mapping key "jobs" already defined at line 1\n`,
    });
    expect((await hangar('validate', join(dir, 'missing.yml'))).stderr).toBe(
      `error: could not read pipeline ${join(dir, 'missing.yml')}: ENOENT\n`,
    );
  });

  it('interpolates static vars with fly precedence and prints them with --output', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hangar-cli-'));
    const varsFile = join(dir, 'vars.yml');
    writeFileSync(varsFile, 'repo: from-file\nbranch: from-file\nparallelism: 9\n');
    const r = await hangar(
      'validate',
      fixture('cli', 'vars.yml'),
      '-l',
      varsFile,
      '-v',
      'branch=main',
      '-y',
      'parallelism=2',
      '--output',
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('uri: https://example.com/from-file.git');
    expect(r.stdout).toContain('branch: main');
    expect(r.stdout).toContain('max_in_flight: 2');
    expect(r.stdout).toContain('private_key: ((vault:deploy-key))');
  });

  it('rejects a map embedded in a string but lets a whole value take any type', async () => {
    const file = fixture('cli', 'vars.yml');
    expect(await hangar('validate', file, '-y', 'repo={a: 1}')).toEqual({
      code: 1,
      stdout: '',
      stderr: `error: ${file}:6:10: cannot interpolate non-primitive value (map[string]interface {}) from var: repo\n`,
    });
    // max_in_flight is an int: fly wants a value for it, not the placeholder.
    expect((await hangar('validate', file, '-y', 'branch={a: 1}')).code).toBe(1);
    expect((await hangar('validate', file, '-y', 'branch={a: 1}', '-y', 'parallelism=2')).code).toBe(0);
  });
});

describe('hangar graph', () => {
  it('prints jobs, resources, trigger and passed edges as JSON', async () => {
    const r = await hangar('graph', fixture('graph', 'pipeline.yml'), '--format', 'json');
    expect(r.code).toBe(0);
    const graph = JSON.parse(r.stdout) as { nodes: unknown[]; edges: unknown[] };
    expect(graph.nodes).toContainEqual({ kind: 'job', name: 'ship', groups: ['ci'] });
    expect(graph.edges).toEqual([
      {
        from: { kind: 'resource', name: 'repo' },
        to: { kind: 'job', name: 'unit' },
        kind: 'get',
        resource: 'repo',
        trigger: true,
      },
      {
        from: { kind: 'resource', name: 'nightly' },
        to: { kind: 'job', name: 'unit' },
        kind: 'get',
        resource: 'nightly',
        trigger: false,
      },
      {
        from: { kind: 'job', name: 'unit' },
        to: { kind: 'job', name: 'ship' },
        kind: 'passed',
        resource: 'repo',
        trigger: true,
      },
      {
        from: { kind: 'job', name: 'ship' },
        to: { kind: 'resource', name: 'image' },
        kind: 'put',
        resource: 'image',
        trigger: false,
      },
    ]);
  });

  it('renders dot and mermaid', async () => {
    const dot = await hangar('graph', fixture('graph', 'pipeline.yml'));
    expect(dot.stdout).toContain('"resource:nightly" -> "job:unit" [style=dashed];');
    expect(dot.stdout).toContain('"job:unit" -> "job:ship" [style=solid label="repo"];');
    const mermaid = await hangar('graph', fixture('graph', 'pipeline.yml'), '--format', 'mermaid');
    expect(mermaid.stdout).toMatch(/^flowchart LR\n/);
    expect(mermaid.stdout).toContain('-.->');
    expect((await hangar('graph', fixture('graph', 'pipeline.yml'), '--format', 'png')).code).toBe(1);
  });
});

describe('hangar format', () => {
  // test/fly/format.test.ts compares every corpus pipeline with the real fly byte for byte.
  it('sorts every key as fly does and rewrites in place with -w', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hangar-fmt-'));
    const file = join(dir, 'p.yml');
    writeFileSync(
      file,
      '# comment\nx-anchor: &a {zeta: 1, alpha: 2}\njobs:\n- plan:\n  - trigger: yes\n    get: repo\n    params: *a\n  name: j\n  serial: false\n',
    );
    expect((await hangar('format', '-w', file)).stdout).toBe('');
    expect(readFileSync(file, 'utf8')).toBe(
      'jobs:\n- name: j\n  plan:\n  - get: repo\n    params:\n      alpha: 2\n      zeta: 1\n    trigger: true\n',
    );
  });
});

describe('hangar', () => {
  it('prints usage and rejects unknown commands on one line', async () => {
    expect((await hangar('help')).stdout).toContain('hangar <command>');
    expect(await hangar('frobnicate')).toEqual({
      code: 1,
      stdout: '',
      stderr: "error: unknown command 'frobnicate' (try: hangar help)\n",
    });
  });

  it.each([
    ['run', '--help', 'Usage: hangar run PIPELINE', true],
    ['trigger-job', '-h', 'Usage: hangar trigger PIPELINE JOB', true],
    ['validate', '--help', 'Usage: hangar validate PIPELINE', false],
  ])("%s %s prints that command's usage and exits 0", async (name, flag, first, engine) => {
    const result = await hangar(name, flag);
    expect(result.code).toBe(0);
    expect(result.stdout.startsWith(first)).toBe(true);
    expect(result.stdout).not.toContain('  graph PIPELINE');
    expect(result.stdout.includes('Engine options:')).toBe(engine);
  });

  it('leaves --help after -- to the task', async () => {
    const result = await hangar('execute', '--', '--help');
    expect(result.stdout).not.toContain('Usage:');
  });
});
