// plan_only / plan_run without any provider download, plan versions, imports, overrides, the
// default-workspace mode: real tofu and MinIO.
import { lstat, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { startMinio, tempDir, type MinioServer, type TempDir } from '@hangar/testkit';
import { BASIC_MAIN_TF, check, get, listKeys, put, s3Source, writeFiles } from './harness.js';

let minio: MinioServer;
let work: TempDir;
beforeAll(async () => {
  [minio, work] = await Promise.all([startMinio(), tempDir('hangar-terraform-plan-')]);
  await writeFiles(work.path, {
    'basic/main.tf': BASIC_MAIN_TF,
    'import/main.tf':
      'resource "terraform_data" "existing" {}\noutput "id" {\n  value = terraform_data.existing.id\n}\n',
    'import/ids.yml': 'terraform_data.existing: pre-existing-id-17\n',
    'override/main.tf':
      BASIC_MAIN_TF +
      '\nmodule "child" {\n  source = "./modules/child"\n}\noutput "child" {\n  value = module.child.word\n}\n',
    'override/modules/child/main.tf': 'output "word" {\n  value = "original"\n}\n',
    'ops/greeting_override.tf': 'variable "greeting" {\n  default = "overridden"\n}\n',
    'ops/child_override.tf': 'output "word" {\n  value = "overridden too"\n}\n',
  });
});
afterAll(async () => {
  await minio?.stop();
  await work?.remove();
});

/** Removes our `plan_checksum` output from a stored plan's state, leaving what the reference stores. */
async function dropPlanChecksum(stateKey: string): Promise<void> {
  const s3 = minio.client();
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: minio.unversionedBucket, Key: stateKey }));
    const state = JSON.parse((await object.Body?.transformToString()) ?? '') as {
      serial: number;
      outputs: Record<string, unknown>;
    };
    expect(Object.keys(state.outputs).sort()).toEqual(['plan_checksum', 'plan_content', 'plan_content_json']);
    delete state.outputs['plan_checksum'];
    state.serial += 1;
    await s3.send(
      new PutObjectCommand({ Bucket: minio.unversionedBucket, Key: stateKey, Body: JSON.stringify(state) }),
    );
  } finally {
    s3.destroy();
  }
}

