// Merging source and params, vars and var_files, env, TF_VAR_build_*, env names, delete_on_failure,
// lock_timeout: each against real tofu and MinIO.
import { chmod } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startMinio, tempDir, tofuPath, type MinioServer, type TempDir } from '@hangar/testkit';
import {
  BASIC_MAIN_TF,
  LogSink,
  check,
  get,
  listKeys,
  put,
  resourceEnv,
  s3Source,
  writeFiles,
} from './harness.js';

const VARS_TF = `
variable "a" { type = string }
variable "b" { type = string }
variable "c" { type = string }
variable "d" { type = string }
variable "list" {
  type    = list(number)
  default = []
}
variable "e" {
  type    = string
  default = "unset"
}
variable "f" {
  type    = string
  default = "unset"
}
output "values" {
  value = { a = var.a, b = var.b, c = var.c, d = var.d, e = var.e, f = var.f, list = var.list }
}
`;

const BUILD_TF = `
variable "env_name" { type = string }
variable "build_id" { type = string }
variable "build_name" { type = string }
variable "build_job_name" { type = string }
variable "build_pipeline_name" { type = string }
variable "build_team_name" { type = string }
variable "atc_external_url" { type = string }
variable "build_url" { type = string }
output "build" {
  value = {
    env_name = var.env_name, id = var.build_id, name = var.build_name, job = var.build_job_name,
    pipeline = var.build_pipeline_name, team = var.build_team_name, atc = var.atc_external_url, url = var.build_url
  }
}
`;

const FAILING_TF = `
resource "terraform_data" "first" {
  input = "created before the failure"
}
resource "terraform_data" "broken" {
  depends_on = [terraform_data.first]
  provisioner "local-exec" {
    command = "echo provisioning fails on purpose >&2; exit 3"
  }
}
`;

let minio: MinioServer;
let work: TempDir;
beforeAll(async () => {
  [minio, work] = await Promise.all([startMinio(), tempDir('hangar-terraform-params-')]);
  await writeFiles(work.path, {
    'vars/main.tf': VARS_TF,
    'vars/c.yml': 'c: from-yaml\nd: from-yaml\nlist: [1, 2, 3]\n',
    'vars/d.tfvars': 'd = "from-hcl"\n',
    'build/main.tf': BUILD_TF,
    'basic/main.tf': BASIC_MAIN_TF,
    'failing/main.tf': FAILING_TF,
    'names/env-name': '  feature branch 42 \n',
  });
});
afterAll(async () => {
  await minio?.stop();
  await work?.remove();
});

it('merges vars key-wise (params win), then var_files in order, YAML converted and .tfvars as HCL', async () => {
  const source = s3Source(minio, 'vars/tf.tfstate', {
    env_name: 'vars',
    vars: { a: 'source', b: 'source', c: 'source', d: 'source' },
    env: { TF_VAR_e: 'source-env', TF_VAR_f: 'source-env' },
  });
  const result = await put(
    source,
    {
      terraform_source: 'vars',
      vars: { b: 'params', c: 'params', d: 'params' },
      var_files: ['vars/c.yml', 'vars/d.tfvars'],
      env: { TF_VAR_f: 'params-env' },
    },
    work.path,
  );
  expect(result.code).toBe(0);
  expect(JSON.parse(result.meta['values'] ?? '')).toEqual({
    a: 'source',
    b: 'params',
    c: 'from-yaml',
    d: 'from-hcl',
    e: 'source-env',
    f: 'params-env',
    list: [1, 2, 3],
  });
  // The host's TF_LOG=TRACE and broken TF_CLI_CONFIG_FILE never reach tofu.
  expect(result.stderr).not.toContain('[TRACE]');
  expect(result.stderr).not.toContain('CLI configuration');
});

it('names a missing var file by its field', async () => {
  const result = await put(
    s3Source(minio, 'vars/tf.tfstate', { env_name: 'vars' }),
    { terraform_source: 'vars', var_files: ['vars/c.yml', 'vars/missing.yml'] },
    work.path,
  );
  expect(result.code).toBe(1);
  expect(result.stderr.trim()).toBe(
    "error: invalid 'var_files[1]': file '" +
      join(work.path, 'vars/missing.yml') +
      "' does not exist or is unreadable",
  );
});

