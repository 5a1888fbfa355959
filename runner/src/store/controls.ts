// What fly's commands keep beside the pipeline state: pin comments, which one-off builds are
// resource checks (`fly check-resource` streams one), the artifacts `fly execute` uploads and
// downloads, and clearing task caches.
// Their tables are in schema.ts.
import { join } from 'node:path';
import type { Store } from './store.js';

/** An empty comment removes it. */
export function setPinComment(store: Store, resourceId: number, comment: string): void {
  if (comment === '') store.db.prepare('DELETE FROM pin_comments WHERE resource_id = ?').run(resourceId);
  else
    store.db
      .prepare('INSERT OR REPLACE INTO pin_comments (resource_id, comment) VALUES (?, ?)')
      .run(resourceId, comment);
}

export function pinComment(store: Store, resourceId: number): string | undefined {
  const row = store.db.prepare('SELECT comment FROM pin_comments WHERE resource_id = ?').get(resourceId) as
    { comment: string } | undefined;
  return row?.comment;
}

export function markCheckBuild(store: Store, buildId: number): void {
  store.db.prepare('INSERT OR IGNORE INTO check_builds (build_id) VALUES (?)').run(buildId);
}

/** Every check build's id, to leave them out of build lists (Concourse lists no check builds). */
export function checkBuildIds(store: Store): Set<number> {
  const rows = store.db.prepare('SELECT build_id FROM check_builds').all() as { build_id: number }[];
  return new Set(rows.map((r) => r.build_id));
}

/** Forgets a task step's caches (one `path`, or all when empty); returns their directories. */
export function clearTaskCaches(store: Store, jobId: number, step: string, path: string): string[] {
  return store.db.transaction(() => {
    const rows = store.db
      .prepare('SELECT path, dir FROM task_caches WHERE job_id = ? AND step = ?')
      .all(jobId, step) as { path: string; dir: string }[];
    const removed = rows.filter((r) => path === '' || r.path === path);
    const forget = store.db.prepare('DELETE FROM task_caches WHERE job_id = ? AND step = ? AND path = ?');
    for (const r of removed) forget.run(jobId, step, r.path);
    return removed.map((r) => r.dir);
  })();
}

export interface ArtifactRow {
  id: number;
  buildId: number | null;
  name: string;
  createdAt: number;
  /** Where its files are: `<state>/artifacts/<id>`. */
  dir: string;
}

const artifactDir = (store: Store, id: number): string => join(store.dir, 'artifacts', String(id));

function toArtifact(
  store: Store,
  r: { id: number; build_id: number | null; name: string; created_at: number },
) {
  return {
    id: r.id,
    buildId: r.build_id,
    name: r.name,
    createdAt: r.created_at,
    dir: artifactDir(store, r.id),
  };
}

/** A new artifact: an upload (no build) or an output of a build. Its directory is the caller's to fill. */
export function createArtifact(store: Store, buildId: number | null, name: string): ArtifactRow {
  const info = store.db
    .prepare('INSERT INTO artifacts (build_id, name, created_at) VALUES (?, ?, ?)')
    .run(buildId, name, Date.now());
  return artifact(store, Number(info.lastInsertRowid))!;
}

export function artifact(store: Store, id: number): ArtifactRow | undefined {
  const row = store.db.prepare('SELECT * FROM artifacts WHERE id = ?').get(id) as
    Parameters<typeof toArtifact>[1] | undefined;
  return row && toArtifact(store, row);
}

export function buildArtifacts(store: Store, buildId: number): ArtifactRow[] {
  const rows = store.db
    .prepare('SELECT * FROM artifacts WHERE build_id = ? ORDER BY id')
    .all(buildId) as Parameters<typeof toArtifact>[1][];
  return rows.map((r) => toArtifact(store, r));
}

/** Forgets the artifacts with these ids, or every one made before `before` (ms); returns them. */
export function forgetArtifacts(store: Store, which: { ids: number[] } | { before: number }): ArtifactRow[] {
  return store.db.transaction(() => {
    const rows = (
      'ids' in which
        ? which.ids.map((id) => store.db.prepare('SELECT * FROM artifacts WHERE id = ?').get(id))
        : store.db.prepare('SELECT * FROM artifacts WHERE created_at < ?').all(which.before)
    ).filter((r) => r !== undefined) as Parameters<typeof toArtifact>[1][];
    const drop = store.db.prepare('DELETE FROM artifacts WHERE id = ?');
    for (const r of rows) drop.run(r.id);
    return rows.map((r) => toArtifact(store, r));
  })();
}
