// The runner's state in SQLite (better-sqlite3, WAL). Every state change is one transaction, so a
// SIGKILL at any point leaves either the old or the new state, never half of one.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { groupName } from './pipeline-ref.js';
import { addedColumns, schemaSql, schemaVersion } from './schema.js';
import { versionSha } from './version-identity.js';

export type BuildStatus = 'pending' | 'started' | 'succeeded' | 'failed' | 'errored' | 'aborted';
export const finishedStatuses: readonly BuildStatus[] = ['succeeded', 'failed', 'errored', 'aborted'];

export type Version = Record<string, string>;
export interface Metadata {
  name: string;
  value: string;
}

export interface VersionRow {
  id: number;
  resourceId: number;
  version: Version;
  metadata: Metadata[];
  checkOrder: number;
  /** False once disabled (fly disable-resource-version): the scheduler skips it, pins may not. */
  enabled: boolean;
}

export interface PipelineRow {
  id: number;
  /** The pipeline's ref: its name, plus `/k:v,...` for an instanced pipeline (see pipeline-ref.ts). */
  name: string;
  config: unknown;
  file: string | null;
  paused: boolean;
  archived: boolean;
  public: boolean;
  instanceVars: Record<string, unknown> | undefined;
  configVersion: number;
  setByBuild: number | null;
  updatedAt: number;
}

export interface SavePipelineOptions {
  /** The file it was read from (`hangar run FILE`). */
  file?: string | undefined;
  /** The build whose set_pipeline step saved it. */
  setByBuild?: number | undefined;
  instanceVars?: Record<string, unknown> | undefined;
  /**
   * A new pipeline starts paused (fly set-pipeline) or not (hangar run, set_pipeline); so does an
   * archived one, which saving unarchives. Any other keeps its paused state.
   */
  pausedIfNew?: boolean;
  /**
   * Refuse the save unless the saved config is still at this version (fly's
   * X-Concourse-Config-Version; 0 for a pipeline fly could not read, new or archived).
   */
  fromVersion?: number | undefined;
}

export interface BuildRow {
  id: number;
  pipelineId: number | null;
  jobId: number | null;
  pipeline: string | null;
  job: string | null;
  name: string;
  status: BuildStatus;
  manual: boolean;
  createdAt: number;
  startTime: number | null;
  endTime: number | null;
  error: string | null;
  /** The build this one reruns (`N.1` reruns N). */
  rerunOf: number | null;
  /** When build_log_retention deleted its events. */
  reapTime: number | null;
}

export interface ResourceRow {
  id: number;
  name: string;
  lastChecked: number | null;
  checkError: string | null;
  pinnedVersionId: number | null;
}

/** The saved config changed since the client read it (Concourse's words). */
export class ConfigVersionConflict extends Error {
  override name = 'ConfigVersionConflict';
  constructor() {
    super('comparison with existing config failed during save');
  }
}

export interface BuildInput {
  name: string;
  resourceId: number;
  versionId: number;
  firstOccurrence: boolean;
}

interface RawVersion {
  id: number;
  resource_id: number;
  version: string;
  metadata: string | null;
  check_order: number;
  disabled: number;
}

interface RawBuild {
  id: number;
  pipeline_id: number | null;
  job_id: number | null;
  pipeline: string | null;
  job: string | null;
  name: string;
  status: BuildStatus;
  manual: number;
  created_at: number;
  start_time: number | null;
  end_time: number | null;
  error: string | null;
  rerun_of: number | null;
  reap_time: number | null;
}

const toVersion = (r: RawVersion): VersionRow => ({
  id: r.id,
  resourceId: r.resource_id,
  version: JSON.parse(r.version) as Version,
  metadata: r.metadata ? (JSON.parse(r.metadata) as Metadata[]) : [],
  checkOrder: r.check_order,
  enabled: r.disabled !== 1,
});

const toBuild = (r: RawBuild): BuildRow => ({
  id: r.id,
  pipelineId: r.pipeline_id,
  jobId: r.job_id,
  pipeline: r.pipeline,
  job: r.job,
  name: r.name,
  status: r.status,
  manual: r.manual === 1,
  createdAt: r.created_at,
  startTime: r.start_time,
  endTime: r.end_time,
  error: r.error,
  rerunOf: r.rerun_of,
  reapTime: r.reap_time,
});

interface RawPipeline {
  id: number;
  name: string;
  config: string;
  file: string | null;
  paused: number;
  archived: number;
  public: number;
  instance_vars: string | null;
  config_version: number;
  set_by_build: number | null;
  updated_at: number;
}

