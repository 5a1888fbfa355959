// Talking to hangar's API: reads, and actions with the header the server's CSRF check wants.
export interface Build {
  id: number;
  name: string;
  status: string;
  job_name?: string;
  pipeline_name?: string;
  start_time?: number;
  end_time?: number;
}
export interface Job {
  name: string;
  paused?: boolean;
  pipeline_name: string;
  groups: string[];
  next_build: Build | null;
  finished_build: Build | null;
  disable_manual_trigger?: boolean;
  inputs: { name: string; resource: string; passed?: string[]; trigger: boolean }[];
  outputs: { name: string; resource: string }[];
}
export interface Pipeline {
  name: string;
  paused?: boolean;
  archived?: boolean;
  groups: { name: string; jobs: string[] }[];
}
export interface Resource {
  name: string;
  type: string;
  last_checked?: number;
  check_error?: string;
  build?: { status: string };
  pinned_version?: Record<string, string>;
  pinned_in_config?: boolean;
}
export interface Version {
  id: number;
  version: Record<string, string>;
  metadata: { name: string; value: string }[];
  pinned?: boolean;
}
export interface Graph {
  nodes: (
    { kind: 'job'; name: string; groups: string[] } | { kind: 'resource'; name: string; type: string }
  )[];
  edges: {
    from: { kind: string; name: string };
    to: { kind: string; name: string };
    kind: 'get' | 'put' | 'passed';
    resource: string;
    trigger: boolean;
  }[];
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function check(res: Response): Promise<Response> {
  if (res.ok) return res;
  const text = (await res.text()).trim();
  throw new ApiError(res.status, text || `${res.status} ${res.statusText}`);
}

export async function get<T>(path: string): Promise<T> {
  return (await (await check(await fetch(path, { credentials: 'same-origin' }))).json()) as T;
}

export async function act<T = unknown>(method: 'POST' | 'PUT', path: string): Promise<T | undefined> {
  const res = await check(
    await fetch(path, { method, credentials: 'same-origin', headers: { 'x-hangar-request': '1' } }),
  );
  return res.status === 204 ? undefined : ((await res.json()) as T);
}

export const pipelinePath = (p: string): string => `/api/v1/teams/main/pipelines/${encodeURIComponent(p)}`;
export const pageOfPipeline = (p: string): string => `/teams/main/pipelines/${encodeURIComponent(p)}`;
export const pageOfJob = (p: string, j: string): string =>
  `${pageOfPipeline(p)}/jobs/${encodeURIComponent(j)}`;
export const pageOfResource = (p: string, r: string): string =>
  `${pageOfPipeline(p)}/resources/${encodeURIComponent(r)}`;
export const pageOfBuild = (b: Build): string =>
  b.pipeline_name && b.job_name
    ? `${pageOfJob(b.pipeline_name, b.job_name)}/builds/${encodeURIComponent(b.name)}`
    : `/builds/${b.id}`;
