// A state file written before `hangar serve` scheduled (schema version 1) opens unchanged: the
// columns added since appear with their defaults, rows and ids are kept.
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { schemaSql } from '../../src/store/schema.js';
import { pipelineRef } from '../../src/store/pipeline-ref.js';
import { Store } from '../../src/store/store.js';

describe('the state database', () => {
  it('opens a version 1 state file and adds the new columns in place', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hangar-migrate-'));
    const old = new Database(join(dir, 'state.db'));
    old.exec(schemaSql);
    old.exec(`INSERT INTO meta VALUES ('schema_version', '1');
      INSERT INTO pipelines (id, name, config, updated_at) VALUES (7, 'p', '{"jobs":[]}', 0);
      INSERT INTO resources (id, pipeline_id, name) VALUES (3, 7, 'r');
      INSERT INTO versions (id, resource_id, sha, version, check_order) VALUES (5, 3, 'x', '{"n":"1"}', 1);
      INSERT INTO jobs (id, pipeline_id, name, build_seq) VALUES (2, 7, 'j', 1);
      INSERT INTO builds (id, pipeline_id, job_id, name, status, created_at) VALUES (9, 7, 2, '1', 'succeeded', 0);`);
    old.close();

    const store = new Store(dir);
    expect(store.pipeline('p')).toMatchObject({ id: 7, paused: false, archived: false, configVersion: 1 });
    expect(store.jobs(7)).toEqual([{ id: 2, name: 'j', paused: false }]);
    expect(store.version(5)).toMatchObject({ version: { n: '1' }, enabled: true });
    expect(store.build(9)).toMatchObject({ name: '1', rerunOf: null, reapTime: null });
    expect(store.db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").pluck().get()).toBe('2');
    // a second open finds nothing to add
    store.close();
    const again = new Store(dir);
    expect(again.pipeline('p')?.id).toBe(7);
    again.close();
  });

  it('bumps the config version only when the config changes', () => {
    const store = new Store(mkdtempSync(join(tmpdir(), 'hangar-version-')));
    store.savePipeline('p', { jobs: [1] }, [], []);
    store.savePipeline('p', { jobs: [1] }, [], []);
    expect(store.pipeline('p')?.configVersion).toBe(1);
    store.savePipeline('p', { jobs: [2] }, [], []);
    expect(store.pipeline('p')?.configVersion).toBe(2);
    store.close();
  });

  it("names instanced pipelines by fly's ref", () => {
    expect(pipelineRef('p', undefined)).toBe('p');
    expect(pipelineRef('p', { branch: 'main', pr: 12, nested: { a: 'x y', b: true } })).toBe(
      'p/branch:main,nested.a:"x y",nested.b:true,pr:12',
    );
  });
});
