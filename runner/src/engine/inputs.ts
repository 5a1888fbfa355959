// Input resolution (§5.2): which version each `get` of a job would use for its next build.
//   no passed: pinned (resource `version:` or get `version: {..}`, subset match), every (next after
//   the newest this job used; the latest when it never used one), latest;
//   passed: inputs whose passed jobs overlap are resolved together, so one build of each upstream
//   job vouches (as input or output of a succeeded build) for every input that lists it.
//   Disabled versions are skipped everywhere except by a pin without `passed`, as in Concourse.
import { compilePathMatch } from '../model/glob.js';
import { jobInputs } from '../model/parse.js';
import type { Job, Pipeline } from '../model/types.js';
import type { Store } from '../store/store.js';

export interface InputSpec {
  name: string;
  resource: string;
  resourceId: number;
  passed: number[];
  every: boolean;
  pin: Record<string, unknown> | undefined;
  trigger: boolean;
}

export interface ResolvedVersion {
  resourceId: number;
  versionId: number;
}

export type Resolution =
  | { ok: true; inputs: Map<string, ResolvedVersion>; hasNext: boolean }
  | { ok: false; error: string; input: string };

export function inputSpecs(store: Store, pipelineId: number, pipeline: Pipeline, job: Job): InputSpec[] {
  const specs: InputSpec[] = [];
  for (const get of jobInputs(job)) {
    if (specs.some((s) => s.name === get.name)) continue;
    const resource = pipeline.resources.find((r) => r.config.name === get.resource)?.config;
    const passed: number[] = [];
    for (const pattern of get.passed) {
      const match = compilePathMatch(pattern);
      for (const j of pipeline.jobs) {
        if (match?.(j.name)) {
          const id = store.jobId(pipelineId, j.name);
          if (!passed.includes(id)) passed.push(id);
        }
      }
    }
    const resourcePin =
      resource?.version && typeof resource.version === 'object' ? resource.version : undefined;
    const getPin = get.version !== null && typeof get.version === 'object' ? get.version : undefined;
    const resourceId = store.resourceId(pipelineId, get.resource);
    // A pin from the UI applies when the config pins nothing (Concourse refuses both at once).
    const uiPinId = (resourcePin ?? getPin) ? undefined : store.pinnedVersionId(resourceId);
    const uiPin = uiPinId === undefined ? undefined : store.version(uiPinId).version;
    specs.push({
      name: get.name,
      resource: get.resource,
      resourceId,
      passed: passed.sort((a, b) => a - b),
      every: get.version === 'every',
      pin: resourcePin ?? getPin ?? uiPin,
      trigger: get.trigger,
    });
  }
  return specs;
}

const pinText = (pin: Record<string, unknown>): string =>
  Object.entries(pin)
    .map(([k, v]) => `${k}:${String(v)}`)
    .join(',');

function resolveIndividual(store: Store, jobId: number, spec: InputSpec): Resolution | ResolvedVersion {
  if (spec.pin) {
    const v = store.pinnedVersion(spec.resourceId, spec.pin);
    if (!v) return { ok: false, input: spec.name, error: `pinned version ${pinText(spec.pin)} not found` };
    return { resourceId: spec.resourceId, versionId: v.id };
  }
  const versions = store.versions(spec.resourceId).filter((v) => v.enabled);
  const latest = versions[0];
  if (!latest) return { ok: false, input: spec.name, error: 'latest version of resource not found' };
  if (!spec.every) return { resourceId: spec.resourceId, versionId: latest.id };
  const used = store.newestUsed(jobId, spec.name);
  if (!used) return { resourceId: spec.resourceId, versionId: latest.id };
  const newer = versions.filter((v) => v.checkOrder > used.checkOrder);
  const next = newer[newer.length - 1];
  return { resourceId: spec.resourceId, versionId: (next ?? used).id };
}

/** Union-find of inputs by shared passed jobs. */
function groups(specs: InputSpec[]): InputSpec[][] {
  const out: InputSpec[][] = [];
  for (const spec of specs.filter((s) => s.passed.length > 0)) {
    const touching = out.filter((g) => g.some((o) => o.passed.some((j) => spec.passed.includes(j))));
    const merged = [spec, ...touching.flat()];
    for (const g of touching) out.splice(out.indexOf(g), 1);
    out.push(merged);
  }
  return out;
}

const searchBudget = 200_000;