describe('plan_only, then plan_run', () => {
  const key = 'plans/terraform.tfstate';
  const source = () => s3Source(minio, key, { env_name: 'review' });
  let applied: Awaited<ReturnType<typeof put>>;
  let planned: Awaited<ReturnType<typeof put>>;

  beforeAll(async () => {
    applied = await put(source(), { terraform_source: 'basic', vars: { greeting: 'current' } }, work.path);
    planned = await put(
      source(),
      { terraform_source: 'basic', plan_only: true, vars: { greeting: 'planned' } },
      work.path,
    );
  });

  it("stores the plan in <env>-plan and returns the reference's plan version", async () => {
    expect(applied.code).toBe(0);
    expect(planned.code).toBe(0);
    expect(planned.version['plan_checksum']).toMatch(/^[0-9a-f]{64}$/);
    expect(planned.version).toEqual({
      env_name: 'review',
      serial: '',
      plan_only: 'true',
      plan_checksum: planned.version['plan_checksum'],
    });
    expect(Object.keys(planned.meta)).toEqual(['terraform_version']);
    expect(await listKeys(minio, 'env:/review-plan/')).toEqual([`env:/review-plan/${key}`]);
    // nothing was applied, and no provider was downloaded for the plan's storage
    expect(planned.stderr).not.toMatch(/registry|Installing|Downloading/i);
    expect((await check(source(), applied.version)).versions).toEqual([applied.version]);
  });

  it('get of a plan version writes plan.json and the applied outputs, and gives no metadata', async () => {
    const dir = join(work.path, 'get-plan');
    const got = await get(source(), planned.version, { output_planfile: true }, dir);
    expect(got.code).toBe(0);
    expect(got.version).toEqual(planned.version);
    expect(got.metadata).toEqual([]);
    expect(JSON.parse(await readFile(join(dir, 'metadata'), 'utf8'))).toMatchObject({ greeting: 'current' });
    const plan = JSON.parse(await readFile(join(dir, 'plan.json'), 'utf8')) as {
      resource_changes: { address: string; change: { actions: string[]; after: { input: string } } }[];
    };
    const change = plan.resource_changes.find((entry) => entry.address === 'terraform_data.greeting');
    expect(change?.change.actions).toEqual(['update']);
    expect(change?.change.after.input).toBe('planned');
  });

  it('plan_run applies exactly the stored plan, whatever the vars say now, then forgets it', async () => {
    const ran = await put(
      source(),
      { terraform_source: 'basic', plan_run: true, vars: { greeting: 'not-in-the-plan' } },
      work.path,
    );
    expect(ran.code).toBe(0);
    expect(ran.stderr).toContain(
      `applying the stored plan ${planned.version['plan_checksum']?.slice(0, 12)}`,
    );
    expect(ran.meta['greeting']).toBe('planned');
    expect(Object.keys(ran.version).sort()).toEqual(['env_name', 'lineage', 'serial']);
    expect(Number(ran.version['serial'])).toBeGreaterThan(Number(applied.version['serial']));
    expect(await listKeys(minio, 'env:/review-plan/')).toEqual([]);
    expect((await check(source(), applied.version)).versions).toEqual([ran.version]);
    expect((await check(source(), planned.version)).versions).toEqual([ran.version]);

    const stale = await get(
      source(),
      planned.version,
      { output_planfile: true },
      join(work.path, 'get-stale'),
    );
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(/error: no plan is stored in workspace 'review-plan'/);
    // without output_planfile the get still succeeds, with the applied outputs
    const outputsOnly = await get(source(), planned.version, {}, join(work.path, 'get-outputs'));
    expect(outputsOnly.code).toBe(0);
    await expect(readFile(join(work.path, 'get-outputs/plan.json'))).rejects.toThrow(/ENOENT/);
    expect(
      JSON.parse(await readFile(join(work.path, 'get-outputs/metadata'), 'utf8')) as unknown,
    ).toMatchObject({ greeting: 'planned' });
  });

  it('plan_run without a stored plan says what to do', async () => {
    const ran = await put(source(), { terraform_source: 'basic', plan_run: true }, work.path);
    expect(ran.code).toBe(1);
    expect(ran.stderr).toMatch(
      /^error: params\.plan_run: no stored plan for environment 'review': run a put with plan_only: true first/m,
    );
  });
});

it('a plan for a new environment applies nothing, but check reports its new workspace (as the reference does)', async () => {
  const source = s3Source(minio, 'fresh/terraform.tfstate', { env_name: 'fresh' });
  const planned = await put(source, { terraform_source: 'basic', plan_only: true }, work.path);
  expect(planned.code).toBe(0);
  expect(planned.version).toMatchObject({ env_name: 'fresh', serial: '', plan_only: 'true' });
  const [created] = (await check(source)).versions;
  expect(created).toEqual({
    env_name: 'fresh',
    serial: expect.stringMatching(/^\d+$/) as string,
    lineage: expect.stringMatching(/^[0-9a-f-]{36}$/) as string,
  });
  // its get has no outputs yet
  const got = await get(source, created ?? {}, {}, join(work.path, 'get-fresh'));
  expect(got.code).toBe(0);
  expect(await readFile(join(work.path, 'get-fresh/metadata'), 'utf8')).toBe('{}\n');
  const ran = await put(source, { terraform_source: 'basic', plan_run: true }, work.path);
  expect(ran.code).toBe(0);
  expect(ran.version['lineage']).toBe(created?.['lineage']);
  expect((await check(source, created)).versions).toEqual([ran.version]);
});

it('get of a plan version of an environment with no workspace writes only its name', async () => {
  const source = s3Source(minio, 'nowhere/terraform.tfstate');
  const version = { env_name: 'nowhere', serial: '', plan_only: 'true', plan_checksum: 'f'.repeat(64) };
  const got = await get(source, version, {}, join(work.path, 'get-nowhere'));
  expect([got.code, got.version, got.metadata]).toEqual([0, version, []]);
  expect((await readdir(join(work.path, 'get-nowhere'))).sort()).toEqual(['name']);
});

