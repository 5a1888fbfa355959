// migrated_from_storage: environments still in the legacy storage are read from it, and move into
// the backend on their first put (real tofu, real MinIO).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
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
  await writeFiles(work.path, { 'basic/main.tf': BASIC_MAIN_TF });
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