function resolveGroup(
  store: Store,
  jobId: number,
  group: InputSpec[],
): Map<string, ResolvedVersion> | string {
  const jobs = [...new Set(group.flatMap((s) => s.passed))].sort((a, b) => a - b);
  const rows = new Map<number, { checkOrder: number; enabled: boolean }>();
  const row = (versionId: number): { checkOrder: number; enabled: boolean } => {
    let r = rows.get(versionId);
    if (r === undefined) rows.set(versionId, (r = store.version(versionId)));
    return r;
  };
  const checkOrder = (versionId: number): number => row(versionId).checkOrder;
  const everyFloor = new Map<string, number>();
  for (const s of group)
    if (s.every) everyFloor.set(s.name, store.newestUsed(jobId, s.name)?.checkOrder ?? -1);
  const pinIds = new Map<string, Set<number>>();
  for (const s of group) {
    if (!s.pin) continue;
    const pin = s.pin;
    const ids = store
      .versions(s.resourceId)
      .filter((v) => Object.entries(pin).every(([k, x]) => v.version[k] === String(x)))
      .map((v) => v.id);
    pinIds.set(s.name, new Set(ids));
  }
  const buildsByJob = new Map(
    jobs.map((j) => {
      const builds = store.succeededBuilds(j);
      // `every` inputs walk upstream builds oldest-first from the newest version already used.
      const everyInputs = group.filter((s) => s.every && s.passed.includes(j));
      if (everyInputs.length === 0) return [j, builds];
      const isNewer = (b: (typeof builds)[number]): boolean =>
        everyInputs.some((s) =>
          [...(b.versions.get(s.resourceId) ?? [])].some(
            (v) => checkOrder(v) > (everyFloor.get(s.name) ?? -1),
          ),
        );
      const fresh = builds.filter(isNewer).reverse();
      return [j, [...fresh, ...builds.filter((b) => !isNewer(b))]];
    }),
  );
  const chosen = new Map<number, Map<number, Set<number>>>();
  const candidates = (spec: InputSpec): Set<number> | undefined => {
    let set: Set<number> | undefined;
    for (const j of spec.passed) {
      const b = chosen.get(j);
      if (!b) continue;
      const vs = b.get(spec.resourceId) ?? new Set<number>();
      set = new Set([...(set ?? vs)].filter((v) => vs.has(v) && row(v).enabled));
    }
    const pins = pinIds.get(spec.name);
    if (set && pins) set = new Set([...set].filter((v) => pins.has(v)));
    return set;
  };
  let budget = searchBudget;
  const search = (k: number): boolean => {
    if (k === jobs.length) return true;
    const j = jobs[k]!;
    for (const b of buildsByJob.get(j) ?? []) {
      if (--budget < 0) return false;
      chosen.set(j, b.versions);
      const consistent = group.every((s) => !s.passed.includes(j) || (candidates(s)?.size ?? 0) > 0);
      if (consistent && search(k + 1)) return true;
      chosen.delete(j);
    }
    return false;
  };
  if (!search(0)) return 'no satisfiable builds from passed jobs found for set of inputs';
  const result = new Map<string, ResolvedVersion>();
  for (const s of group) {
    const ids = [...(candidates(s) ?? [])].sort((a, b) => checkOrder(b) - checkOrder(a));
    let pick = ids[0]!;
    if (s.every) {
      const floor = everyFloor.get(s.name) ?? -1;
      const newer = ids.filter((id) => checkOrder(id) > floor);
      if (newer.length > 0) pick = newer[newer.length - 1]!;
    }
    result.set(s.name, { resourceId: s.resourceId, versionId: pick });
  }
  return result;
}

export function resolveInputs(store: Store, jobId: number, specs: InputSpec[]): Resolution {
  const inputs = new Map<string, ResolvedVersion>();
  let hasNext = false;
  for (const spec of specs.filter((s) => s.passed.length === 0)) {
    const r = resolveIndividual(store, jobId, spec);
    if ('ok' in r) return r;
    inputs.set(spec.name, r);
    if (spec.every && !spec.pin) {
      hasNext ||= store.versions(spec.resourceId).find((v) => v.enabled)?.id !== r.versionId;
    }
  }
  for (const group of groups(specs)) {
    const r = resolveGroup(store, jobId, group);
    if (typeof r === 'string') return { ok: false, error: r, input: group[0]!.name };
    for (const [k, v] of r) inputs.set(k, v);
  }
  return { ok: true, inputs, hasNext };
}
