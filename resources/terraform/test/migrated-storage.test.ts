// migrated_from_storage: environments still in the legacy storage are read from it, and move into
// the backend on their first put (real tofu, real MinIO).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Version } from '@hangar/resource-sdk';
import { startMinio, tempDir, type MinioServer, type TempDir } from '@hangar/testkit';
import {
  BASIC_MAIN_TF,
  check,
  get,
  listKeys,
  put,
  readKey,
  s3Source,
  storageModel,
  writeFiles,
} from './harness.js';

let minio: MinioServer;
let work: TempDir;
let legacyLineage: string;

const source = () =>
  s3Source(minio, 'migrated/terraform.tfstate', {
    env_name: 'moving',
    migrated_from_storage: storageModel(minio, 'old'),
  });

beforeAll(async () => {
  [minio, work] = await Promise.all([startMinio(), tempDir('hangar-terraform-migrated-')]);
  await writeFiles(work.path, {
    'basic/main.tf': BASIC_MAIN_TF,
    'ops/greeting_override.tf': 'variable "greeting" {\n  default = "overridden"\n}\n',
    'failing/main.tf': `${BASIC_MAIN_TF}
resource "terraform_data" "broken" {
  provisioner "local-exec" {
    command = "exit 3"
  }
}
`,
  });
  // The environment as the storage mode left it.
  const legacy = await put(
    { storage: storageModel(minio, 'old') },
    { env_name: 'moving', terraform_source: 'basic' },
    work.path,
  );
  expect(legacy.code).toBe(0);
  legacyLineage = (JSON.parse((await readKey(minio, 'old/moving.tfstate')) ?? '{}') as { lineage: string })
    .lineage;
});
afterAll(async () => {
  await minio?.stop();
  await work?.remove();
});

it('check and get read an environment that is still only in the storage', async () => {
  const checked = await check(source());
  expect(checked.code).toBe(0);
  expect(checked.versions).toHaveLength(1);
  const [version] = checked.versions;
  expect(version).toMatchObject({ env_name: 'moving', serial: '' });
  expect(version?.['last_modified']).toBeTruthy();

  const dir = join(work.path, 'get-legacy');
  const got = await get(source(), version ?? {}, {}, dir);
  expect(got.code).toBe(0);
  expect(got.version).toEqual(version);
  expect(got.meta).toMatchObject({ greeting: 'hello', env: 'moving' });
  expect(JSON.parse(await readFile(join(dir, 'metadata'), 'utf8'))).toMatchObject({ greeting: 'hello' });
});

it('the first put moves <env>.tfstate into the workspace, keeping <env>.tfstate.migrated', async () => {
  const moved = await put(source(), { terraform_source: 'basic' }, work.path);
  expect(moved.code).toBe(0);
  expect(moved.stderr).toMatch(
    /moved the state of environment 'moving' from s3:\/\/[^ ]+\/old\/moving\.tfstate/,
  );
  // The resources came along: nothing is created again.
  expect(moved.stderr).toContain('0 added, 0 changed, 0 destroyed');
  expect(moved.version).toMatchObject({ env_name: 'moving', lineage: legacyLineage });
  expect(await listKeys(minio, 'old')).toEqual(['old/moving.tfstate.migrated']);
  expect(await listKeys(minio, 'env:/moving/')).toEqual(['env:/moving/migrated/terraform.tfstate']);

  const checked = await check(source());
  expect(checked.versions).toEqual([moved.version]);
});

it('a destroy of an environment still in the storage destroys its resources and deletes its state file', async () => {
  const storage = { storage: storageModel(minio, 'old') };
  expect((await put(storage, { env_name: 'leaving', terraform_source: 'basic' }, work.path)).code).toBe(0);
  const destroyed = await put(
    { ...source(), env_name: 'leaving' },
    { terraform_source: 'basic', action: 'destroy' },
    work.path,
  );
  expect(destroyed.code).toBe(0);
  expect(destroyed.stderr).toContain('Destroy complete! Resources: 1 destroyed.');
  expect(destroyed.version).toEqual({ env_name: 'leaving', serial: '' });
  expect(await listKeys(minio, 'old/leaving')).toEqual([]);
  expect(await listKeys(minio, 'env:/leaving/')).toEqual([]);
});

/** A backend (state key `<prefix>/terraform.tfstate`) migrated from the storage under `<prefix>-old`. */
const migrated = (prefix: string, extra: Record<string, unknown> = {}) =>
  s3Source(minio, `${prefix}/terraform.tfstate`, {
    migrated_from_storage: storageModel(minio, `${prefix}-old`),
    ...extra,
  });
/** Puts an environment into the legacy storage under `<prefix>-old`, as the storage mode would. */
const putLegacy = (prefix: string, envName: string, terraformSource = 'basic') =>
  put(
    { storage: storageModel(minio, `${prefix}-old`) },
    { env_name: envName, terraform_source: terraformSource },
    work.path,
  );
