// The API routes: Concourse's paths and shapes (team `main`), read from the state database, plus
// the actions (trigger, abort, check, pin) handed to the pipeline's runner.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipelineGraph } from '../model/graph.js';
import { parsePipeline } from '../model/parse.js';
import { finishedStatuses } from '../store/store.js';
import { identityRoutes, type WebContext } from './api-auth.js';
import { pipelineRoutes } from './api-pipelines.js';
import { streamEvents } from './events.js';
import type { Hub } from './hub.js';
import { buildJson, jobJson, pipelineJson, resourceJson, team, versionJson } from './json.js';
import { publicPlan } from './plan.js';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface Request {
  hub: Hub;
  params: string[];
  query: URLSearchParams;
  req: IncomingMessage;
  res: ServerResponse;
  /** The signed-in user; undefined for an anonymous read. */
  user: string | undefined;
  web: WebContext;
}

/** A handler returns the JSON body, or undefined when it wrote the response itself. */
type Handler = (r: Request) => unknown;

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Label for concourse_http_responses_duration_seconds. */
  name: string;
  pattern: RegExp;
  handler: Handler;
  action: boolean;
}

export const seg = '([^/]+)';
export const P = `/api/v1/teams/${team}/pipelines/${seg}`;

export function loadPipeline(hub: Hub, name: string) {
  const saved = hub.store.pipeline(name);
  if (!saved) throw new HttpError(404, `pipeline '${name}' not found`);
  const pipeline = parsePipeline(saved.config, { strict: false });
  return { id: saved.id, name, row: saved, pipeline, graph: pipelineGraph(pipeline) };
}

function loadJob(hub: Hub, pipelineName: string, jobName: string) {
  const p = loadPipeline(hub, pipelineName);
  const job = p.pipeline.jobs.find((j) => j.name === jobName);
  if (!job) throw new HttpError(404, `job '${jobName}' not found in pipeline '${pipelineName}'`);
  const node = p.graph.nodes.find((n) => n.kind === 'job' && n.name === jobName);
  const groups = node?.kind === 'job' ? node.groups : [];
  return { ...p, job, groups, jobId: hub.store.jobId(p.id, job.name) };
}

function loadResource(hub: Hub, pipelineName: string, resourceName: string) {
  const p = loadPipeline(hub, pipelineName);
  const config = p.pipeline.resources.find((r) => r.config.name === resourceName)?.config;
  const row = hub.store.resources(p.id).find((r) => r.name === resourceName);
  if (!config || !row)
    throw new HttpError(404, `resource '${resourceName}' not found in pipeline '${pipelineName}'`);
  const configPin = config.version && typeof config.version === 'object' ? config.version : undefined;
  const json = resourceJson(
    row,
    p.id,
    p.name,
    config.type,
    configPin,
    row.pinnedVersionId === null ? undefined : hub.store.version(row.pinnedVersionId),
  );
  return { ...p, row, configPin, json };
}

function loadBuild(hub: Hub, idText: string | undefined) {
  const id = Number(idText);
  try {
    return hub.store.build(id);
  } catch {
    throw new HttpError(404, `build ${idText ?? ''} not found`);
  }
}

const limitOf = (q: URLSearchParams, fallback: number): number => {
  const n = Number(q.get('limit'));
  return Number.isInteger(n) && n > 0 ? Math.min(n, 1000) : fallback;
};

/** Errors from the engine (unknown job, disabled trigger ...) become one-line 4xx answers. */
async function engineCall<T>(status: number, call: () => Promise<T> | T): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw new HttpError(status, (err as Error).message.split('\n')[0] ?? 'failed');
  }
}

export const get = (name: string, path: string, handler: Handler): Route => ({
  method: 'GET',
  name,
  pattern: new RegExp(`^${path}$`),
  handler,
  action: false,
});
export const act = (
  method: 'POST' | 'PUT' | 'DELETE',
  name: string,
  path: string,
  handler: Handler,
): Route => ({
  method,
  name,
  pattern: new RegExp(`^${path}$`),
  handler,
  action: true,
});

