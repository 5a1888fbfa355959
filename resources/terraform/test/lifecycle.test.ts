// First apply, idempotent re-apply, a change, check, get, destroy, two environments: real tofu + MinIO.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMinio, tempDir, type MinioServer, type TempDir } from '@hangar/testkit';
import {
  BASIC_MAIN_TF,
  CANARY_PRIVATE_KEY,
  check,
  generateKey,
  get,
  listKeys,
  put,
  s3Source,
  writeFiles,
  writeKey,
} from './harness.js';

let minio: MinioServer;
let work: TempDir;
beforeAll(async () => {
  [minio, work] = await Promise.all([startMinio(), tempDir('hangar-terraform-test-')]);
  await writeFiles(work.path, { 'repo/terraform/main.tf': BASIC_MAIN_TF });
  // Concourse gives every put its own copy of its inputs.
  for (const copy of ['blue', 'green'])
    await writeFiles(join(work.path, copy), { 'repo/terraform/main.tf': BASIC_MAIN_TF });
});
afterAll(async () => {
  await minio?.stop();
  await work?.remove();
});

describe('one environment from first apply to destroy', () => {
  const key = 'lifecycle/terraform.tfstate';
  const source = () => s3Source(minio, key, { env_name: 'staging' });
  const params = { terraform_source: 'repo/terraform' };
  let first: Awaited<ReturnType<typeof put>>;

  beforeAll(async () => {
    first = await put(source(), params, work.path);
  });

  it('applies into the environment workspace and returns {env_name, serial, lineage}', async () => {
    expect(first.stderr).toContain('Apply complete!');
    expect(first.code).toBe(0);
    expect(Object.keys(first.version).sort()).toEqual(['env_name', 'lineage', 'serial']);
    expect(first.version['env_name']).toBe('staging');
    expect(first.version['serial']).toMatch(/^\d+$/);
    expect(first.version['lineage']).toMatch(/^[0-9a-f-]{36}$/);
    expect(await listKeys(minio, 'env:/staging/')).toEqual([`env:/staging/${key}`]);
  });

  it('reports outputs as metadata, hiding sensitive ones, plus what `tofu -v` says', () => {
    expect(first.meta['greeting']).toBe('hello');
    expect(first.meta['env']).toBe('staging');
    expect(first.meta['settings']).toBe('{"replicas":2,"tags":["a","b"]}');
    expect(first.meta['password']).toBe('<sensitive>');
    expect(first.meta['terraform_version']).toMatch(/^OpenTofu v1\.12\.\S+\non linux_\w+$/);
    // the plan summary is opt-in (summary_metadata), as the reference reports none
    expect(Object.keys(first.meta).sort()).toEqual([
      'build_name',
      'env',
      'greeting',
      'password',
      'settings',
      'terraform_version',
    ]);
    expect(first.stdout).not.toContain('s3cr3t');
  });

  it('leaves the configuration as it found it', async () => {
    const { readdir } = await import('node:fs/promises');
    const files = await readdir(join(work.path, 'repo/terraform'));
    expect(files).toContain('main.tf');
    expect(files).not.toContain('.terraform');
    expect(files.filter((name) => name.includes('hangar'))).toEqual([]);
  });

  it('check returns the applied version, and the same one again after a no-op apply', async () => {
    const checked = await check(source());
    expect(checked.versions).toEqual([first.version]);
    const again = await put(source(), params, work.path);
    expect(again.code).toBe(0);
    expect(again.version).toEqual(first.version);
    expect((await check(source(), first.version)).versions).toEqual([first.version]);
  });

  it('get writes name, metadata with the sensitive values, and the state on request', async () => {
    const dir = join(work.path, 'get-staging');
    const got = await get(source(), first.version, { output_statefile: true }, dir);
    expect(got.code).toBe(0);
    expect(got.version).toEqual(first.version);
    expect(await readFile(join(dir, 'name'), 'utf8')).toBe('staging');
    // one line of JSON with sorted keys, as Go's encoder writes it; readable by a task's user
    expect(await readFile(join(dir, 'metadata'), 'utf8')).toBe(
      '{"build_name":"","env":"staging","greeting":"hello","password":"s3cr3t-hello","settings":{"replicas":2,"tags":["a","b"]}}\n',
    );
    for (const file of ['metadata', 'terraform.tfstate'])
      expect((await stat(join(dir, file))).mode & 0o777).toBe(0o644);
    expect(got.meta['password']).toBe('<sensitive>');
    expect(got.meta['terraform_version']).toBe(first.meta['terraform_version']);
    const state = JSON.parse(await readFile(join(dir, 'terraform.tfstate'), 'utf8')) as {
      serial: number;
      lineage: string;
    };
    expect([String(state.serial), state.lineage]).toEqual([
      first.version['serial'],
      first.version['lineage'],
    ]);
  });

  it('a change bumps the serial and check moves on to it alone', async () => {
    const changed = await put(source(), { ...params, vars: { greeting: 'hi' } }, work.path);
    expect(changed.code).toBe(0);
    expect(Number(changed.version['serial'])).toBeGreaterThan(Number(first.version['serial']));
    expect(changed.version['lineage']).toBe(first.version['lineage']);
    expect(changed.meta['greeting']).toBe('hi');
    expect((await check(source(), first.version)).versions).toEqual([changed.version]);
    // a later serial than the state's (of the same lineage) gives nothing, compared as numbers …
    const serial = changed.version['serial'] ?? '';
    expect(Number(serial)).toBeGreaterThanOrEqual(2);
    const laterButLexicallySmaller = `1${'0'.repeat(serial.length)}`;
    expect(
      (await check(source(), { ...changed.version, serial: laterButLexicallySmaller })).versions,
    ).toEqual([]);
    // … while a version without lineage, or of another lineage, gets the state
    expect((await check(source(), { env_name: 'staging', serial })).versions).toEqual([changed.version]);
    const otherLineage = { ...changed.version, serial: '99999', lineage: 'another' };
    expect((await check(source(), otherLineage)).versions).toEqual([changed.version]);

    // A get of any other version of the environment answers with the current one, with a warning.
    for (const version of [first.version, otherLineage]) {
      const older = await get(source(), version, {}, join(work.path, 'get-older'));
      expect(older.code).toBe(0);
      expect(older.version).toEqual(changed.version);
      expect(older.stderr).toContain(
        `warning: environment 'staging' is now at serial ${changed.version['serial']} (lineage ${changed.version['lineage']})`,
      );
      expect(older.meta['greeting']).toBe('hi');
    }
  });

  it('destroy returns {env_name, serial: ""}; its implicit get writes the name, with a warning', async () => {
    const destroyed = await put(source(), { ...params, action: 'destroy' }, work.path);
    expect(destroyed.code).toBe(0);
    expect(destroyed.version).toEqual({ env_name: 'staging', serial: '' });
    expect(Object.keys(destroyed.meta)).toEqual(['terraform_version']);
    expect(await listKeys(minio, 'env:/staging/')).toEqual([]);

    const dir = join(work.path, 'get-destroyed');
    const got = await get(source(), destroyed.version, {}, dir);
    expect(got.code).toBe(0);
    expect(got.stderr).toContain("warning: environment 'staging' was destroyed: only the name is written");
    expect(await readFile(join(dir, 'name'), 'utf8')).toBe('staging');
    // get_params.action: destroy needs nothing from the backend
    const quiet = await get(source(), destroyed.version, { action: 'destroy' }, join(work.path, 'get-quiet'));
    expect([quiet.code, quiet.stderr, quiet.metadata]).toEqual([0, '', []]);
    expect((await check(source(), first.version)).versions).toEqual([]);
  });

  it('destroying it again is a warning, as there is nothing left', async () => {
    const again = await put(source(), { ...params, action: 'destroy' }, work.path);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain("warning: workspace 'staging' does not exist: nothing to destroy");
  });

  it('get of an environment that is gone fails with the hint', async () => {
    const got = await get(source(), first.version, {}, join(work.path, 'get-gone'));
    expect(got.code).toBe(1);
    expect(got.stderr).toMatch(
      /error: workspace 'staging' does not exist in the backend.*get_params\.action: destroy/,
    );
  });
});

