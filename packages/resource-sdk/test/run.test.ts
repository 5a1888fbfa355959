import { describe, expect, test } from 'vitest';
import { RemoteError, defineResource, parseInvocation } from '../src/index.js';
import { counterResource } from './fixtures/counter-resource.js';
import { invoke } from './invoke.js';
import { tempDir } from './temp.js';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

describe('parseInvocation', () => {
  test('dispatches on the executable name, as /opt/resource/{check,in,out}', () => {
    expect(parseInvocation(['node', '/opt/resource/in', '/tmp/build/get'])).toEqual({
      script: 'in',
      args: ['/tmp/build/get'],
    });
    expect(parseInvocation(['node', '/opt/resource/check.js'])).toEqual({ script: 'check', args: [] });
  });

  test('or on the first argument, as `resource.js out DIR`', () => {
    expect(parseInvocation(['node', 'dist/resource.js', 'out', '/tmp/build/put'])).toEqual({
      script: 'out',
      args: ['/tmp/build/put'],
    });
  });

  test('anything else is a usage error', () => {
    expect(() => parseInvocation(['node', 'resource.js', 'fetch'])).toThrow(
      /usage: resource.js check\|in\|out/,
    );
  });
});

describe('check', () => {
  test('prints exactly one JSON array on stdout; logs, even console.log, go to stderr', async () => {
    const outcome = await invoke(
      counterResource,
      ['check'],
      '{"source":{"latest":3},"version":{"number":"2"}}',
    );
    expect(outcome).toMatchObject({ code: 0, stdout: '[{"number":"2"},{"number":"3"}]\n' });
    expect(outcome.stderr).toContain('checking up to 3');
    expect(outcome.stderr).toContain('a stray console.log from a dependency');
  });

  test('first check (no version key) and source with absent optional fields', async () => {
    const outcome = await invoke(counterResource, ['check'], '{"source":{"latest":3}}');
    expect(outcome.stdout).toBe('[{"number":"3"}]\n');
  });

  test('source null fails with a config error naming the missing field, not a crash', async () => {
    const outcome = await invoke(counterResource, ['check'], '{"source":null}');
    expect(outcome).toEqual({
      code: 1,
      stdout: '',
      stderr: `error: missing required field 'source.latest'\n`,
    });
  });

  test('an unknown source key names the key and the nearest known one', async () => {
    const outcome = await invoke(counterResource, ['check'], '{"source":{"latest":1,"lastest":2}}');
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toBe(`error: unknown key 'source.lastest' (did you mean 'latest'?)\n`);
  });

  test("unknownKeys: 'warn' names the key and the nearest known one, then carries on", async () => {
    const tolerant = { ...counterResource, unknownKeys: 'warn' as const };
    const outcome = await invoke(tolerant, ['check'], '{"source":{"latest":1,"lastest":2}}');
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toBe('[{"number":"1"}]\n');
    expect(outcome.stderr).toContain(
      `warning: ignoring unknown key 'source.lastest' (did you mean 'latest'?)\n`,
    );
  });

  test('input that is not JSON: one line, exit 1, no stack, nothing on stdout', async () => {
    const outcome = await invoke(counterResource, ['check'], 'source: yaml?');
    expect(outcome.code).toBe(1);
    expect(outcome.stdout).toBe('');
    expect(outcome.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(outcome.stderr).toMatch(/^error: request on stdin is not valid JSON/);
    expect(outcome.stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });

  test('a second document after the request is ignored; HANGAR_DEBUG=1 says so on stderr', async () => {
    const stdin = '{"source":{"latest":2}}\n{"source":{"latest":9}}';
    const quiet = await invoke(counterResource, ['check'], stdin);
    expect(quiet.stdout).toBe('[{"number":"2"}]\n');
    expect(quiet.stderr).not.toContain('ignoring');
    const noted = await invoke(counterResource, ['check'], stdin, { HANGAR_DEBUG: '1' });
    expect(noted.stdout).toBe('[{"number":"2"}]\n');
    expect(noted.stderr).toContain(`debug: ignoring 24 bytes after the request's JSON value on stdin\n`);
  });

  test("exits with the status an error names (a reference's git 128), else 1", async () => {
    const failing = (exitCode: number) => ({
      ...counterResource,
      check: () => Promise.reject(new RemoteError('version abc is not in the repository', { exitCode })),
    });
    const named = await invoke(failing(128), ['check'], '{"source":{"latest":1}}');
    expect(named).toEqual({ code: 128, stdout: '', stderr: 'error: version abc is not in the repository\n' });
    for (const invalid of [0, 256, 1.5])
      expect((await invoke(failing(invalid), ['check'], '{"source":{"latest":1}}')).code).toBe(1);
  });

  test('HANGAR_DEBUG=1 adds the stack', async () => {
    const outcome = await invoke(counterResource, ['check'], 'nope', { HANGAR_DEBUG: '1' });
    expect(outcome.stderr).toMatch(/^error: /);
    expect(outcome.stderr).toMatch(/\n\s+at /);
  });
});

describe('in', () => {
  test('writes into the destination and echoes the version with metadata', async () => {
    const dest = await tempDir();
    const outcome = await invoke(
      counterResource,
      ['in', dest],
      '{"source":{"latest":3},"version":{"number":"2"}}',
    );
    expect(JSON.parse(outcome.stdout)).toEqual({
      version: { number: '2' },
      metadata: [{ name: 'number', value: '2' }],
    });
    expect(await readFile(join(dest, 'number'), 'utf8')).toBe('2');
  });

  test('validates params with the get schema and applies defaults', async () => {
    const dest = await tempDir();
    const bad = await invoke(
      counterResource,
      ['in', dest],
      '{"source":{"latest":3},"version":{"number":"1"},"params":{"file":"x"}}',
    );
    expect(bad.stderr).toBe(`error: unknown key 'params.file' (did you mean 'file_name'?)\n`);
    const good = await invoke(
      counterResource,
      ['in', dest],
      '{"source":{"latest":3},"version":{"number":"1"},"params":{"file_name":"n"}}',
    );
    expect(good.code).toBe(0);
    expect(await readFile(join(dest, 'n'), 'utf8')).toBe('1');
  });

  test('a version that does not exist exits non-zero', async () => {
    const outcome = await invoke(
      counterResource,
      ['in', await tempDir()],
      '{"source":{"latest":3},"version":{"number":"9"}}',
    );
    expect(outcome).toMatchObject({ code: 1, stdout: '', stderr: 'error: version 9 does not exist\n' });
  });

  test('without a version the handler gets the empty version and decides', async () => {
    const seen: unknown[] = [];
    const recording = {
      ...counterResource,
      in: ({ version }: { version: Record<string, string> }) => {
        seen.push(version);
        return Promise.resolve({ version: { number: '1' } });
      },
    };
    for (const request of ['{"source":{"latest":1}}', '{"source":{"latest":1},"version":null}'])
      expect((await invoke(recording, ['in', await tempDir()], request)).code).toBe(0);
    expect(seen).toEqual([{}, {}]);
  });

  test('without the destination argument it says what Concourse passes', async () => {
    const outcome = await invoke(counterResource, ['in'], '{"source":{"latest":3},"version":{"number":"1"}}');
    expect(outcome.stderr).toMatch(
      /^error: usage: in <directory>: Concourse passes the destination directory/,
    );
  });
});

describe('out', () => {
  test('omitted params are validated as empty and fail on the missing field', async () => {
    const outcome = await invoke(counterResource, ['out', await tempDir()], '{"source":{"latest":3}}');
    expect(outcome.stderr).toBe(`error: missing required field 'params.number'\n`);
  });

  test('returns the version and an empty metadata list', async () => {
    const outcome = await invoke(
      counterResource,
      ['out', await tempDir()],
      '{"source":{"latest":3},"params":{"number":"4"}}',
    );
    expect(outcome.stdout).toBe('{"version":{"number":"4"},"metadata":[]}\n');
  });

  test("emptyMetadata: 'omit' prints {version} alone, and metadata only when there is some", async () => {
    const quiet = { ...counterResource, emptyMetadata: 'omit' as const };
    const put = (number: string) =>
      invoke(quiet, ['out', '.'], JSON.stringify({ source: { latest: 3 }, params: { number } }));
    expect((await put('4')).stdout).toBe('{"version":{"number":"4"}}\n');
    const fetched = await invoke(
      quiet,
      ['in', await tempDir()],
      '{"source":{"latest":3},"version":{"number":"2"}}',
    );
    expect(fetched.stdout).toBe('{"version":{"number":"2"},"metadata":[{"name":"number","value":"2"}]}\n');
  });

  test('extra keys follow version and metadata; the handler sees the request as sent', async () => {
    const echoing = defineResource({
      ...counterResource,
      out: ({ params, request }) =>
        Promise.resolve({ version: { number: params.number }, extra: { request } }),
    });
    const outcome = await invoke(echoing, ['out', '.'], '{"params":{"number":"4"},"source":{"latest":3}}');
    expect(outcome.stdout).toBe(
      '{"version":{"number":"4"},"metadata":[],"request":{"source":{"latest":3},"params":{"number":"4"}}}\n',
    );
  });

  test('an extra key named version or metadata is a resource bug', async () => {
    const clashing = {
      ...counterResource,
      out: () => Promise.resolve({ version: { number: '1' }, extra: { metadata: 'x' } }),
    };
    const outcome = await invoke(clashing, ['out', '.'], '{"source":{"latest":3},"params":{"number":"1"}}');
    expect(outcome).toMatchObject({ code: 1, stdout: '' });
    expect(outcome.stderr).toMatch(/^error: resource bug: .*extra key 'metadata'/);
  });
});

describe('the SDK stops a resource from breaking the protocol', () => {
  const broken = (versions: unknown) => ({
    ...counterResource,
    check: () => Promise.resolve(versions as never),
  });

  test.each([
    ['an empty version', [{}], /check result \[0\] is empty/],
    ['a non-string value', [{ n: 1 }], /check result \[0\].n is not a string/],
    ['a duplicate', [{ n: '1' }, { n: '1' }], /check result \[1\] repeats an earlier version/],
    ['not an array', { n: '1' }, /check must return an array/],
  ])('%s is a resource bug, reported as such', async (_name, versions, message) => {
    const outcome = await invoke(broken(versions), ['check'], '{"source":{"latest":1}}');
    expect(outcome.code).toBe(1);
    expect(outcome.stdout).toBe('');
    expect(outcome.stderr).toMatch(/^error: resource bug: /);
    expect(outcome.stderr).toMatch(message);
  });
});