const lineageOf = async (key: string) =>
  (JSON.parse((await readKey(minio, key)) ?? '{}') as { lineage?: string }).lineage;

describe('check when the backend and the storage both hold states', () => {
  let inBackend: Version;
  let inStorage: Version;
  beforeAll(async () => {
    const applied = await put(
      s3Source(minio, 'both/terraform.tfstate', { env_name: 'current' }),
      { terraform_source: 'basic' },
      work.path,
    );
    expect(applied.code).toBe(0);
    inBackend = applied.version;
    // Written later, so the storage holds the newest state file of all.
    const legacy = await putLegacy('both', 'older');
    expect(legacy.code).toBe(0);
    inStorage = legacy.version;
  });

  it("with source.env_name in the backend: the backend's version, not the storage's newer one", async () => {
    const source = migrated('both', { env_name: 'current' });
    expect((await check(source)).versions).toEqual([inBackend]);
    expect((await check(source, inBackend)).versions).toEqual([inBackend]);
  });

  it('without source.env_name: nothing unless a version is given; a given version of either kind is answered', async () => {
    expect((await check(migrated('both'))).versions).toEqual([]);
    expect((await check(migrated('both'), inBackend)).versions).toEqual([inBackend]);
    expect((await check(migrated('both'), inStorage)).versions).toEqual([inStorage]);
  });
});

it('an environment in the storage moves to the backend even when the apply then fails', async () => {
  expect((await putLegacy('fail', 'fragile')).code).toBe(0);
  const lineage = await lineageOf('fail-old/fragile.tfstate');
  const failed = await put(
    migrated('fail', { env_name: 'fragile' }),
    { terraform_source: 'failing' },
    work.path,
  );
  expect(failed.code).toBe(1);
  expect(failed.stderr).toMatch(/moved the state of environment 'fragile'/);
  expect(await listKeys(minio, 'fail-old/')).toEqual(['fail-old/fragile.tfstate.migrated']);
  expect(await lineageOf('env:/fragile/fail/terraform.tfstate')).toBe(lineage);
});

it('a destroy of an environment a failed put left tainted in the storage destroys it from there', async () => {
  expect((await putLegacy('tainted', 'shaky', 'failing')).code).toBe(1);
  expect(await listKeys(minio, 'tainted-old/')).toEqual(['tainted-old/shaky.tfstate.tainted']);
  const destroyed = await put(
    migrated('tainted', { env_name: 'shaky' }),
    { terraform_source: 'failing', action: 'destroy' },
    work.path,
  );
  expect(destroyed.code).toBe(0);
  expect(destroyed.stderr).toContain('Destroy complete! Resources: 2 destroyed.');
  expect(await listKeys(minio, 'tainted-old/')).toEqual([]);
  expect(await listKeys(minio, 'env:/shaky/')).toEqual([]);
});

it('plan_only moves a storage environment into the backend and plans against its state; plan_run applies that plan', async () => {
  expect((await putLegacy('plans', 'planned')).code).toBe(0);
  const lineage = await lineageOf('plans-old/planned.tfstate');
  const source = migrated('plans', { env_name: 'planned' });
  const planned = await put(
    source,
    { terraform_source: 'basic', plan_only: true, vars: { greeting: 'later' } },
    work.path,
  );
  expect(planned.code).toBe(0);
  expect(planned.version).toMatchObject({ env_name: 'planned', plan_only: 'true' });
  expect(planned.stderr).toContain('0 to add, 1 to change, 0 to destroy');
  expect(await listKeys(minio, 'plans-old/')).toEqual(['plans-old/planned.tfstate.migrated']);

  const applied = await put(source, { terraform_source: 'basic', plan_run: true }, work.path);
  expect(applied.code).toBe(0);
  expect(applied.meta['greeting']).toBe('later');
  expect(applied.stderr).toContain('0 added, 1 changed, 0 destroyed');
  expect(applied.version).toMatchObject({ env_name: 'planned', lineage });

  // A plan left behind goes with the environment on destroy.
  expect((await put(source, { terraform_source: 'basic', plan_only: true }, work.path)).code).toBe(0);
  expect(await listKeys(minio, 'env:/planned-plan/')).toHaveLength(1);
  expect((await put(source, { terraform_source: 'basic', action: 'destroy' }, work.path)).code).toBe(0);
  expect(await listKeys(minio, 'env:/planned')).toEqual([]);
});

it('override_files apply to an environment moved from the storage', async () => {
  expect((await putLegacy('overrides', 'tuned')).code).toBe(0);
  const applied = await put(
    migrated('overrides', { env_name: 'tuned' }),
    { terraform_source: 'basic', override_files: ['ops/greeting_override.tf'] },
    work.path,
  );
  expect(applied.code).toBe(0);
  expect(applied.stderr).toMatch(/moved the state of environment 'tuned'/);
  expect(applied.stderr).toContain('0 added, 1 changed, 0 destroyed');
  expect(applied.meta['greeting']).toBe('overridden');
});