it('passes build metadata as TF_VAR_build_*, env_name and build_url', async () => {
  const env = resourceEnv({
    BUILD_ID: '1234',
    BUILD_NAME: '42',
    BUILD_JOB_NAME: 'deploy',
    BUILD_PIPELINE_NAME: 'platform',
    BUILD_TEAM_NAME: 'main',
    ATC_EXTERNAL_URL: 'https://ci.example.test',
  });
  const result = await put(
    s3Source(minio, 'build/tf.tfstate'),
    { terraform_source: 'build', env_name: 'build-vars' },
    work.path,
    { env },
  );
  expect(result.code).toBe(0);
  expect(JSON.parse(result.meta['build'] ?? '')).toEqual({
    env_name: 'build-vars',
    id: '1234',
    name: '42',
    job: 'deploy',
    pipeline: 'platform',
    team: 'main',
    atc: 'https://ci.example.test',
    url: 'https://ci.example.test/teams/main/pipelines/platform/jobs/deploy/builds/42',
  });

  // A one-off build has no job or pipeline: the reference still sets those variables, empty; and
  // its values win over the same variables in env.
  const oneOff = await put(
    s3Source(minio, 'build/tf.tfstate'),
    {
      terraform_source: 'build',
      env_name: 'build-vars',
      env: { TF_VAR_build_id: 'from-env', TF_VAR_env_name: 'from-env' },
    },
    work.path,
    {
      env: resourceEnv({
        BUILD_ID: '77',
        BUILD_NAME: '3',
        BUILD_TEAM_NAME: 'main',
        BUILD_URL: 'https://ci/builds/77',
      }),
    },
  );
  expect(oneOff.code, oneOff.stderr).toBe(0);
  expect(JSON.parse(oneOff.meta['build'] ?? '')).toEqual({
    env_name: 'build-vars',
    id: '77',
    name: '3',
    job: '',
    pipeline: '',
    team: 'main',
    atc: '',
    url: 'https://ci/builds/77',
  });
});

it('takes the environment name from env_name_file, trimmed and with dashes for spaces', async () => {
  const result = await put(
    s3Source(minio, 'names/tf.tfstate', { env_name: 'ignored' }),
    { terraform_source: 'basic', env_name_file: 'names/env-name', env_name: 'also-ignored' },
    work.path,
  );
  expect(result.code).toBe(0);
  expect(result.version['env_name']).toBe('feature-branch-42');
  expect(result.meta['env']).toBe('feature-branch-42');
});

it('generates a random environment name that is not taken', async () => {
  const result = await put(
    s3Source(minio, 'names/tf.tfstate'),
    { terraform_source: 'basic', generate_random_name: true },
    work.path,
  );
  expect(result.code).toBe(0);
  const name = result.version['env_name'] ?? '';
  expect(name).toMatch(/^[a-z]+-[a-z]+$/);
  expect(await listKeys(minio, `env:/${name}/`)).toEqual([`env:/${name}/names/tf.tfstate`]);
  expect((await check(s3Source(minio, 'names/tf.tfstate'), result.version)).versions).toEqual([
    result.version,
  ]);
});

it('without delete_on_failure a failed apply keeps what it created, and a destroy removes it', async () => {
  const source = s3Source(minio, 'failing/tf.tfstate', { env_name: 'kept' });
  const result = await put(source, { terraform_source: 'failing' }, work.path);
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(/error: 'tofu apply' failed \(exit 1\): Error: local-exec provisioner error/);
  expect(await listKeys(minio, 'env:/kept/')).toEqual(['env:/kept/failing/tf.tfstate']);
  const destroyed = await put(source, { terraform_source: 'failing', action: 'destroy' }, work.path);
  expect(destroyed.code, destroyed.stderr).toBe(0);
  expect(destroyed.stderr).toContain('Destroy complete! Resources: 2 destroyed.');
  expect(await listKeys(minio, 'env:/kept/')).toEqual([]);
});

it('delete_on_failure destroys the environment after a failed apply and says so', async () => {
  const result = await put(
    s3Source(minio, 'failing/tf.tfstate', { env_name: 'doomed' }),
    { terraform_source: 'failing', delete_on_failure: true },
    work.path,
  );
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('Destroy complete! Resources: 2 destroyed.');
  expect(result.stderr).toMatch(
    /error: 'tofu apply' failed .*; delete_on_failure: environment 'doomed' was destroyed\n$/,
  );
  expect(await listKeys(minio, 'env:/doomed/')).toEqual([]);
});