const toPipeline = (r: RawPipeline): PipelineRow => ({
  id: r.id,
  name: r.name,
  config: JSON.parse(r.config) as unknown,
  file: r.file,
  paused: r.paused === 1,
  archived: r.archived === 1,
  public: r.public === 1,
  instanceVars:
    r.instance_vars === null ? undefined : (JSON.parse(r.instance_vars) as Record<string, unknown>),
  configVersion: r.config_version,
  setByBuild: r.set_by_build,
  updatedAt: r.updated_at,
});

const buildSelect = `SELECT b.*, p.name AS pipeline, j.name AS job FROM builds b
  LEFT JOIN pipelines p ON p.id = b.pipeline_id LEFT JOIN jobs j ON j.id = b.job_id`;

export class Store {
  readonly db: Database.Database;
  readonly #statements = new Map<string, Database.Statement>();
  readonly #ids = new Map<string, number>();
  /** succeededBuilds per job, dropped when a build of the job finishes or gains an output. */
  readonly #succeeded = new Map<number, { id: number; versions: Map<number, Set<number>> }[]>();

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    this.db = new Database(join(dir, 'state.db'));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db
      .transaction(() => {
        this.db.exec(schemaSql);
        for (const [table, column, definition] of addedColumns) {
          const columns = this.db.pragma(`table_info(${table})`) as { name: string }[];
          if (!columns.some((c) => c.name === column))
            this.db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${definition}`);
        }
        this.#q('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(
          'schema_version',
          String(schemaVersion),
        );
      })
      .immediate();
  }

  close(): void {
    this.db.close();
  }

  meta(key: string): string | undefined {
    const row = this.#q('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value;
  }

  setMeta(key: string, value: string): void {
    this.#q('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(key, value);
  }

  /** Prepared statements are cached: preparing is most of the cost of a small query. */
  #q(sql: string): Database.Statement {
    let stmt = this.#statements.get(sql);
    if (!stmt) this.#statements.set(sql, (stmt = this.db.prepare(sql)));
    return stmt;
  }

  #now(): number {
    return Date.now();
  }

  // ---- pipelines, resources, jobs ----

  /**
   * Saves a pipeline's config (JSON after static vars) under its ref and makes sure its resources
   * and jobs exist; the config version moves only when the config changed.
   */
  savePipeline(
    name: string,
    config: unknown,
    resources: string[],
    jobs: string[],
    options: SavePipelineOptions = {},
  ): number {
    return this.db.transaction(() => {
      const existing = this.pipeline(name);
      const readable = existing !== undefined && !existing.archived;
      if (options.fromVersion !== undefined && readable && existing.configVersion !== options.fromVersion)
        throw new ConfigVersionConflict();
      const text = JSON.stringify(config);
      this.#q(
        `INSERT INTO pipelines (name, config, file, set_by_build, updated_at, paused, instance_vars)
           VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (name) DO UPDATE SET config = excluded.config, file = COALESCE(excluded.file, file),
             set_by_build = excluded.set_by_build, updated_at = excluded.updated_at,
             paused = CASE WHEN archived = 1 THEN excluded.paused ELSE paused END, archived = 0,
             config_version = config_version + (config IS NOT excluded.config)`,
      ).run(
        name,
        text,
        options.file ?? null,
        options.setByBuild ?? null,
        this.#now(),
        options.pausedIfNew ? 1 : 0,
        options.instanceVars === undefined ? null : JSON.stringify(options.instanceVars),
      );
      const id = (this.#q('SELECT id FROM pipelines WHERE name = ?').get(name) as { id: number }).id;
      const addResource = this.#q('INSERT OR IGNORE INTO resources (pipeline_id, name) VALUES (?, ?)');
      for (const r of resources) addResource.run(id, r);
      const addJob = this.#q('INSERT OR IGNORE INTO jobs (pipeline_id, name) VALUES (?, ?)');
      for (const j of jobs) addJob.run(id, j);
      return id;
    })();
  }

  pipeline(name: string): PipelineRow | undefined {
    const row = this.#q('SELECT * FROM pipelines WHERE name = ?').get(name) as RawPipeline | undefined;
    return row && toPipeline(row);
  }

  pipelineById(id: number): PipelineRow | undefined {
    const row = this.#q('SELECT * FROM pipelines WHERE id = ?').get(id) as RawPipeline | undefined;
    return row && toPipeline(row);
  }

  /**
   * In the team's order: by group (`fly order-pipelines`; a group's first id until it is ordered),
   * then within a group (`fly order-instanced-pipelines`; the order the instances were set in).
   */
  pipelines(): PipelineRow[] {
    const rows = this.#q('SELECT * FROM pipelines').all() as (RawPipeline & {
      ordering: number | null;
      secondary_ordering: number | null;
    })[];
    const groupOrder = new Map<string, number>();
    for (const r of rows) {
      const key = r.ordering ?? r.id;
      const group = groupName(r.name);
      groupOrder.set(group, Math.min(groupOrder.get(group) ?? key, key));
    }
    const within = (r: (typeof rows)[number]): number => r.secondary_ordering ?? Number.MAX_SAFE_INTEGER;
    rows.sort(
      (a, b) =>
        groupOrder.get(groupName(a.name))! - groupOrder.get(groupName(b.name))! ||
        groupName(a.name).localeCompare(groupName(b.name)) ||
        within(a) - within(b) ||
        a.id - b.id,
    );
    return rows.map(toPipeline);
  }

  setPipelinePublic(id: number, on: boolean): void {
    this.#q('UPDATE pipelines SET public = ? WHERE id = ?').run(on ? 1 : 0, id);
  }

  /** Renames a pipeline, or each instance of a group (`old/k:v` becomes `new/k:v`); returns how many. */
  renamePipeline(from: string, to: string): number {
    const rows = this.pipelines().filter((p) => groupName(p.name) === from);
    const update = this.#q('UPDATE pipelines SET name = ? WHERE id = ?');
    this.db.transaction(() => rows.forEach((p) => update.run(to + p.name.slice(from.length), p.id)))();
    return rows.length;
  }

  /**
   * `fly order-pipelines`: puts the named pipelines (instance groups) first, in that order, the
   * others after them as they were; returns the first unknown name, and then changes nothing.
   */
  orderPipelines(names: string[]): string | undefined {
    const rows = this.pipelines();
    const current = rows.map((p) => groupName(p.name));
    const unknown = names.find((name) => !current.includes(name));
    if (unknown !== undefined) return unknown;
    const order = [...new Set([...names, ...current])];
    const update = this.#q('UPDATE pipelines SET ordering = ? WHERE id = ?');
    this.db.transaction(() => rows.forEach((p) => update.run(order.indexOf(groupName(p.name)), p.id)))();
    return undefined;
  }

  /** Puts the instances `refs` of a group first, in that order; returns the first unknown one. */
  orderInstances(refs: string[]): string | undefined {
    const unknown = refs.find((ref) => !this.#q('SELECT 1 FROM pipelines WHERE name = ?').get(ref));
    if (unknown !== undefined) return unknown;
    const update = this.#q('UPDATE pipelines SET secondary_ordering = ? WHERE name = ?');
    this.db.transaction(() => refs.forEach((ref, i) => update.run(i + 1, ref)))();
    return undefined;
  }

  /** Deletes a pipeline with everything recorded for it: resources, versions, jobs, builds, events. */
  destroyPipeline(name: string): boolean {
    const destroyed = this.db.transaction(() => {
      const row = this.#q('SELECT id FROM pipelines WHERE name = ?').get(name) as { id: number } | undefined;
      if (!row) return false;
      const builds = 'SELECT id FROM builds WHERE pipeline_id = ?';
      const resources = 'SELECT id FROM resources WHERE pipeline_id = ?';
      for (const sql of [
        `DELETE FROM events WHERE build_id IN (${builds})`,
        `DELETE FROM build_inputs WHERE build_id IN (${builds})`,
        `DELETE FROM build_outputs WHERE build_id IN (${builds})`,
        'DELETE FROM builds WHERE pipeline_id = ?',
        `DELETE FROM resource_pins WHERE resource_id IN (${resources})`,
        `DELETE FROM versions WHERE resource_id IN (${resources})`,
        'DELETE FROM task_caches WHERE job_id IN (SELECT id FROM jobs WHERE pipeline_id = ?)',
        'DELETE FROM resources WHERE pipeline_id = ?',
        'DELETE FROM jobs WHERE pipeline_id = ?',
        'DELETE FROM pipelines WHERE id = ?',
      ])
        this.#q(sql).run(row.id);
      return true;
    })();
    // SQLite may hand a deleted id out again: no cached id may outlive its row
    if (destroyed) {
      this.#ids.clear();
      this.#succeeded.clear();
    }
    return destroyed;
  }

  /** What a scheduler needs to notice new, changed, paused and archived pipelines cheaply. */
  pipelineStates(): {
    id: number;
    name: string;
    paused: boolean;
    archived: boolean;
    configVersion: number;
  }[] {
    return (
      this.#q('SELECT id, name, paused, archived, config_version FROM pipelines ORDER BY id').all() as {
        id: number;
        name: string;
        paused: number;
        archived: number;
        config_version: number;
      }[]
    ).map((r) => ({
      id: r.id,
      name: r.name,
      paused: r.paused === 1,
      archived: r.archived === 1,
      configVersion: r.config_version,
    }));
  }

  setPipelinePaused(id: number, paused: boolean): void {
    this.#q('UPDATE pipelines SET paused = ? WHERE id = ?').run(paused ? 1 : 0, id);
  }

  /** Archiving pauses too, as in Concourse; unarchiving is setting the pipeline again. */
  setPipelineArchived(id: number, archived: boolean): void {
    this.#q('UPDATE pipelines SET archived = ?, paused = MAX(paused, ?) WHERE id = ?').run(
      archived ? 1 : 0,
      archived ? 1 : 0,
      id,
    );
  }

  /** A set_pipeline step found nothing to change: the build still counts as the one that set it. */
  markPipelineSetBy(name: string, buildId: number): void {
    this.#q('UPDATE pipelines SET set_by_build = ? WHERE name = ?').run(buildId, name);
  }

  /**
   * After a succeeded build of a job: pipelines an earlier build of the job set, and this one did
   * not, are archived (Concourse archives the children a job stops setting). Returns their names.
   */
  archiveUnsetChildren(jobId: number, buildId: number): string[] {
    return this.db.transaction(() => {
      const rows = this.#q(
        `SELECT name FROM pipelines WHERE archived = 0 AND set_by_build IN
           (SELECT id FROM builds WHERE job_id = ? AND id < ?)`,
      ).all(jobId, buildId) as { name: string }[];
      for (const r of rows)
        this.#q('UPDATE pipelines SET archived = 1, paused = 1 WHERE name = ?').run(r.name);
      return rows.map((r) => r.name);
    })();
  }

  setJobPaused(jobId: number, paused: boolean): void {
    this.#q('UPDATE jobs SET paused = ? WHERE id = ?').run(paused ? 1 : 0, jobId);
  }

  jobPaused(jobId: number): boolean {
    const row = this.#q('SELECT paused FROM jobs WHERE id = ?').get(jobId) as { paused: number } | undefined;
    return row?.paused === 1;
  }

  resourceId(pipelineId: number, name: string): number {
    const key = `r:${pipelineId}:${name}`;
    const cached = this.#ids.get(key);
    if (cached !== undefined) return cached;
    const row = this.#q('SELECT id FROM resources WHERE pipeline_id = ? AND name = ?').get(
      pipelineId,
      name,
    ) as { id: number } | undefined;
    if (!row) throw new Error(`unknown resource '${name}'`);
    this.#ids.set(key, row.id);
    return row.id;
  }

  jobId(pipelineId: number, name: string): number {
    const key = `j:${pipelineId}:${name}`;
    const cached = this.#ids.get(key);
    if (cached !== undefined) return cached;
    const row = this.#q('SELECT id FROM jobs WHERE pipeline_id = ? AND name = ?').get(pipelineId, name) as
      { id: number } | undefined;
    if (!row) throw new Error(`unknown job '${name}'`);
    this.#ids.set(key, row.id);
    return row.id;
  }

  setCheckResult(resourceId: number, error: string | null): void {
    this.#q('UPDATE resources SET last_checked = ?, check_error = ? WHERE id = ?').run(
      this.#now(),
      error,
      resourceId,
    );
  }

  resources(pipelineId: number): ResourceRow[] {
    return (
      this.#q(
        `SELECT r.id, r.name, r.last_checked, r.check_error, p.version_id FROM resources r
           LEFT JOIN resource_pins p ON p.resource_id = r.id WHERE r.pipeline_id = ? ORDER BY r.id`,
      ).all(pipelineId) as {
        id: number;
        name: string;
        last_checked: number | null;
        check_error: string | null;
        version_id: number | null;
      }[]
    ).map((r) => ({
      id: r.id,
      name: r.name,
      lastChecked: r.last_checked,
      checkError: r.check_error,
      pinnedVersionId: r.version_id,
    }));
  }

  jobs(pipelineId: number): { id: number; name: string; paused: boolean }[] {
    return (
      this.#q('SELECT id, name, paused FROM jobs WHERE pipeline_id = ? ORDER BY id').all(pipelineId) as {
        id: number;
        name: string;
        paused: number;
      }[]
    ).map((r) => ({ id: r.id, name: r.name, paused: r.paused === 1 }));
  }

  /** A pin set from the UI/API (Concourse's "pinned via UI"); config pins are in the pipeline. */
  pinVersion(resourceId: number, versionId: number): void {
    this.#q('INSERT OR REPLACE INTO resource_pins (resource_id, version_id) VALUES (?, ?)').run(
      resourceId,
      versionId,
    );
  }

  unpinVersion(resourceId: number): void {
    this.#q('DELETE FROM resource_pins WHERE resource_id = ?').run(resourceId);
  }

  pinnedVersionId(resourceId: number): number | undefined {
    const row = this.#q('SELECT version_id FROM resource_pins WHERE resource_id = ?').get(resourceId) as
      { version_id: number } | undefined;
    return row?.version_id;
  }

  lastChecked(resourceId: number): number | null {
    const row = this.#q('SELECT last_checked FROM resources WHERE id = ?').get(resourceId) as
      { last_checked: number | null } | undefined;
    return row?.last_checked ?? null;
  }

  // ---- versions ----

  /**
   * Saves a check result. When at least one version is new, every returned version is moved to
   * the top in the returned order (so the last one is the latest); otherwise nothing changes.
   * Returns how many versions were new.
   */
  saveCheckedVersions(resourceId: number, versions: Version[]): number {
    return this.db.transaction(() => {
      const exists = this.#q('SELECT id FROM versions WHERE resource_id = ? AND sha = ?');
      const shas = versions.map((v) => versionSha(v));
      const fresh = shas.filter((sha) => exists.get(resourceId, sha) === undefined).length;
      if (fresh === 0) return 0;
      let order = this.#maxOrder(resourceId);
      const upsert = this.#q(
        `INSERT INTO versions (resource_id, sha, version, check_order) VALUES (?, ?, ?, ?)
         ON CONFLICT (resource_id, sha) DO UPDATE SET check_order = excluded.check_order`,
      );
      versions.forEach((v, i) => upsert.run(resourceId, shas[i], JSON.stringify(v), ++order));
      return fresh;
    })();
  }

  #maxOrder(resourceId: number): number {
    const row = this.#q('SELECT COALESCE(MAX(check_order), 0) AS m FROM versions WHERE resource_id = ?').get(
      resourceId,
    ) as { m: number };
    return row.m;
  }

  /** A version produced by `out` or fetched by `in`: appended as latest when new; metadata updated. */
  saveVersion(resourceId: number, version: Version, metadata?: Metadata[]): { id: number; isNew: boolean } {
    return this.db.transaction(() => {
      const sha = versionSha(version);
      const found = this.#q('SELECT id FROM versions WHERE resource_id = ? AND sha = ?').get(
        resourceId,
        sha,
      ) as { id: number } | undefined;
      if (found) {
        if (metadata && metadata.length > 0) {
          this.#q('UPDATE versions SET metadata = ? WHERE id = ?').run(JSON.stringify(metadata), found.id);
        }
        return { id: found.id, isNew: false };
      }
      const info = this.#q(
        'INSERT INTO versions (resource_id, sha, version, metadata, check_order) VALUES (?, ?, ?, ?, ?)',
      ).run(
        resourceId,
        sha,
        JSON.stringify(version),
        metadata ? JSON.stringify(metadata) : null,
        this.#maxOrder(resourceId) + 1,
      );
      return { id: Number(info.lastInsertRowid), isNew: true };
    })();
  }

  /** Versions newest (highest check order) first. */
  versions(resourceId: number): VersionRow[] {
    return (
      this.#q('SELECT * FROM versions WHERE resource_id = ? ORDER BY check_order DESC').all(
        resourceId,
      ) as RawVersion[]
    ).map(toVersion);
  }

  latestVersion(resourceId: number): VersionRow | undefined {
    const row = this.#q('SELECT * FROM versions WHERE resource_id = ? ORDER BY check_order DESC LIMIT 1').get(
      resourceId,
    ) as RawVersion | undefined;
    return row && toVersion(row);
  }

  /** fly enable/disable-resource-version. */
  setVersionEnabled(versionId: number, enabled: boolean): void {
    this.#succeeded.clear();
    this.#q('UPDATE versions SET disabled = ? WHERE id = ?').run(enabled ? 0 : 1, versionId);
  }

  version(id: number): VersionRow {
    return toVersion(this.#q('SELECT * FROM versions WHERE id = ?').get(id) as RawVersion);
  }

  /** The latest version containing every key/value of `pin` (a pin may name a subset of keys). */
  pinnedVersion(resourceId: number, pin: Record<string, unknown>): VersionRow | undefined {
    return this.versions(resourceId).find((v) =>
      Object.entries(pin).every(([k, value]) => v.version[k] === String(value)),
    );
  }

  // ---- builds ----

  /**
   * Creates a pending build of a job. Automatic builds are only created when the job has no
   * pending build (returns undefined then).
   */
  createBuild(pipelineId: number, jobId: number, manual: boolean): BuildRow | undefined {
    return this.db.transaction(() => {
      if (!manual) {
        const pending = this.#q("SELECT 1 FROM builds WHERE job_id = ? AND status = 'pending'").get(jobId);
        if (pending) return undefined;
      }
      this.#q('UPDATE jobs SET build_seq = build_seq + 1 WHERE id = ?').run(jobId);
      const { build_seq } = this.#q('SELECT build_seq FROM jobs WHERE id = ?').get(jobId) as {
        build_seq: number;
      };
      const info = this.#q(
        "INSERT INTO builds (pipeline_id, job_id, name, status, manual, created_at) VALUES (?, ?, ?, 'pending', ?, ?)",
      ).run(pipelineId, jobId, String(build_seq), manual ? 1 : 0, this.#now());
      return this.build(Number(info.lastInsertRowid));
    })();
  }

  /**
   * A pending rerun of a build: named `N.k` (k counts the original's reruns), it will run with N's
   * inputs. A rerun of a rerun reruns the original, as in Concourse.
   */
  createRerunBuild(buildId: number): BuildRow {
    return this.db.transaction(() => {
      const build = this.build(buildId);
      const original = build.rerunOf === null ? build : this.build(build.rerunOf);
      const { n } = this.#q(
        'SELECT COALESCE(MAX(rerun_number), 0) + 1 AS n FROM builds WHERE rerun_of = ?',
      ).get(original.id) as { n: number };
      const info = this.#q(
        `INSERT INTO builds (pipeline_id, job_id, name, status, manual, created_at, rerun_of, rerun_number)
           VALUES (?, ?, ?, 'pending', 1, ?, ?, ?)`,
      ).run(original.pipelineId, original.jobId, `${original.name}.${n}`, this.#now(), original.id, n);
      return this.build(Number(info.lastInsertRowid));
    })();
  }

  /** A one-off build (`hangar execute`), started at once; names come from their own sequence. */
  createOneOffBuild(pipelineId: number | null): BuildRow {
    return this.db.transaction(() => {
      const row = this.#q("SELECT value FROM meta WHERE key = 'one_off_seq'").get() as
        { value: string } | undefined;
      const next = Number(row?.value ?? '0') + 1;
      this.#q("INSERT OR REPLACE INTO meta (key, value) VALUES ('one_off_seq', ?)").run(String(next));
      const now = this.#now();
      const info = this.#q(
        "INSERT INTO builds (pipeline_id, job_id, name, status, manual, created_at, start_time) VALUES (?, NULL, ?, 'started', 1, ?, ?)",
      ).run(pipelineId, String(next), now, now);
      return this.build(Number(info.lastInsertRowid));
    })();
  }

  build(id: number): BuildRow {
    const row = this.#q(`${buildSelect} WHERE b.id = ?`).get(id) as RawBuild | undefined;
    if (!row) throw new Error(`build ${id} not found`);
    return toBuild(row);
  }

  builds(
    filter: { pipelineId?: number; jobId?: number; status?: BuildStatus; limit?: number } = {},
  ): BuildRow[] {
    const where: string[] = [];
    const args: (number | string)[] = [];
    const add = (clause: string, value: number | string): void => {
      where.push(clause);
      args.push(value);
    };
    if (filter.pipelineId !== undefined) add('b.pipeline_id = ?', filter.pipelineId);
    if (filter.jobId !== undefined) add('b.job_id = ?', filter.jobId);
    if (filter.status !== undefined) add('b.status = ?', filter.status);
    const sql = `${buildSelect}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY b.id DESC${
      filter.limit ? ` LIMIT ${filter.limit}` : ''
    }`;
    return (this.#q(sql).all(...args) as RawBuild[]).map(toBuild);
  }

  /** Each job's newest finished build. */
  latestFinishedBuilds(): { pipeline: string; job: string; status: BuildStatus }[] {
    return this.#q(
      `SELECT p.name AS pipeline, j.name AS job, b.status AS status FROM builds b
         JOIN jobs j ON j.id = b.job_id JOIN pipelines p ON p.id = b.pipeline_id
         WHERE b.id IN (SELECT MAX(id) FROM builds WHERE job_id IS NOT NULL
           AND status IN ('succeeded', 'failed', 'errored', 'aborted') GROUP BY job_id)`,
    ).all() as { pipeline: string; job: string; status: BuildStatus }[];
  }

  /**
   * Records the resolved inputs and marks the build started, in one transaction. False when the
   * build is no longer pending (another process sharing the state started or aborted it).
   */
  startBuild(buildId: number, inputs: BuildInput[]): boolean {
    return this.db
      .transaction(() => {
        const build = this.build(buildId);
        if (build.status !== 'pending') return false;
        const add = this.#q(
          'INSERT OR REPLACE INTO build_inputs (build_id, job_id, name, resource_id, version_id, first_occurrence) VALUES (?, ?, ?, ?, ?, ?)',
        );
        for (const i of inputs) {
          add.run(buildId, build.jobId ?? 0, i.name, i.resourceId, i.versionId, i.firstOccurrence ? 1 : 0);
        }
        this.#q("UPDATE builds SET status = 'started', start_time = ? WHERE id = ?").run(
          this.#now(),
          buildId,
        );
        return true;
      })
      .immediate();
  }

  finishBuild(buildId: number, status: BuildStatus, error?: string): void {
    this.#succeeded.clear();
    this.#q('UPDATE builds SET status = ?, end_time = ?, error = COALESCE(?, error) WHERE id = ?').run(
      status,
      this.#now(),
      error ?? null,
      buildId,
    );
  }

  /** Marks builds left `started` by a previous process errored; returns them. */
  interruptStartedBuilds(message: string): BuildRow[] {
    return this.db.transaction(() => {
      const rows = this.builds({ status: 'started' });
      const mark = this.#q("UPDATE builds SET status = 'errored', end_time = ?, error = ? WHERE id = ?");
      for (const b of rows) mark.run(this.#now(), message, b.id);
      return rows;
    })();
  }

  buildInputs(buildId: number): BuildInput[] {
    return (
      this.#q(
        'SELECT name, resource_id, version_id, first_occurrence FROM build_inputs WHERE build_id = ?',
      ).all(buildId) as { name: string; resource_id: number; version_id: number; first_occurrence: number }[]
    ).map((r) => ({
      name: r.name,
      resourceId: r.resource_id,
      versionId: r.version_id,
      firstOccurrence: r.first_occurrence === 1,
    }));
  }

  addBuildOutput(buildId: number, resourceId: number, versionId: number): void {
    this.#succeeded.clear();
    this.#q('INSERT OR IGNORE INTO build_outputs (build_id, resource_id, version_id) VALUES (?, ?, ?)').run(
      buildId,
      resourceId,
      versionId,
    );
  }

  buildOutputs(buildId: number): { resourceId: number; versionId: number }[] {
    return (
      this.#q('SELECT resource_id, version_id FROM build_outputs WHERE build_id = ?').all(buildId) as {
        resource_id: number;
        version_id: number;
      }[]
    ).map((r) => ({ resourceId: r.resource_id, versionId: r.version_id }));
  }

  /** Succeeded builds of a job, newest first, each with the versions it vouches for (inputs ∪ outputs). */
  succeededBuilds(jobId: number): { id: number; versions: Map<number, Set<number>> }[] {
    const cached = this.#succeeded.get(jobId);
    if (cached) return cached;
    const rows = this.#q(
      `SELECT b.id AS id, x.resource_id AS resource_id, x.version_id AS version_id FROM builds b
         JOIN (SELECT build_id, resource_id, version_id FROM build_inputs
               UNION SELECT build_id, resource_id, version_id FROM build_outputs) x ON x.build_id = b.id
         WHERE b.job_id = ? AND b.status = 'succeeded' ORDER BY COALESCE(b.rerun_of, b.id) DESC, b.id DESC`,
    ).all(jobId) as { id: number; resource_id: number; version_id: number }[];
    const out: { id: number; versions: Map<number, Set<number>> }[] = [];
    for (const r of rows) {
      let last = out[out.length - 1];
      if (!last || last.id !== r.id) {
        last = { id: r.id, versions: new Map() };
        out.push(last);
      }
      let set = last.versions.get(r.resource_id);
      if (!set) last.versions.set(r.resource_id, (set = new Set()));
      set.add(r.version_id);
    }
    this.#succeeded.set(jobId, out);
    return out;
  }

  /** True when `versionId` was already an input named `name` of some build of the job. */
  wasUsed(jobId: number, name: string, versionId: number): boolean {
    return (
      this.#q('SELECT 1 FROM build_inputs WHERE job_id = ? AND name = ? AND version_id = ? LIMIT 1').get(
        jobId,
        name,
        versionId,
      ) !== undefined
    );
  }

  /** The newest (by check order) version the job ever used for input `name`. */
  newestUsed(jobId: number, name: string): VersionRow | undefined {
    const row = this.#q(
      `SELECT v.* FROM build_inputs i JOIN versions v ON v.id = i.version_id
         WHERE i.job_id = ? AND i.name = ? ORDER BY v.check_order DESC LIMIT 1`,
    ).get(jobId, name) as RawVersion | undefined;
    return row && toVersion(row);
  }

  // ---- events ----

  appendEvent(buildId: number, seq: number, payload: unknown): void {
    this.#q('INSERT INTO events (build_id, seq, payload) VALUES (?, ?, ?)').run(
      buildId,
      seq,
      JSON.stringify(payload),
    );
  }

  events(buildId: number): unknown[] {
    return (
      this.#q('SELECT payload FROM events WHERE build_id = ? ORDER BY seq').all(buildId) as {
        payload: string;
      }[]
    ).map((r) => JSON.parse(r.payload) as unknown);
  }

  /**
   * Events after `afterSeq` as server-sent-event frames (`id: <seq>`, `event: event`, `data:
   * <stored JSON>`), joined by SQLite into one Buffer per page: no JavaScript string per event,
   * which is most of the cost of streaming a long log. Undefined when there are none.
   */
  eventFrames(
    buildId: number,
    afterSeq: number,
    limit: number,
  ): { last: number; frames: Buffer } | undefined {
    const row = this.#q(
      `SELECT MAX(seq) AS last, CAST(group_concat(
           'id: ' || seq || char(10) || 'event: event' || char(10) || 'data: ' || payload || char(10) || char(10),
           '' ORDER BY seq) AS BLOB) AS frames
         FROM (SELECT seq, payload FROM events WHERE build_id = ? AND seq > ? ORDER BY seq LIMIT ?)`,
    ).get(buildId, afterSeq, limit) as { last: number | null; frames: Buffer | null };
    return row.last === null || row.frames === null ? undefined : { last: row.last, frames: row.frames };
  }

  /** build_log_retention: deletes the builds' events and marks them reaped, in one transaction. */
  reapBuildEvents(buildIds: readonly number[]): void {
    this.db.transaction(() => {
      const drop = this.#q('DELETE FROM events WHERE build_id = ?');
      const mark = this.#q('UPDATE builds SET reap_time = ? WHERE id = ?');
      for (const id of buildIds) {
        drop.run(id);
        mark.run(this.#now(), id);
      }
    })();
  }

  nextEventSeq(buildId: number): number {
    const row = this.#q('SELECT COALESCE(MAX(seq), 0) AS m FROM events WHERE build_id = ?').get(buildId) as {
      m: number;
    };
    return row.m + 1;
  }

  // ---- caches ----

  resourceCache(key: string): { dir: string; version: Version; metadata: Metadata[] } | undefined {
    const row = this.#q('SELECT dir, version, metadata FROM resource_caches WHERE key = ?').get(key) as
      { dir: string; version: string; metadata: string } | undefined;
    return (
      row && {
        dir: row.dir,
        version: JSON.parse(row.version) as Version,
        metadata: JSON.parse(row.metadata) as Metadata[],
      }
    );
  }

  saveResourceCache(key: string, dir: string, version: Version, metadata: Metadata[]): void {
    this.#q(
      'INSERT OR REPLACE INTO resource_caches (key, dir, version, metadata, created_at) VALUES (?, ?, ?, ?, ?)',
    ).run(key, dir, JSON.stringify(version), JSON.stringify(metadata), this.#now());
  }

  saveTaskCache(jobId: number, step: string, path: string, dir: string): void {
    this.#q(
      'INSERT OR REPLACE INTO task_caches (job_id, step, path, dir, updated_at) VALUES (?, ?, ?, ?, ?)',
    ).run(jobId, step, path, dir, this.#now());
  }
}