it("summary_metadata adds to_add, to_change and to_destroy to plan, apply, destroy and a plan's get", async () => {
  const source = s3Source(minio, 'summary/terraform.tfstate', {
    env_name: 'summary',
    summary_metadata: true,
  });
  const counts = (meta: Record<string, string>) => [meta['to_add'], meta['to_change'], meta['to_destroy']];
  const planned = await put(source, { terraform_source: 'basic', plan_only: true }, work.path);
  expect(counts(planned.meta)).toEqual(['1', '0', '0']);
  const got = await get(source, planned.version, {}, join(work.path, 'get-summary'));
  expect(got.metadata).toEqual([
    { name: 'to_add', value: '1' },
    { name: 'to_change', value: '0' },
    { name: 'to_destroy', value: '0' },
  ]);
  const applied = await put(source, { terraform_source: 'basic', vars: { greeting: 'x' } }, work.path);
  expect(counts(applied.meta)).toEqual(['1', '0', '0']);
  const changed = await put(source, { terraform_source: 'basic', vars: { greeting: 'y' } }, work.path);
  expect(counts(changed.meta)).toEqual(['0', '1', '0']);
  const destroyed = await put(source, { terraform_source: 'basic', action: 'destroy' }, work.path);
  expect(counts(destroyed.meta)).toEqual(['0', '0', '1']);
});

it("only the put's params.plan_only plans; plan_only wins over action: destroy, as in the reference", async () => {
  const source = s3Source(minio, 'precedence/terraform.tfstate', { env_name: 'precedence', plan_only: true });
  const applied = await put(source, { terraform_source: 'basic' }, work.path);
  expect(applied.code).toBe(0);
  expect(applied.stderr).toContain('warning: source.plan_only has no effect (as in the reference)');
  expect(Object.keys(applied.version).sort()).toEqual(['env_name', 'lineage', 'serial']);
  const planned = await put(
    source,
    { terraform_source: 'basic', plan_only: true, action: 'destroy' },
    work.path,
  );
  expect(planned.code).toBe(0);
  expect(planned.stderr).toContain('warning: params.plan_only wins over params.action: destroy');
  expect(planned.version['plan_only']).toBe('true');
  expect((await check(source)).versions).toEqual([applied.version]);
});

it('plan_run applies a plan the reference stored (plan_content and plan_content_json only)', async () => {
  const key = 'foreign/terraform.tfstate';
  const source = s3Source(minio, key, { env_name: 'foreign' });
  const planned = await put(
    source,
    { terraform_source: 'basic', plan_only: true, vars: { greeting: 'theirs' } },
    work.path,
  );
  expect(planned.code).toBe(0);
  // Rewrite <env>-plan as the reference leaves it: no plan_checksum output.
  await dropPlanChecksum(`env:/foreign-plan/${key}`);
  const ran = await put(source, { terraform_source: 'basic', plan_run: true }, work.path);
  expect(ran.code, ran.stderr).toBe(0);
  expect(ran.meta['greeting']).toBe('theirs');
});

it('imports from import_files once, and leaves them alone afterwards', async () => {
  const source = s3Source(minio, 'imports/terraform.tfstate', { env_name: 'imports' });
  const params = { terraform_source: 'import', import_files: ['import/ids.yml'] };
  const first = await put(source, params, work.path);
  expect(first.code).toBe(0);
  expect(first.stderr).toContain('Import successful!');
  expect(first.meta['id']).toBe('pre-existing-id-17');
  const second = await put(source, params, work.path);
  expect(second.code).toBe(0);
  expect(second.stderr).toContain('terraform_data.existing is already in the state: not importing');
  expect(second.version).toEqual(first.version);
});

it('imports from import_files before a plan too', async () => {
  const source = s3Source(minio, 'plan-imports/terraform.tfstate', { env_name: 'plan-imports' });
  const params = { terraform_source: 'import', import_files: ['import/ids.yml'], plan_only: true };
  const planned = await put(source, params, work.path);
  expect(planned.code, planned.stderr).toBe(0);
  expect(planned.stderr).toContain('Import successful!');
  expect(planned.stderr).toContain('No changes.');
});