it('honours lock_timeout from put params or source in apply, plan and destroy: waits for a held lock', async () => {
  const key = 'locks/tf.tfstate';
  const source = s3Source(minio, key, { env_name: 'locked' });
  expect((await put(source, { terraform_source: 'basic' }, work.path)).code).toBe(0);

  const lockKey = `env:/locked/${key}.tflock`;
  const lockInfo = {
    ID: '6a1c7b3e-0000-4000-8000-000000000001',
    Operation: 'OperationTypeApply',
    Info: '',
    Who: 'someone@elsewhere',
    Version: '1.12.6',
    Created: '2026-11-27T00:00:00Z',
    Path: `${minio.unversionedBucket}/env:/locked/${key}`,
  };
  const s3 = minio.client();
  const holdLock = () =>
    s3.send(
      new PutObjectCommand({ Bucket: minio.unversionedBucket, Key: lockKey, Body: JSON.stringify(lockInfo) }),
    );
  /** Starts a put, releases the lock once tofu waits for it, and returns the put's result. */
  const putThroughLock = async (putSource: unknown, params: Record<string, unknown>) => {
    const log = new LogSink();
    const waiting = put(putSource, { terraform_source: 'basic', ...params }, work.path, { stderr: log });
    await log.waitFor(/Acquiring state lock\. This may take a few moments/);
    await s3.send(new DeleteObjectCommand({ Bucket: minio.unversionedBucket, Key: lockKey }));
    const result = await waiting;
    expect(result.stderr).not.toContain('Error acquiring the state lock');
    expect(result.code).toBe(0);
    return result;
  };
  try {
    await holdLock();
    // Without a timeout the held lock fails the put at once.
    const refused = await put(source, { terraform_source: 'basic', vars: { greeting: 'x' } }, work.path);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('Error acquiring the state lock');

    // With params.lock_timeout the put waits; it goes through once the lock is released.
    const applied = await putThroughLock(source, { vars: { greeting: 'after-lock' }, lock_timeout: '120s' });
    expect(applied.meta['greeting']).toBe('after-lock');

    // plan and destroy wait too, here with source.lock_timeout.
    const patient = { ...source, lock_timeout: '120s' };
    await holdLock();
    expect((await putThroughLock(patient, { plan_only: true })).version['plan_only']).toBe('true');
    await holdLock();
    expect((await putThroughLock(patient, { action: 'destroy' })).version).toEqual({
      env_name: 'locked',
      serial: '',
    });
  } finally {
    s3.destroy();
  }
});

it('refuses storage beside backend_type in one line pointing to migrated_from_storage, as the reference', async () => {
  const result = await put(
    s3Source(minio, 'both/tf.tfstate', {
      env_name: 'old',
      storage: {
        driver: 's3',
        bucket: 'b',
        bucket_path: 'envs/',
        access_key_id: 'AK',
        secret_access_key: 'sk-canary-91',
      },
    }),
    { terraform_source: 'basic' },
    work.path,
  );
  expect(result.code).toBe(1);
  expect(result.stderr.trim()).toBe(
    'error: source.storage and backend_type exclude each other: to move its environments into the backend, rename storage to migrated_from_storage',
  );
  expect(result.stderr).not.toContain('sk-canary-91');
});

it('reads requests as the reference Go does: "", 0, false and null are unset; an unknown key is a warning', async () => {
  const result = await put(
    s3Source(minio, 'tolerant/tf.tfstate', { env_name: 'tolerant', private_key: '', vars: null, binary: '' }),
    {
      terraform_source: 'basic',
      env_name: '',
      env_name_file: '',
      generate_random_name: false,
      var_files: null,
      override_files: null,
      plugin_dir: '',
      parallelism: 0,
      lock_timeout: '',
      plan_only: false,
      action: '',
      lock_timout: '1m',
    },
    work.path,
  );
  expect(result.code, result.stderr).toBe(0);
  expect(result.version).toMatchObject({
    env_name: 'tolerant',
    serial: expect.stringMatching(/^\d+$/) as string,
  });
  expect(result.stderr).toContain("unknown key 'params.lock_timout' (did you mean 'lock_timeout'?)");
});

it('explains configuration mistakes in one line naming the field', async () => {
  const cases: [unknown, unknown, RegExp][] = [
    [
      s3Source(minio, 'k', { env_name: 'x' }),
      { terraform_source: 'basic', lock_timeout: 'soon' },
      /invalid 'params\.lock_timeout': must be a duration/,
    ],
    [{ env_name: 'x' }, { terraform_source: 'basic' }, /missing required field 'source\.backend_type'/],
    [
      { backend_type: 'x'.repeat(100), env_name: 'x' },
      { terraform_source: 'basic' },
      /invalid 'source\.backend_type': must be a backend name such as s3/,
    ],
    [
      { backend_type: 'local', env_name: 'x' },
      { terraform_source: 'basic' },
      /invalid 'source\.backend_type': 'local' keeps state/,
    ],
    [s3Source(minio, 'k', { env_name: 'x' }), {}, /missing required field 'params\.terraform_source'/],
    [
      s3Source(minio, 'k', { env_name: 'x' }),
      { terraform_source: 'nowhere' },
      /invalid 'params\.terraform_source': 'nowhere' is not a directory/,
    ],
    [s3Source(minio, 'k'), { terraform_source: 'basic' }, /missing environment name: set source\.env_name/],
    [
      s3Source(minio, 'k', { env_name: 'x' }),
      { terraform_source: 'basic', plan_only: true, plan_run: true },
      /plan_only and plan_run exclude each other/,
    ],
    [
      s3Source(minio, 'k', { env_name: 'x', plan_run: true }),
      { terraform_source: 'basic', plan_only: true },
      /plan_only and plan_run exclude each other/,
    ],
    [
      s3Source(minio, 'k'),
      { terraform_source: 'basic', env_name: 'a/b' },
      /invalid 'params\.env_name': 'a\/b' is not a valid workspace name/,
    ],
  ];
  for (const [source, params, expected] of cases) {
    const result = await put(source, params, work.path);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(expected);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  }
});

