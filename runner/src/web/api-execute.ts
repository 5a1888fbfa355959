// `fly execute`: inputs uploaded as gzipped tars (artifacts), a one-off build from the plan fly
// sends (artifact inputs and gets of a job's inputs in parallel, the task `one-off`, artifact
// outputs), and the outputs downloaded as gzipped tars. With `-j P/J` fly reads the job's inputs
// and posts the plan to the pipeline, whose resources the gets then use.
import { mkdir, rm } from 'node:fs/promises';
import { pipeline as pipe } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { addFromDisk, LayerTree, packLayerTar, Rootfs } from '@hangar/oci';
import { runBuild } from '../engine/build-runner.js';
import { inputSpecs, resolveInputs } from '../engine/inputs.js';
import { jobInputs } from '../model/parse.js';
import { parseTaskFile } from '../model/steps.js';
import { copyArtifact } from '../steps/artifact-files.js';
import type { PipelineRef, ResolvedInput } from '../steps/context.js';
import { oneOffStep } from '../steps/one-off.js';
import { artifact, buildArtifacts, createArtifact, forgetArtifacts } from '../store/controls.js';
import type { Hub } from './hub.js';
import { act, get, HttpError, loadBuild, loadJob, loadPipeline, P, seg, type Route } from './api.js';
import { jsonBody } from './api-resources.js';
import { buildJson, team } from './json.js';

type PlanNode = Record<string, unknown>;

interface OneOffPlan {
  artifactInputs: { name: string; artifactId: number }[];
  gets: { name: string; version: Record<string, string> }[];
  task: PlanNode | undefined;
  outputs: string[];
}

/** Reads the shape fly execute sends; any other step kind is refused. */
function readPlan(
  node: unknown,
  into: OneOffPlan = { artifactInputs: [], gets: [], task: undefined, outputs: [] },
) {
  if (node === null || typeof node !== 'object') throw new HttpError(400, 'plan: expected an object');
  const n = node as PlanNode;
  const child = (value: unknown): PlanNode => (value ?? {}) as PlanNode;
  if (n.do) for (const step of n.do as unknown[]) readPlan(step, into);
  else if (n.in_parallel)
    for (const step of (child(n.in_parallel).steps ?? []) as unknown[]) readPlan(step, into);
  else if (n.ensure) {
    readPlan(child(n.ensure).step, into);
    readPlan(child(n.ensure).ensure, into);
  } else if (n.artifact_input) {
    const a = child(n.artifact_input);
    into.artifactInputs.push({ name: String(a.name), artifactId: Number(a.artifact_id) });
  } else if (n.get) {
    const g = child(n.get);
    into.gets.push({ name: String(g.name), version: (g.version ?? {}) as Record<string, string> });
  } else if (n.task) {
    if (into.task) throw new HttpError(400, 'plan: a one-off build runs one task');
    into.task = child(n.task);
  } else if (n.artifact_output) into.outputs.push(String(child(n.artifact_output).name));
  else
    throw new HttpError(
      400,
      `plan: steps other than fly execute's are not supported (${Object.keys(n).join(', ')})`,
    );
  return into;
}

/** The pipeline resource and saved version behind a get of `-j P/J` (matched by input name). */
function resolveGet(hub: Hub, p: PipelineRef, get: OneOffPlan['gets'][number]): [string, ResolvedInput] {
  const input = p.pipeline.jobs.flatMap(jobInputs).find((g) => g.name === get.name);
  if (!input) throw new HttpError(400, `plan: no job of pipeline '${p.name}' has an input '${get.name}'`);
  const resourceId = hub.store.resourceId(p.id, input.resource);
  const entries = Object.entries(get.version);
  const version = hub.store
    .versions(resourceId)
    .find((v) => entries.every(([k, value]) => v.version[k] === value));
  if (!version)
    throw new HttpError(400, `plan: version ${JSON.stringify(get.version)} of '${input.resource}' not found`);
  return [input.resource, { resourceId, versionId: version.id, version: version.version }];
}

const outputsKeptMs = 60 * 60 * 1000;

/** One-off builds running in this process, so abort-build can stop them. */
const running = new Map<number, AbortController>();

export function abortOneOff(buildId: number): boolean {
  const controller = running.get(buildId);
  controller?.abort();
  return controller !== undefined;
}

