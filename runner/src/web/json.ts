// The store's rows in the JSON shapes of Concourse's API (atc/build.go, job.go, resource.go ...):
// snake_case, times in Unix seconds, team `main`.
import type { PipelineGraph } from '../model/graph.js';
import { jobInputs, jobOutputs } from '../model/parse.js';
import type { Job, Pipeline } from '../model/types.js';
import type { BuildRow, PipelineRow, ResourceRow, Store, VersionRow } from '../store/store.js';

export const team = 'main';
const seconds = (ms: number | null): number | undefined => (ms === null ? undefined : Math.floor(ms / 1000));

export function buildJson(b: BuildRow): Record<string, unknown> {
  return {
    id: b.id,
    team_name: team,
    name: b.name,
    status: b.status,
    api_url: `/api/v1/builds/${b.id}`,
    job_name: b.job ?? undefined,
    pipeline_id: b.pipelineId ?? undefined,
    pipeline_name: b.pipeline ?? undefined,
    start_time: seconds(b.startTime),
    end_time: seconds(b.endTime),
    create_time: seconds(b.createdAt),
    manually_triggered: b.manual || undefined,
  };
}

function buildOrNull(store: Store, id: number): BuildRow | null {
  try {
    return store.build(id);
  } catch {
    return null; // its pipeline was destroyed and set again
  }
}

export function pipelineJson(
  store: Store,
  row: PipelineRow,
  p: Pipeline,
  graph: PipelineGraph,
): Record<string, unknown> {
  // fly set-pipeline warns when a set_pipeline step (parent job and build) owns the pipeline
  const parentJob = row.setByBuild === null ? null : buildOrNull(store, row.setByBuild)?.jobId;
  return {
    id: row.id,
    // an instanced pipeline's ref (`name/k:v`) as its name, which fly prints and parses back, and
    // which the UI puts in its links as it is
    name: row.name,
    paused: row.paused,
    public: row.public,
    archived: row.archived,
    team_name: team,
    groups: p.groups.map(({ config: g }) => ({
      name: g.name,
      jobs: graph.nodes.filter((n) => n.kind === 'job' && n.groups.includes(g.name)).map((n) => n.name),
    })),
    parent_build_id: row.setByBuild ?? undefined,
    parent_job_id: parentJob ?? undefined,
    last_updated: seconds(row.updatedAt),
  };
}

export function jobJson(store: Store, pipelineId: number, pipeline: string, job: Job, groups: string[]) {
  const jobId = store.jobId(pipelineId, job.name);
  const recent = store.builds({ jobId, limit: 20 });
  const next = recent.find((b) => b.status === 'pending' || b.status === 'started');
  const finished = recent.find((b) => b.status !== 'pending' && b.status !== 'started');
  return {
    id: jobId,
    name: job.name,
    team_name: team,
    pipeline_id: pipelineId,
    pipeline_name: pipeline,
    groups,
    disable_manual_trigger: job.disableManualTrigger || undefined,
    next_build: next ? buildJson(next) : null,
    finished_build: finished ? buildJson(finished) : null,
    inputs: jobInputs(job).map((g) => ({
      name: g.name,
      resource: g.resource,
      passed: g.passed.length > 0 ? g.passed : undefined,
      trigger: g.trigger,
    })),
    outputs: jobOutputs(job).map((o) => ({ name: o.name, resource: o.resource })),
  };
}

export function resourceJson(
  row: ResourceRow,
  pipelineId: number,
  pipeline: string,
  type: string,
  pinnedByConfig: Record<string, unknown> | undefined,
  pinned: VersionRow | undefined,
): Record<string, unknown> {
  return {
    id: row.id,
    name: row.name,
    pipeline_id: pipelineId,
    pipeline_name: pipeline,
    team_name: team,
    type,
    last_checked: seconds(row.lastChecked),
    check_error: row.checkError ?? undefined,
    // hangar's check is one process, so its status is the last check's outcome
    build:
      row.lastChecked === null ? undefined : { status: row.checkError === null ? 'succeeded' : 'errored' },
    pinned_version: pinnedByConfig ?? pinned?.version,
    pinned_in_config: pinnedByConfig !== undefined || undefined,
  };
}

export function versionJson(v: VersionRow, pinnedId: number | null): Record<string, unknown> {
  return {
    id: v.id,
    version: v.version,
    metadata: v.metadata,
    enabled: v.enabled,
    pinned: pinnedId === v.id || undefined,
  };
}