it('a second plan replaces the first; plan_run applies it; a destroy forgets a stored plan', async () => {
  const key = 'replans/terraform.tfstate';
  const source = s3Source(minio, key, { env_name: 'replans' });
  const plan = (greeting: string) =>
    put(source, { terraform_source: 'basic', plan_only: true, vars: { greeting } }, work.path);
  const [first, second] = [await plan('first'), await plan('second')];
  expect(first.version['plan_checksum']).not.toBe(second.version['plan_checksum']);
  // the first plan's get writes what is stored now, and says so
  const got = await get(source, first.version, { output_planfile: true }, join(work.path, 'get-replaced'));
  expect(got.code).toBe(0);
  expect(got.stderr).toContain(
    `warning: the stored plan is ${second.version['plan_checksum']?.slice(0, 12)}, not this version's ${first.version['plan_checksum']?.slice(0, 12)}`,
  );
  expect(await readFile(join(work.path, 'get-replaced/plan.json'), 'utf8')).toContain('"second"');
  const ran = await put(source, { terraform_source: 'basic', plan_run: true }, work.path);
  expect(ran.meta['greeting']).toBe('second');

  await plan('third');
  expect(await listKeys(minio, 'env:/replans-plan/')).toEqual([`env:/replans-plan/${key}`]);
  const destroyed = await put(source, { terraform_source: 'basic', action: 'destroy' }, work.path);
  expect(destroyed.code).toBe(0);
  expect(await listKeys(minio, 'env:/replans')).toEqual([]);
});

it('links override_files and module_override_files for the put only', async () => {
  const result = await put(
    s3Source(minio, 'overrides/terraform.tfstate', { env_name: 'overrides' }),
    {
      terraform_source: 'override',
      override_files: ['ops/greeting_override.tf'],
      module_override_files: [{ src: 'ops/child_override.tf', dst: 'override/modules/child' }],
    },
    work.path,
  );
  expect(result.code).toBe(0);
  expect(result.meta['greeting']).toBe('overridden');
  expect(result.meta['child']).toBe('overridden too');
  expect((await readdir(join(work.path, 'override'))).filter((name) => name.endsWith('.tf'))).toEqual([
    'main.tf',
  ]);
  await expect(lstat(join(work.path, 'override/modules/child/child_override.tf'))).rejects.toThrow();
});

describe('workspace: default', () => {
  const key = 'legacy-single/terraform.tfstate';

  it('uses the default workspace (the state at the key itself) and keeps it on destroy', async () => {
    const source = s3Source(minio, key, { workspace: 'default' });
    const applied = await put(source, { terraform_source: 'basic' }, work.path);
    expect(applied.code).toBe(0);
    expect(applied.version['env_name']).toBe('default');
    expect(await listKeys(minio, 'legacy-single/')).toEqual([key]);
    expect(await listKeys(minio, 'env:/default')).toEqual([]);
    expect((await check(source)).versions).toEqual([applied.version]);

    const named = s3Source(minio, key, { workspace: 'default', env_name: 'production' });
    const again = await put(named, { terraform_source: 'basic' }, work.path);
    // same state (lineage); env_name only labels it, and reaches the config as var.env_name
    expect(again.version['env_name']).toBe('production');
    expect(again.version['lineage']).toBe(applied.version['lineage']);
    expect(again.meta['env']).toBe('production');

    const got = await get(named, again.version, {}, join(work.path, 'get-default'));
    expect(got.code).toBe(0);
    expect(await readFile(join(work.path, 'get-default/name'), 'utf8')).toBe('production');

    const destroyed = await put(named, { terraform_source: 'basic', action: 'destroy' }, work.path);
    expect(destroyed.code).toBe(0);
    expect(await listKeys(minio, 'legacy-single/')).toEqual([key]);
    // the default workspace and its (now empty) state stay, so check still reports it
    expect((await check(named)).versions).toEqual([
      {
        env_name: 'production',
        serial: expect.stringMatching(/^\d+$/) as string,
        lineage: again.version['lineage'],
      },
    ]);
  });

  it('refuses generated names, which need a workspace per environment', async () => {
    const source = s3Source(minio, key, { workspace: 'default' });
    const result = await put(source, { terraform_source: 'basic', generate_random_name: true }, work.path);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^error: params\.generate_random_name needs one workspace per environment, but source\.workspace is 'default'$/m,
    );
  });
});