function createOneOff(hub: Hub, body: Record<string, unknown>, p: PipelineRef | undefined) {
  const engine = hub.oneOff;
  if (!engine) throw new HttpError(501, 'this server runs no one-off builds');
  const plan = readPlan(body);
  if (!plan.task) throw new HttpError(400, 'plan: no task');
  const { config } = parseTaskFile(plan.task.config);
  const artifacts = new Map<string, string>();
  for (const a of plan.artifactInputs) {
    const row = artifact(hub.store, a.artifactId);
    if (!row) throw new HttpError(400, `plan: artifact ${a.artifactId} not found`);
    artifacts.set(a.name, row.dir);
  }
  const inputs = new Map<string, ResolvedInput>();
  const gets: { name: string; resource: string }[] = [];
  for (const g of plan.gets) {
    if (!p) throw new HttpError(400, 'plan: a get needs the pipeline (fly execute -j)');
    const [resource, resolved] = resolveGet(hub, p, g);
    inputs.set(g.name, resolved);
    gets.push({ name: g.name, resource });
  }
  const step = oneOffStep(
    {
      config,
      privileged: plan.task.privileged === true,
      inputMapping: (plan.task.input_mapping ?? {}) as Record<string, string>,
      params: plan.task.params as Record<string, unknown> | undefined,
    },
    gets,
  );
  const build = hub.store.createOneOffBuild(p?.id ?? null);
  const abort = new AbortController();
  running.set(build.id, abort);
  hub.hooks.onBuildStarted(build);
  void runBuild({
    store: hub.store,
    runtime: engine.runtime,
    stateDir: engine.stateDir,
    options: engine.build,
    pipeline: p,
    job: undefined,
    build,
    inputs,
    listeners: [hub.hooks.listener],
    step,
    abort: abort.signal,
    kill: abort.signal,
    artifacts,
    afterPlan: async (scope) => {
      for (const name of plan.outputs) {
        const dir = scope.artifact(name);
        if (dir !== undefined) await copyArtifact(dir, createArtifact(hub.store, build.id, name).dir);
      }
      // before the build's last event: uploads are used once; outputs wait an hour at most for fly
      const ids = plan.artifactInputs.map((a) => a.artifactId);
      const done = [
        ...forgetArtifacts(hub.store, { ids }),
        ...forgetArtifacts(hub.store, { before: Date.now() - outputsKeptMs }),
      ];
      for (const a of done) await rm(a.dir, { recursive: true, force: true });
    },
  })
    .catch((err: unknown) => {
      hub.store.finishBuild(build.id, 'errored', (err as Error).message);
      return { status: 'errored' as const, lastTaskExit: undefined };
    })
    .then((result) => {
      running.delete(build.id);
      hub.hooks.onBuildFinished(hub.store.build(build.id), result);
    });
  return buildJson(build);
}

const artifactJson = (a: { id: number; name: string; buildId: number | null; createdAt: number }) => ({
  id: a.id,
  name: a.name,
  build_id: a.buildId ?? 0,
  created_at: Math.floor(a.createdAt / 1000),
});

export const executeRoutes = (): Route[] => [
  act('POST', 'create-artifact', `/api/v1/teams/${team}/artifacts`, async ({ hub, req, res }) => {
    const row = createArtifact(hub.store, null, '');
    const rootfs = await Rootfs.create(row.dir);
    try {
      await rootfs.applyLayer(req, createGunzip());
      await rootfs.finish();
    } catch (err) {
      throw new HttpError(400, `artifact: ${(err as Error).message.split('\n')[0] ?? 'unreadable'}`);
    }
    res.statusCode = 201;
    return artifactJson(row);
  }),
  get('artifact', `/api/v1/teams/${team}/artifacts/${seg}`, async ({ hub, params, res }) => {
    const row = artifact(hub.store, Number(params[0]));
    if (!row) throw new HttpError(404, `artifact ${params[0]!} not found`);
    await mkdir(row.dir, { recursive: true });
    const tree = new LayerTree();
    await addFromDisk(tree, row.dir, { modes: 'preserve' });
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    // entries carry the time the artifact was made (the packer's default is 1970)
    await pipe(packLayerTar(tree, { epoch: Math.floor(row.createdAt / 1000) }), createGzip(), res);
    return undefined;
  }),
  get('build-artifacts', `/api/v1/builds/${seg}/artifacts`, ({ hub, params }) =>
    buildArtifacts(hub.store, loadBuild(hub, params[0]).id).map(artifactJson),
  ),
  act('POST', 'create-build', `/api/v1/teams/${team}/builds`, async ({ hub, req, res }) => {
    const body = createOneOff(hub, await jsonBody(req), undefined);
    res.statusCode = 201;
    return body;
  }),
  act('POST', 'create-pipeline-build', `${P}/builds`, async ({ hub, params, req, res }) => {
    const p = loadPipeline(hub, params[0]!);
    const body = createOneOff(hub, await jsonBody(req), {
      id: p.id,
      name: p.name,
      pipeline: p.pipeline,
    });
    res.statusCode = 201;
    return body;
  }),
  get('job-inputs', `${P}/jobs/${seg}/inputs`, ({ hub, params }) => {
    const j = loadJob(hub, params[0]!, params[1]!);
    const specs = inputSpecs(hub.store, j.id, j.pipeline, j.job);
    const resolution = resolveInputs(hub.store, j.jobId, specs);
    if (!resolution.ok)
      throw new HttpError(404, `job ${j.job.name}: ${resolution.input}: ${resolution.error}`);
    return specs.map((s) => {
      const config = j.pipeline.resources.find((r) => r.config.name === s.resource)?.config;
      const resolved = resolution.inputs.get(s.name)!;
      // the source stays here (it may hold credentials): the build resolves the get by input name
      return {
        name: s.name,
        resource: s.resource,
        type: config?.type ?? '',
        source: {},
        version: hub.store.version(resolved.versionId).version,
      };
    });
  }),
  get('resource-types', `${P}/resource-types`, ({ hub, params }) =>
    loadPipeline(hub, params[0]!).pipeline.resourceTypes.map(({ config }) => ({
      name: config.name,
      type: config.type,
    })),
  ),
];
