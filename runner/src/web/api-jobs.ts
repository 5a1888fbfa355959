// fly's job and build commands beyond the basics in api.ts: pause-job/unpause-job, rerun-build,
// builds of a pipeline or the team with Concourse's paging (`limit`, `from`/`to` build ids),
// clear-task-cache.
import { rm } from 'node:fs/promises';
import { checkBuildIds, clearTaskCaches } from '../store/controls.js';
import type { BuildRow, Store } from '../store/store.js';
import {
  act,
  engineCall,
  get,
  HttpError,
  limitOf,
  loadJob,
  loadPipeline,
  P,
  seg,
  type Route,
} from './api.js';
import { buildJson, team } from './json.js';

/** Newest first, without check builds, within Concourse's `from`/`to` (build ids) and `limit`. */
export function pageOfBuilds(
  store: Store,
  query: URLSearchParams,
  filter: Parameters<Store['builds']>[0] = {},
) {
  const checks = checkBuildIds(store);
  const from = Number(query.get('from')) || 0;
  const to = Number(query.get('to')) || Infinity;
  const timestamps = query.get('timestamps') === 'true';
  const key = (b: BuildRow): number => (timestamps ? Math.floor((b.startTime ?? b.createdAt) / 1000) : b.id);
  return store
    .builds(filter)
    .filter((b) => !checks.has(b.id) && key(b) >= from && key(b) <= to)
    .slice(0, limitOf(query, 50))
    .map(buildJson);
}

function pause(paused: boolean): Route['handler'] {
  return ({ hub, params }) => {
    const j = loadJob(hub, params[0]!, params[1]!);
    hub.store.setJobPaused(j.jobId, paused);
    // an unpaused job's pending builds start (and its inputs are scheduled) at once
    if (!paused) hub.pipelineSet(j.name);
    return {};
  };
}

export const jobRoutes = (): Route[] => [
  act('PUT', 'pause-job', `${P}/jobs/${seg}/pause`, pause(true)),
  act('PUT', 'unpause-job', `${P}/jobs/${seg}/unpause`, pause(false)),
  act('POST', 'rerun-build', `${P}/jobs/${seg}/builds/${seg}`, async ({ hub, params, res }) => {
    const j = loadJob(hub, params[0]!, params[1]!);
    const original = hub.store.builds({ jobId: j.jobId }).find((b) => b.name === params[2]);
    if (!original) throw new HttpError(404, `build ${params[1]!} #${params[2]!} not found`);
    const build = await engineCall(409, () => hub.rerunBuild(original.id));
    res.statusCode = 201;
    return buildJson(build);
  }),
  get('pipeline-builds', `${P}/builds`, ({ hub, params, query }) =>
    pageOfBuilds(hub.store, query, { pipelineId: loadPipeline(hub, params[0]!).id }),
  ),
  get('team-builds', `/api/v1/teams/${team}/builds`, ({ hub, query }) => pageOfBuilds(hub.store, query)),
  act('DELETE', 'clear-task-cache', `${P}/jobs/${seg}/tasks/${seg}/cache`, async ({ hub, params, query }) => {
    const j = loadJob(hub, params[0]!, params[1]!);
    const dirs = clearTaskCaches(hub.store, j.jobId, params[2]!, query.get('cache_path') ?? '');
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
    return { caches_removed: dirs.length };
  }),
];