export const routes: Route[] = [
  get('pipelines', `(?:/api/v1/pipelines|/api/v1/teams/${team}/pipelines)`, ({ hub }) =>
    hub.store.pipelines().map((p) => {
      const loaded = loadPipeline(hub, p.name);
      return pipelineJson(hub.store, loaded.row, loaded.pipeline, loaded.graph);
    }),
  ),
  get('pipeline', P, ({ hub, params }) => {
    const p = loadPipeline(hub, params[0]!);
    return pipelineJson(hub.store, p.row, p.pipeline, p.graph);
  }),
  get('graph', `${P}/graph`, ({ hub, params }) => loadPipeline(hub, params[0]!).graph),
  get('jobs', `${P}/jobs`, ({ hub, params }) => {
    const p = loadPipeline(hub, params[0]!);
    return p.pipeline.jobs.map((job) => {
      const node = p.graph.nodes.find((n) => n.kind === 'job' && n.name === job.name);
      return jobJson(hub.store, p.id, p.name, job, node?.kind === 'job' ? node.groups : []);
    });
  }),
  get('job', `${P}/jobs/${seg}`, ({ hub, params }) => {
    const j = loadJob(hub, params[0]!, params[1]!);
    return jobJson(hub.store, j.id, j.name, j.job, j.groups);
  }),
  get('job-builds', `${P}/jobs/${seg}/builds`, ({ hub, params, query }) => {
    const j = loadJob(hub, params[0]!, params[1]!);
    return hub.store.builds({ jobId: j.jobId, limit: limitOf(query, 100) }).map(buildJson);
  }),
  get('job-build', `${P}/jobs/${seg}/builds/${seg}`, ({ hub, params }) => {
    const j = loadJob(hub, params[0]!, params[1]!);
    const build = hub.store.builds({ jobId: j.jobId }).find((b) => b.name === params[2]);
    if (!build) throw new HttpError(404, `build ${params[1]!} #${params[2]!} not found`);
    return buildJson(build);
  }),
  get('resources', `${P}/resources`, ({ hub, params }) => {
    const p = loadPipeline(hub, params[0]!);
    return p.pipeline.resources.map(({ config }) => loadResource(hub, p.name, config.name).json);
  }),
  get(
    'resource',
    `${P}/resources/${seg}`,
    ({ hub, params }) => loadResource(hub, params[0]!, params[1]!).json,
  ),
  get('resource-versions', `${P}/resources/${seg}/versions`, ({ hub, params, query }) => {
    const r = loadResource(hub, params[0]!, params[1]!);
    return hub.store
      .versions(r.row.id)
      .slice(0, limitOf(query, 100))
      .map((v) => versionJson(v, r.row.pinnedVersionId));
  }),
  get('builds', '/api/v1/builds', ({ hub, query }) =>
    hub.store.builds({ limit: limitOf(query, 50) }).map(buildJson),
  ),
  get('build', `/api/v1/builds/${seg}`, ({ hub, params }) => buildJson(loadBuild(hub, params[0]))),
  get('build-plan', `/api/v1/builds/${seg}/plan`, ({ hub, params }) => {
    const build = loadBuild(hub, params[0]);
    if (build.pipeline === null || build.job === null)
      throw new HttpError(404, `build ${build.id} has no job plan (a one-off build)`);
    return { schema: 'exec.v2', plan: publicPlan(loadJob(hub, build.pipeline, build.job).job.step) };
  }),
  get('build-events', `/api/v1/builds/${seg}/events`, async ({ hub, params, req, res }) => {
    await streamEvents(hub, loadBuild(hub, params[0]).id, req, res);
    return undefined;
  }),

  act('POST', 'trigger-job', `${P}/jobs/${seg}/builds`, async ({ hub, params, res }) => {
    const j = loadJob(hub, params[0]!, params[1]!);
    const runner = hub.runner(j.name);
    const build = await engineCall(409, () => runner.trigger(j.job.name));
    // the build runs on in the background; a build whose inputs never resolve stays pending
    runner.runBuildToEnd(build.id).catch(() => undefined);
    res.statusCode = 201;
    return buildJson(hub.store.build(build.id));
  }),
  act('PUT', 'abort-build', `/api/v1/builds/${seg}/abort`, ({ hub, params, res }) => {
    const build = loadBuild(hub, params[0]);
    if (finishedStatuses.includes(build.status))
      throw new HttpError(409, `build ${build.id} already ${build.status}`);
    if (build.pipeline === null) throw new HttpError(409, `build ${build.id} is a one-off build`);
    if (!hub.runner(build.pipeline).abortBuild(build.id))
      throw new HttpError(409, `build ${build.id} is running in another hangar process`);
    res.statusCode = 204;
    return null;
  }),
  act('POST', 'check-resource', `${P}/resources/${seg}/check`, async ({ hub, params }) => {
    const r = loadResource(hub, params[0]!, params[1]!);
    const outcome = await engineCall(409, () => hub.runner(r.name).check(r.row.name));
    return {
      name: r.row.name,
      status: outcome.error === undefined ? 'succeeded' : 'errored',
      new_versions: outcome.newVersions,
      check_error: outcome.error,
    };
  }),
  act('PUT', 'pin-version', `${P}/resources/${seg}/versions/${seg}/pin`, ({ hub, params, res }) => {
    const r = loadResource(hub, params[0]!, params[1]!);
    if (r.configPin) throw new HttpError(409, `resource '${r.row.name}' is pinned in the pipeline config`);
    const version = hub.store.versions(r.row.id).find((v) => String(v.id) === params[2]);
    if (!version) throw new HttpError(404, `version ${params[2]!} of resource '${r.row.name}' not found`);
    hub.store.pinVersion(r.row.id, version.id);
    hub.runner(r.name).pinChanged(r.row.name);
    res.statusCode = 204;
    return null;
  }),
  act('PUT', 'unpin-resource', `${P}/resources/${seg}/unpin`, ({ hub, params, res }) => {
    const r = loadResource(hub, params[0]!, params[1]!);
    hub.store.unpinVersion(r.row.id);
    hub.runner(r.name).pinChanged(r.row.name);
    res.statusCode = 204;
    return null;
  }),
  ...identityRoutes(),
  ...pipelineRoutes(),
];
