// The state database's tables. Version ids, build ids and check order are Concourse's notions;
// secrets never reach these tables (events are redacted before they are stored).
export const schemaVersion = 2;

export const schemaSql = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS pipelines (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  config TEXT NOT NULL,
  file TEXT,
  set_by_build INTEGER,
  updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS auth_tokens (
  hash TEXT PRIMARY KEY,
  user TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS resources (
  id INTEGER PRIMARY KEY,
  pipeline_id INTEGER NOT NULL REFERENCES pipelines(id),
  name TEXT NOT NULL,
  last_checked INTEGER,
  check_error TEXT,
  UNIQUE (pipeline_id, name)
);
CREATE TABLE IF NOT EXISTS versions (
  id INTEGER PRIMARY KEY,
  resource_id INTEGER NOT NULL REFERENCES resources(id),
  sha TEXT NOT NULL,
  version TEXT NOT NULL,
  metadata TEXT,
  check_order INTEGER NOT NULL,
  UNIQUE (resource_id, sha)
);
CREATE INDEX IF NOT EXISTS versions_order ON versions (resource_id, check_order);
CREATE TABLE IF NOT EXISTS jobs (
  id INTEGER PRIMARY KEY,
  pipeline_id INTEGER NOT NULL REFERENCES pipelines(id),
  name TEXT NOT NULL,
  build_seq INTEGER NOT NULL DEFAULT 0,
  UNIQUE (pipeline_id, name)
);
CREATE TABLE IF NOT EXISTS builds (
  id INTEGER PRIMARY KEY,
  pipeline_id INTEGER,
  job_id INTEGER,
  name TEXT NOT NULL,
  status TEXT NOT NULL,
  manual INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  start_time INTEGER,
  end_time INTEGER,
  error TEXT
);
CREATE INDEX IF NOT EXISTS builds_job ON builds (job_id, status);
CREATE TABLE IF NOT EXISTS build_inputs (
  build_id INTEGER NOT NULL REFERENCES builds(id),
  job_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  resource_id INTEGER NOT NULL,
  version_id INTEGER NOT NULL,
  first_occurrence INTEGER NOT NULL,
  PRIMARY KEY (build_id, name)
);
CREATE INDEX IF NOT EXISTS build_inputs_use ON build_inputs (job_id, name, version_id);
CREATE TABLE IF NOT EXISTS build_outputs (
  build_id INTEGER NOT NULL REFERENCES builds(id),
  resource_id INTEGER NOT NULL,
  version_id INTEGER NOT NULL,
  PRIMARY KEY (build_id, resource_id, version_id)
);
CREATE TABLE IF NOT EXISTS events (
  build_id INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  payload TEXT NOT NULL,
  PRIMARY KEY (build_id, seq)
);
CREATE TABLE IF NOT EXISTS resource_pins (
  resource_id INTEGER PRIMARY KEY REFERENCES resources(id),
  version_id INTEGER NOT NULL REFERENCES versions(id)
);
CREATE TABLE IF NOT EXISTS task_caches (
  job_id INTEGER NOT NULL,
  step TEXT NOT NULL,
  path TEXT NOT NULL,
  dir TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (job_id, step, path)
);
CREATE TABLE IF NOT EXISTS resource_caches (
  key TEXT PRIMARY KEY,
  dir TEXT NOT NULL,
  version TEXT NOT NULL,
  metadata TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
-- what fly's commands keep: pin comments, which one-off builds are resource checks, and the
-- artifacts fly execute uploads and downloads
CREATE TABLE IF NOT EXISTS pin_comments (resource_id INTEGER PRIMARY KEY, comment TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS check_builds (build_id INTEGER PRIMARY KEY);
CREATE TABLE IF NOT EXISTS artifacts (
  id INTEGER PRIMARY KEY, build_id INTEGER, name TEXT NOT NULL, created_at INTEGER NOT NULL
);
`;

/**
 * Columns added after version 1, as [table, column, definition]. The store adds each one that a
 * table lacks (ALTER TABLE ADD COLUMN), so a state file of any earlier version opens unchanged and
 * fresh ones get the same shape by the same path.
 */
export const addedColumns: readonly [string, string, string][] = [
  // version 2: `hangar serve` schedules every pipeline
  ['pipelines', 'paused', 'INTEGER NOT NULL DEFAULT 0'],
  ['pipelines', 'archived', 'INTEGER NOT NULL DEFAULT 0'],
  ['pipelines', 'public', 'INTEGER NOT NULL DEFAULT 0'],
  /** JSON of an instanced pipeline's instance vars; `name` then holds the ref `name/k:v,...`. */
  ['pipelines', 'instance_vars', 'TEXT'],
  /** Bumped whenever the config changes: schedulers reload, fly's config version header. */
  ['pipelines', 'config_version', 'INTEGER NOT NULL DEFAULT 1'],
  /** `fly order-pipelines`: the team's order (a pipeline's id until it is ordered). */
  ['pipelines', 'ordering', 'INTEGER'],
  /** `fly order-instanced-pipelines`: the order within an instance group (else the order set in). */
  ['pipelines', 'secondary_ordering', 'INTEGER'],
  ['jobs', 'paused', 'INTEGER NOT NULL DEFAULT 0'],
  ['versions', 'disabled', 'INTEGER NOT NULL DEFAULT 0'],
  /** A rerun's original build (never itself a rerun) and its rank among the original's reruns. */
  ['builds', 'rerun_of', 'INTEGER'],
  ['builds', 'rerun_number', 'INTEGER'],
  /** Set when build_log_retention deleted the build's events (Concourse's reap_time). */
  ['builds', 'reap_time', 'INTEGER'],
];
