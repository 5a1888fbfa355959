// The backend is generic: the reference's GCS test (#21 TF58) as a second backend, pg, on a real
// PostgreSQL. Apply, check, get, a plan and its run, destroy: the states are rows of the pg backend.
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  postgresBin,
  runCommand,
  startPostgres,
  tempDir,
  type PostgresServer,
  type TempDir,
} from '@hangar/testkit';
import { BASIC_MAIN_TF, check, get, put, writeFiles } from './harness.js';

let postgres: PostgresServer;
let work: TempDir;
beforeAll(async () => {
  [postgres, work] = await Promise.all([startPostgres(), tempDir('hangar-terraform-pg-')]);
  await writeFiles(work.path, { 'basic/main.tf': BASIC_MAIN_TF });
});
afterAll(async () => {
  await postgres?.stop();
  await work?.remove();
});

/** The workspaces the pg backend holds (one row per state). */
async function storedWorkspaces(): Promise<string[]> {
  const sql = 'select name from terraform_states.states order by name';
  const { stdout } = await runCommand(join(postgresBin(), 'psql'), [postgres.url, '-Atc', sql]);
  return stdout.split('\n').filter(Boolean);
}

it('keeps environments as workspaces of the pg backend, from first apply to destroy', async () => {
  const source = {
    backend_type: 'pg',
    backend_config: { conn_str: postgres.url, schema_name: 'terraform_states' },
    env_name: 'pg-env',
  };
  const applied = await put(source, { terraform_source: 'basic', vars: { greeting: 'from-pg' } }, work.path);
  expect(applied.code, applied.stderr).toBe(0);
  expect(applied.version).toEqual({
    env_name: 'pg-env',
    serial: expect.stringMatching(/^\d+$/) as string,
    lineage: expect.stringMatching(/^[0-9a-f-]{36}$/) as string,
  });
  expect(applied.meta['greeting']).toBe('from-pg');
  expect(await storedWorkspaces()).toEqual(['pg-env']);

  expect((await check(source)).versions).toEqual([applied.version]);
  const got = await get(source, applied.version, {}, join(work.path, 'get'));
  expect(got.code, got.stderr).toBe(0);
  expect(got.meta['greeting']).toBe('from-pg');

  const planned = await put(source, { terraform_source: 'basic', plan_only: true }, work.path);
  expect(planned.code, planned.stderr).toBe(0);
  expect(await storedWorkspaces()).toEqual(['pg-env', 'pg-env-plan']);
  const ran = await put(source, { terraform_source: 'basic', plan_run: true }, work.path);
  expect(ran.code, ran.stderr).toBe(0);
  expect(ran.meta['greeting']).toBe('hello');
  expect(await storedWorkspaces()).toEqual(['pg-env']);

  const destroyed = await put(source, { terraform_source: 'basic', action: 'destroy' }, work.path);
  expect(destroyed.code, destroyed.stderr).toBe(0);
  expect(destroyed.version).toEqual({ env_name: 'pg-env', serial: '' });
  expect(await storedWorkspaces()).toEqual([]);
  expect((await check(source)).versions).toEqual([]);
});
