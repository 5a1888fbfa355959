// The state directory: a file written before `hangar serve` scheduled (schema version 1) opens
// unchanged, the columns added since appearing with their defaults; builds left running are
// errored only when the process that ran them is gone.
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openState } from '../../src/engine/state.js';
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

  it('errors the builds a dead process left running, not those of a live one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hangar-claim-'));
    const first = openState(dir, { claim: true }).store;
    const p = first.savePipeline('p', {}, [], ['j']);
    const build = first.createBuild(p, first.jobId(p, 'j'), true)!;
    first.startBuild(build.id, []);
    // another live process (our parent) holds the state: its build is running, not interrupted
    expect(first.meta('runner_pid')).toBe(String(process.pid));
    first.setMeta('runner_pid', String(process.ppid));
    first.close();
    const second = openState(dir);
    expect(second.interrupted).toBe(0);
    expect(second.store.build(build.id).status).toBe('started');
    second.store.setMeta('runner_pid', String(spawnSync(process.execPath, ['-e', '0']).pid));
    second.store.close();
    // a reader errors them but does not claim the state; a command running builds does
    const third = openState(dir);
    expect(third.interrupted).toBe(1);
    expect(third.store.build(build.id).status).toBe('errored');
    expect(third.store.meta('runner_pid')).not.toBe(String(process.pid));
    third.store.close();
    const fourth = openState(dir, { claim: true }).store;
    expect(fourth.meta('runner_pid')).toBe(String(process.pid));
    fourth.close();
  });
});