it('keeps two environments side by side in one backend', async () => {
  const key = 'two/terraform.tfstate';
  const params = { terraform_source: 'repo/terraform' };
  const [blue, green] = await Promise.all([
    put(
      s3Source(minio, key),
      { ...params, env_name: 'blue', vars: { greeting: 'blue' } },
      join(work.path, 'blue'),
    ),
    put(
      s3Source(minio, key),
      { ...params, env_name: 'green', vars: { greeting: 'green' } },
      join(work.path, 'green'),
    ),
  ]);
  expect([blue.code, green.code]).toEqual([0, 0]);
  expect([blue.meta['greeting'], green.meta['greeting']]).toEqual(['blue', 'green']);
  expect(blue.version['lineage']).not.toBe(green.version['lineage']);
  expect(await listKeys(minio, 'env:/')).toEqual([`env:/blue/${key}`, `env:/green/${key}`]);
  // check follows the environment of the version it is given
  expect((await check(s3Source(minio, key), green.version)).versions).toEqual([green.version]);
  // without env_name or a version there is nothing to check
  expect((await check(s3Source(minio, key))).versions).toEqual([]);
});

it('never prints backend credentials or private_key', async () => {
  const key = 'secrets/terraform.tfstate';
  const privateKey = await generateKey(work.path);
  const source = s3Source(minio, key, { env_name: 'secrets', private_key: privateKey });
  const wrong = s3Source(minio, key, { env_name: 'secrets', private_key: CANARY_PRIVATE_KEY });
  const backend = wrong['backend_config'] as Record<string, unknown>;
  // A failing run prints the most: wrong credentials whose values are canaries.
  backend['access_key'] = 'canary-access-key-51d0';
  backend['secret_key'] = 'canary-secret-key-88e2';
  const failed = await put(wrong, { terraform_source: 'repo/terraform' }, work.path);
  expect(failed.code).toBe(1);
  expect(failed.stderr).toMatch(/^error: invalid 'private_key': /m);
  delete wrong['private_key'];
  const refused = await put(wrong, { terraform_source: 'repo/terraform' }, work.path);
  expect(refused.code).toBe(1);
  const ok = await put(source, { terraform_source: 'repo/terraform' }, work.path, {});
  expect(ok.code).toBe(0);
  const checked = await check(source);
  expect(checked.versions).toEqual([ok.version]);
  const keyLine = privateKey.split('\n')[1] ?? '';
  const outputs = [failed, refused, ok, checked].flatMap((result) => [result.stderr, result.stdout]);
  for (const text of outputs) {
    for (const secret of [
      'canary-access-key-51d0',
      'canary-secret-key-88e2',
      CANARY_PRIVATE_KEY,
      keyLine,
      minio.credentials.secretAccessKey,
    ])
      expect(text).not.toContain(secret);
  }
});

describe('a check that cannot read the backend fails with one error line', () => {
  const lastLine = (stderr: string) => stderr.trimEnd().split('\n').at(-1) ?? '';

  it('when the workspaces cannot be listed (the s3 backend lists them during init)', async () => {
    const source = s3Source(minio, 'unlisted/terraform.tfstate', { env_name: 'any' });
    (source['backend_config'] as Record<string, unknown>)['secret_key'] = 'not-the-secret-3e1';
    const result = await check(source);
    expect(result.code).toBe(1);
    expect(lastLine(result.stderr)).toMatch(
      /^error: 'tofu init' failed \(exit 1\): Error: Failed to get existing workspaces: .*SignatureDoesNotMatch/,
    );
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it('when the state of the environment cannot be read', async () => {
    await writeKey(minio, 'env:/garbled/garbled/terraform.tfstate', 'not a state {');
    const result = await check(s3Source(minio, 'garbled/terraform.tfstate', { env_name: 'garbled' }));
    expect(result.code).toBe(1);
    expect(lastLine(result.stderr)).toMatch(
      /^error: 'tofu state' failed \(exit 1\): Error: Failed to refresh state: .*Unsupported state file format/,
    );
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });
});