it('uses terraform when source.binary says so, and says when it is missing', async () => {
  const env = resourceEnv({ PATH: `${dirname(tofuPath())}:/usr/bin:/bin` });
  const result = await put(
    s3Source(minio, 'k', { env_name: 'x', binary: 'terraform' }),
    { terraform_source: 'basic' },
    work.path,
    { env },
  );
  expect(result.code).toBe(1);
  expect(result.stderr.trim()).toBe(
    "error: invalid 'source.binary': 'terraform' is not on PATH (the image ships OpenTofu; use a custom image that adds terraform)",
  );
});

it('output_module fails a get, as in the reference, and is ignored with a warning by a put', async () => {
  const source = s3Source(minio, 'module/tf.tfstate', { env_name: 'module' });
  const got = await get(
    source,
    { env_name: 'module', serial: '1' },
    { output_module: 'm' },
    join(work.path, 'get-module'),
  );
  expect(got.code).toBe(1);
  expect(got.stderr.trim()).toBe(
    'error: params.output_module was removed in Terraform 0.12: declare the outputs in the root module',
  );
  const applied = await put(source, { terraform_source: 'basic', output_module: 'm' }, work.path);
  expect(applied.code).toBe(0);
  expect(applied.stderr).toContain('warning: output_module was removed in Terraform 0.12: ignored');
});

it('reads plugin_dir relative to terraform_source, as the reference documents', async () => {
  // A provider that only the plugin dir offers (there is no registry here), as a stand-in binary.
  const provider = 'plugged/plugins/registry.opentofu.org/hashicorp/random/1.2.0/linux_amd64';
  await writeFiles(work.path, {
    'plugged/main.tf':
      'terraform {\n  required_providers {\n    random = { source = "hashicorp/random", version = "1.2.0" }\n  }\n}\n' +
      'resource "random_id" "x" {\n  byte_length = 2\n}\n',
    [`${provider}/terraform-provider-random_v1.2.0`]: '#!/bin/sh\necho stand-in provider >&2\nexit 1\n',
  });
  await chmod(join(work.path, provider, 'terraform-provider-random_v1.2.0'), 0o755);
  const source = s3Source(minio, 'plugins/tf.tfstate', { env_name: 'plugged' });
  const notInstalled = /Failed to resolve provider packages/;

  // init installs the provider from plugged/plugins; only starting the stand-in fails
  const found = await put(source, { terraform_source: 'plugged', plugin_dir: 'plugins' }, work.path);
  expect(found.code).toBe(1);
  expect(found.stderr).not.toMatch(notInstalled);
  expect(found.stderr).toContain('registry.opentofu.org/hashicorp/random');
  // the same path taken from the put directory is not where the reference looks
  const wrong = await put(source, { terraform_source: 'plugged', plugin_dir: 'plugged/plugins' }, work.path);
  expect(wrong.code).toBe(1);
  expect(wrong.stderr).toMatch(notInstalled);
});

it('passes env to check and get as well as put: backend credentials from env work throughout', async () => {
  const source = s3Source(minio, 'env-creds/tf.tfstate', { env_name: 'env-creds' });
  const backend = { ...(source['backend_config'] as Record<string, unknown>) };
  delete backend['access_key'];
  delete backend['secret_key'];
  const viaEnv = {
    ...source,
    backend_config: backend,
    env: {
      AWS_ACCESS_KEY_ID: minio.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: minio.credentials.secretAccessKey,
    },
  };
  const applied = await put(viaEnv, { terraform_source: 'basic' }, work.path);
  expect(applied.code, applied.stderr).toBe(0);
  expect((await check(viaEnv)).versions).toEqual([applied.version]);
  const got = await get(viaEnv, applied.version, {}, join(work.path, 'get-env-creds'));
  expect(got.code, got.stderr).toBe(0);
  expect(got.meta['greeting']).toBe('hello');
});
