// The bundled resource as Concourse runs it: a process, JSON on stdin, one JSON value on stdout.
import { spawnSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bundleResource } from '@hangar/resource-sdk/bundle';
import { type TempDir, tempDir } from '@hangar/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connection, putObjects, uniquePrefix, useMinio } from './harness.js';

const s3 = useMinio();
let bin: TempDir;
let bundle: string;

beforeAll(async () => {
  bin = await tempDir('hangar-s3-bundle-');
  bundle = join(bin.path, 'resource.js');
  await bundleResource({ entry: new URL('../src/index.ts', import.meta.url).pathname, outfile: bundle });
});
afterAll(() => bin?.remove());

function spawn(script: string, request: unknown, args: string[] = [], env: Record<string, string> = {}) {
  // No AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED here: the resource must silence the notice itself.
  const result = spawnSync(process.execPath, [bundle, script, ...args], {
    input: JSON.stringify(request),
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '', HOME: bin.path, ...env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const CANARIES = {
  access_key_id: 'AKIAHANGARCANARY0001',
  secret_access_key: 'canary-secret-0f9d8e7c6b5a',
  session_token: 'canary-session-token-1a2b3c4d',
};

describe('the bundled resource process', () => {
  it('check, put and get print exactly one JSON value on stdout and no SDK notice anywhere', async () => {
    const p = uniquePrefix('proc');
    await putObjects(s3.client, s3.minio.unversionedBucket, { [`${p}/app-1.0.tgz`]: 'one' });
    const source = { ...connection(s3.minio), regexp: `${p}/app-(.*).tgz` };
    const checked = spawn('check', { source });
    expect(checked).toMatchObject({ code: 0, stdout: `[{"path":"${p}/app-1.0.tgz"}]\n` });

    await using work = await tempDir();
    await mkdir(join(work.path, 'build'));
    await writeFile(join(work.path, 'build/app-1.1.tgz'), 'two');
    const put = spawn('out', { source, params: { file: 'build/app-*.tgz' } }, [work.path]);
    expect(put.code, put.stderr).toBe(0);
    expect(JSON.parse(put.stdout)).toMatchObject({ version: { path: `${p}/app-1.1.tgz` } });

    await using dest = await tempDir();
    const got = spawn('in', { source, version: { path: `${p}/app-1.1.tgz` } }, [dest.path]);
    expect(got.code, got.stderr).toBe(0);
    expect(got.stdout.trim().split('\n')).toHaveLength(1);
    expect(await readFile(join(dest.path, 'app-1.1.tgz'), 'utf8')).toBe('two');

    for (const output of [checked, put, got]) {
      expect(output.stdout + output.stderr).not.toMatch(/NodeVersionSupportWarning|node >=22/);
      expect(() => JSON.parse(output.stdout) as unknown).not.toThrow();
    }
  });

  it.each([{}, { HANGAR_DEBUG: '1' }])('never prints a secret, even in a failure (env %j)', (env) => {
    const source = {
      ...connection(s3.minio),
      ...CANARIES,
      regexp: 'canary/app-(.*).tgz',
    };
    const result = spawn('check', { source }, [], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^error: cannot list s3:\/\/unversioned\/canary\/app-: InvalidAccessKeyId \(HTTP 403\)/m,
    );
    expect(result.stderr + result.stdout).not.toContain(CANARIES.secret_access_key);
    expect(result.stderr + result.stdout).not.toContain(CANARIES.session_token);
  });

  it('redacts secrets that a user pastes into other fields too', () => {
    const source = { ...connection(s3.minio), ...CANARIES, regexp: `/${CANARIES.secret_access_key}-(.*)` };
    const result = spawn('check', { source });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('((redacted))');
    expect(result.stderr).not.toContain(CANARIES.secret_access_key);
  });
});
