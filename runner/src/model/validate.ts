// Concourse's pipeline validation (atc/configvalidate + the step validator + config warnings),
// reproduced message for message, with the data path of each finding so callers can add
// file:line:column. Pure.
import { checkCredentialManager } from './credential-managers.js';
import { isGoDuration } from './duration.js';
import { compileGobwas, compilePathMatch, type JobMatcher } from './glob.js';
import { varPattern } from '../vars/reference.js';
import { checkIdentifier } from './identifier.js';
import { jobInputs, jobOutputs, walkSteps } from './parse.js';
import { atKey, type DataPath } from './source.js';
import type { Job, Named, Pipeline, Step, StepEnvelope } from './types.js';

export interface Finding {
  message: string;
  path: DataPath;
}

export interface Warning extends Finding {
  type: 'invalid_identifier' | 'deprecated_field' | 'pipeline' | 'var_shadowed';
}

/** Errors of one `invalid <section>:` block, as fly prints them. */
export interface ErrorGroup {
  section:
    'groups' | 'resources' | 'resource types' | 'prototypes' | 'variable sources' | 'jobs' | 'display config';
  errors: Finding[];
}

export interface ValidationResult {
  errors: ErrorGroup[];
  warnings: Warning[];
}

/** Credential managers Concourse knows, and the ones a pipeline's var_sources may use. */
export const knownCredentialManagers = [
  'vault',
  'credhub',
  'kubernetes',
  'ssm',
  'secretsmanager',
  'conjur',
  'idtoken',
  'dummy',
] as const;
export const pipelineCredentialManagers = ['vault', 'dummy', 'ssm', 'secretsmanager', 'idtoken'] as const;

class Collector {
  readonly errors: Finding[] = [];
  readonly warnings: Warning[] = [];
  error(message: string, path: DataPath): void {
    this.errors.push({ message, path });
  }
  identifier(name: string, context: string, path: DataPath): void {
    const check = checkIdentifier(name, context);
    if (check.kind === 'error') this.error(check.message, path);
    if (check.kind === 'warning')
      this.warnings.push({ type: 'invalid_identifier', message: check.message, path });
  }
}

const identifierOf = (section: string, index: number, name: string): string =>
  name === '' ? `${section}[${index}]` : `${section}.${name}`;

export function validatePipeline(pipeline: Pipeline): ValidationResult {
  const groups: ErrorGroup[] = [];
  const warnings: Warning[] = [];
  const run = (section: ErrorGroup['section'], check: (c: Collector) => void): void => {
    const c = new Collector();
    check(c);
    warnings.push(...c.warnings);
    if (c.errors.length > 0) groups.push({ section, errors: c.errors });
  };
  const seenTypes = new Map<string, string>();
  run('groups', (c) => validateGroups(pipeline, c));
  run('resources', (c) => validateResources(pipeline, c));
  run('resource types', (c) => validateTypes(pipeline.resourceTypes, 'resource_types', seenTypes, c));
  run('prototypes', (c) => validateTypes(pipeline.prototypes, 'prototypes', seenTypes, c));
  run('variable sources', (c) => validateVarSources(pipeline, c));
  run('jobs', (c) => validateJobs(pipeline, c));
  run('display config', (c) => validateDisplay(pipeline, c));
  run('jobs', (c) => validateCycles(pipeline, c));
  return { errors: groups, warnings };
}

function validateGroups(p: Pipeline, c: Collector): void {
  const grouped = new Map<string, boolean>(p.jobs.map((j) => [j.name, false]));
  const counts = new Map<string, { count: number; path: DataPath }>();
  p.groups.forEach(({ config: group, path }, i) => {
    const name = group.name;
    c.identifier(name, identifierOf('groups', i, name), [...path, 'name']);
    const seen = counts.get(name);
    counts.set(name, { count: (seen?.count ?? 0) + 1, path: seen?.path ?? path });
    (Array.isArray(group.jobs) ? group.jobs : []).forEach((pattern, k) => {
      const where = [...path, 'jobs', k];
      const match = compileGobwas(pattern);
      if (!match) {
        c.error(`invalid glob expression '${pattern}' for group '${name}'`, where);
        return;
      }
      let any = false;
      for (const job of p.jobs) {
        if (match(job.name)) {
          grouped.set(job.name, true);
          any = true;
        }
      }
      if (!any) c.error(`no jobs match '${pattern}' for group '${name}'`, where);
    });
    (Array.isArray(group.resources) ? group.resources : []).forEach((resource, k) => {
      if (!p.resources.some((r) => r.config.name === resource)) {
        c.error(`group '${name}' has unknown resource '${resource}'`, [...path, 'resources', k]);
      }
    });
  });
  for (const [name, { count, path }] of counts) {
    if (count > 1) c.error(`group '${name}' appears ${count} times. Duplicate names are not allowed.`, path);
  }
  if (p.groups.length > 0) {
    for (const [job, isGrouped] of grouped) {
      const where = p.jobs.find((j) => j.name === job)?.path ?? [];
      if (!isGrouped) c.error(`job '${job}' belongs to no group`, where);
    }
  }
}

function usedResources(p: Pipeline): Set<string> {
  const used = new Set<string>();
  for (const job of p.jobs) {
    for (const get of jobInputs(job)) used.add(get.resource);
    for (const put of jobOutputs(job)) used.add(put.resource);
  }
  return used;
}

function validateResources(p: Pipeline, c: Collector): void {
  const names = new Map<string, string>();
  p.resources.forEach(({ config: r, path }, i) => {
    const id = identifierOf('resources', i, r.name);
    c.identifier(r.name, id, [...path, 'name']);
    const other = names.get(r.name);
    if (other !== undefined) c.error(`${other} and resources[${i}] have the same name ('${r.name}')`, path);
    else if (r.name !== '') names.set(r.name, `resources[${i}]`);
    if (r.name === '') c.error(`${id} has no name`, path);
    if (r.type === '') c.error(`${id} has no type`, path);
  });
  const used = usedResources(p);
  for (const { config: r, path } of p.resources) {
    if (!used.has(r.name)) c.error(`resource '${r.name}' is not used`, path);
  }
}

function validateTypes(
  list: Named<{ name: string; type: string }>[],
  section: string,
  seen: Map<string, string>,
  c: Collector,
): void {
  list.forEach(({ config: t, path }, i) => {
    const id = identifierOf(section, i, t.name);
    c.identifier(t.name, id, [...path, 'name']);
    const other = seen.get(t.name);
    if (other !== undefined) c.error(`${other} and ${section}[${i}] have the same name ('${t.name}')`, path);
    else if (t.name !== '') seen.set(t.name, `${section}[${i}]`);
    if (t.name === '') c.error(`${id} has no name`, path);
    if (t.type === '') c.error(`${id} has no type`, path);
  });
}

function validateVarSources(p: Pipeline, c: Collector): void {
  const names = new Map<string, string>();
  p.varSources.forEach(({ config: vs, path }, i) => {
    const id = identifierOf('var_sources', i, vs.name);
    c.identifier(vs.name, id, [...path, 'name']);
    if (!(knownCredentialManagers as readonly string[]).includes(vs.type)) {
      c.error(`unknown credential manager type: ${vs.type}`, [...path, 'type']);
      return;
    }
    if (!(pipelineCredentialManagers as readonly string[]).includes(vs.type)) {
      c.error(`credential manager type ${vs.type} is not supported in pipeline yet`, [...path, 'type']);
    }
    const other = names.get(vs.name);
    if (other !== undefined)
      c.error(`${other} and var_sources[${i}] have the same name ('${vs.name}')`, path);
    names.set(vs.name, `var_sources[${i}]`);
    const manager = checkCredentialManager(vs.type, vs.config);
    if (manager?.stage === 'create') {
      c.error(`failed to create credential manager ${vs.name}: ${manager.message}`, [...path, 'config']);
    } else if (manager?.stage === 'validate') {
      c.error(`credential manager ${vs.name} is invalid: ${manager.message}`, [...path, 'config']);
    }
  });
  const unresolved = unorderableVarSources(p);
  if (unresolved.length > 0) {
    c.error(
      `failed to order by dependency: could not resolve inter-dependent var sources: ${unresolved.join(', ')}`,
      p.varSources.find((v) => v.config.name === unresolved[0])?.path ?? ['var_sources'],
    );
  }
}

function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => [k, ...stringsIn(v)]);
  return [];
}

/**
 * VarSourceConfigs.OrderByDependency: a source waits for the sources its `((source:var))`s name;
 * each one added lets the waiting list be tried once more, in order. Those still waiting are returned.
 */
function unorderableVarSources(p: Pipeline): string[] {
  const added = new Set<string>();
  let pending: { name: string; deps: string[] }[] = [];
  for (const { config: vs } of p.varSources) {
    const deps = stringsIn(vs.config)
      .flatMap((text) => [...text.matchAll(varPattern)].map((m) => (m[1] ?? '').split(':')))
      .filter((parts) => parts.length > 1)
      .map((parts) => parts[0] ?? '');
    if (!deps.every((d) => added.has(d))) {
      pending.push({ name: vs.name, deps });
      continue;
    }
    added.add(vs.name);
    const left: typeof pending = [];
    for (const waiting of pending) {
      if (waiting.deps.every((d) => added.has(d))) added.add(waiting.name);
      else left.push(waiting);
    }
    pending = left;
  }
  return pending.map((w) => w.name);
}

function validateJobs(p: Pipeline, c: Collector): void {
  if (p.jobs.length === 0) {
    c.error('jobs: pipeline must contain at least one job', ['jobs']);
    return;
  }
  const names = new Map<string, string>();
  p.jobs.forEach((job, i) => {
    const id = identifierOf('jobs', i, job.name);
    const at = job.path;
    c.identifier(job.name, id, [...at, 'name']);
    const other = names.get(job.name);
    if (other !== undefined) c.error(`${other} and jobs[${i}] have the same name ('${job.name}')`, at);
    else if (job.name !== '') names.set(job.name, `jobs[${i}]`);
    if (job.name === '') c.error(`${id} has no name`, at);
    const retention = job.buildLogRetention;
    const toRetain = job.buildLogsToRetain ?? 0;
    if (retention !== undefined && toRetain !== 0) {
      c.error(`${id} can't use both build_log_retention and build_logs_to_retain`, [
        ...at,
        'build_logs_to_retain',
      ]);
    } else if (toRetain < 0) {
      c.error(`${id} has negative build_logs_to_retain: ${toRetain}`, [...at, 'build_logs_to_retain']);
    }
    if (job.buildLogsToRetain !== undefined) {
      c.warnings.push({
        type: 'deprecated_field',
        message: `jobs.${job.name}.build_logs_to_retain is deprecated. Use build_log_retention instead.`,
        path: [...at, 'build_logs_to_retain'],
      });
    }
    if (retention !== undefined) {
      const r = [...at, 'build_log_retention'];
      const builds = retention.builds ?? 0;
      const days = retention.days ?? 0;
      const min = retention.minimumSucceededBuilds ?? 0;
      if (builds < 0) c.error(`${id} has negative build_log_retention.builds: ${builds}`, r);
      if (days < 0) c.error(`${id} has negative build_log_retention.days: ${days}`, r);
      if (min < 0) c.error(`${id} has negative build_log_retention.min_success_builds: ${min}`, r);
      if (builds > 0 && min > builds) {
        c.error(
          `${id} has build_log_retention.min_success_builds: ${min} greater than build_log_retention.min_success_builds: ${builds}`,
          r,
        );
      }
    }
    new StepValidator(p, [id, '.plan'], c).visit(job.step);
  });
}

/** Walks one job's step tree like Concourse's StepValidator, building `jobs.x.plan.do[0]...` contexts. */
class StepValidator {
  readonly #seenGets = new Set<string>();
  readonly #scopes: Set<string>[] = [new Set()];

  constructor(
    readonly pipeline: Pipeline,
    readonly context: string[],
    readonly c: Collector,
  ) {}

  #annotate(message: string): string {
    return `${this.context.join('')}: ${message}`;
  }
  #error(message: string, path: DataPath): void {
    this.c.error(this.#annotate(message), path);
  }
  #warn(type: Warning['type'], message: string, path: DataPath): void {
    this.c.warnings.push({ type, message: this.#annotate(message), path });
  }
  #with(ctx: string, body: () => void): void {
    this.context.push(ctx);
    body();
    this.context.pop();
  }
  /** ValidateIdentifier inside a step: its error (already prefixed) is recorded prefixed again, as in Go. */
  #identifier(name: string, path: DataPath): void {
    const n = this.context.length;
    const last = this.context[n - 1] ?? '';
    const acrossSkips =
      n >= 2 && this.context[n - 2] === '.across' && (last.includes('set_pipeline') || last.includes('task'));
    if (name !== '' && acrossSkips) return;
    const check = checkIdentifier(name, this.context.join(''));
    if (check.kind === 'error') this.#error(check.message, path);
    if (check.kind === 'warning')
      this.c.warnings.push({ type: 'invalid_identifier', message: check.message, path });
  }
  #declareLocal(name: string, path: DataPath): void {
    const current = this.#scopes[this.#scopes.length - 1] as Set<string>;
    if (current.has(name)) this.#error('repeated var name', path);
    else if (this.#scopes.some((s) => s.has(name)))
      this.#warn('var_shadowed', `shadows local var '${name}'`, path);
    current.add(name);
  }

  envelope(env: StepEnvelope): void {
    if (env.unknownFields.length > 0) {
      const list = env.unknownFields.map((f) => JSON.stringify(f)).join(' ');
      this.#error(`unknown fields [${list}]`, [...env.path, env.unknownFields[0] as string, atKey]);
    }
    this.visit(env.step);
  }

  visit(step: Step): void {
    switch (step.kind) {
      case 'get':
        return this.#with(`.get(${step.name})`, () => this.#get(step));
      case 'put':
        return this.#with(`.put(${step.name})`, () => {
          this.#identifier(step.name, [...step.path, 'put']);
          if (!this.#hasResource(step.resource)) {
            this.#error(`unknown resource '${step.resource}'`, [...step.path, 'put']);
          }
        });
      case 'task':
        return this.#with(`.task(${step.name})`, () => this.#task(step));
      case 'run':
        return this.#with(`.run(${step.type}.${step.message})`, () => {
          // A prototype message must be a valid identifier: its warning is an error here.
          const check = checkIdentifier(step.message, this.context.join(''));
          if (check.kind !== 'ok') this.#error(check.message, [...step.path, 'run']);
          if (!this.pipeline.prototypes.some((pr) => pr.config.name === step.type)) {
            this.#error(`unknown prototype '${step.type}'`, [...step.path, 'type']);
          }
        });
      case 'set_pipeline':
        return this.#with(`.set_pipeline(${step.name})`, () => {
          this.#identifier(step.name, [...step.path, 'set_pipeline']);
          if (step.file === '') this.#error('no file specified', step.path);
        });
      case 'load_var':
        return this.#with(`.load_var(${step.name})`, () => {
          this.#identifier(step.name, [...step.path, 'load_var']);
          this.#declareLocal(step.name, [...step.path, 'load_var']);
          if (step.file === '') this.#error('no file specified', step.path);
        });
      case 'try':
        return this.#with('.try', () => this.envelope(step.step));
      case 'do':
        return this.#with('.do', () =>
          step.steps.forEach((sub, i) => this.#with(`[${i}]`, () => this.envelope(sub))),
        );
      case 'in_parallel':
        return this.#with('.in_parallel', () =>
          step.steps.forEach((sub, i) => this.#with(`.steps[${i}]`, () => this.envelope(sub))),
        );
      case 'across':
        return this.#with('.across', () => {
          this.#scopes.push(new Set());
          if (step.vars.length === 0) this.#error('no vars specified', [...step.path, 'across']);
          step.vars.forEach((v, i) =>
            this.#with(`[${i}]`, () => {
              const at = [...step.path, 'across', i];
              this.#declareLocal(v.var, [...at, 'var']);
              this.#with('.max_in_flight', () => {
                if (typeof v.maxInFlight === 'number' && v.maxInFlight <= 0) {
                  this.#error('must be greater than 0', [...at, 'max_in_flight']);
                }
              });
            }),
          );
          this.visit(step.step);
          this.#scopes.pop();
        });
      case 'timeout':
        this.visit(step.step);
        return this.#with('.timeout', () => {
          if (!isGoDuration(step.duration)) {
            this.#error(`invalid duration '${step.duration}'`, [...step.path, 'timeout']);
          }
        });
      case 'attempts':
        this.visit(step.step);
        return this.#with('.attempts', () => {
          if (typeof step.attempts === 'number' && step.attempts <= 0) {
            this.#error('must be greater than 0', [...step.path, 'attempts']);
          }
        });
      case 'on_success':
      case 'on_failure':
      case 'on_abort':
      case 'on_error':
      case 'ensure':
        this.visit(step.step);
        return this.#with(`.${step.kind}`, () => this.envelope(step.hook));
    }
  }

  #hasResource(name: string): boolean {
    return this.pipeline.resources.some((r) => r.config.name === name);
  }

  #get(step: Extract<Step, { kind: 'get' }>): void {
    this.#identifier(step.name, [...step.path, 'get']);
    if (this.#seenGets.has(step.name)) this.#error('repeated name', [...step.path, 'get']);
    this.#seenGets.add(step.name);
    if (!this.#hasResource(step.resource)) {
      this.#error(`unknown resource '${step.resource}'`, [
        ...step.path,
        step.resource === step.name ? 'get' : 'resource',
      ]);
    }
    this.#with('.passed', () =>
      step.passed.forEach((pattern, i) => {
        const at = [...step.path, 'passed', i];
        // Go's path.Match: a malformed pattern matches nothing (its error is ignored).
        const match = compilePathMatch(pattern);
        const jobs = match ? this.pipeline.jobs.filter((j) => match(j.name)) : [];
        if (jobs.length === 0) this.#error(`no matching job(s) for '${pattern}'`, at);
        for (const job of jobs) {
          if (!interactsWith(job, step.resource)) {
            this.#error(`job '${job.name}' does not interact with resource '${step.resource}'`, at);
          }
        }
      }),
    );
  }

  #task(step: Extract<Step, { kind: 'task' }>): void {
    this.#identifier(step.name, [...step.path, 'task']);
    if (step.config === undefined && step.file === undefined) {
      this.#error('must specify either `file:` or `config:`', [...step.path, 'task']);
    }
    if (step.config !== undefined && step.file !== undefined) {
      this.#error('must specify one of `file:` or `config:`, not both', [...step.path, 'file']);
    }
    const cfg = step.config;
    if (cfg !== undefined && (cfg.rootfs_uri || cfg.image_resource) && step.image) {
      this.#warn(
        'pipeline',
        'specifies image: on the step but also specifies an image under config: - the image: on the step takes precedence',
        [...step.path, 'image'],
      );
    }
    if (step.hermetic) {
      this.#warn('pipeline', 'specifies `hermetic:` only works against worker containerd runtime', [
        ...step.path,
        'hermetic',
      ]);
    }
    if (cfg === undefined) return;
    const at = [...step.path, 'config'];
    this.#with('.config', () => {
      if (step.configUnknownFields.length > 0) {
        const list = step.configUnknownFields.map((f) => JSON.stringify(f)).join(' ');
        this.#error(`unknown fields [${list}]`, [...at, step.configUnknownFields[0] as string, atKey]);
      }
      for (const e of taskConfigErrors(cfg)) this.#error(e.message, [...at, ...e.path]);
    });
  }
}

/** TaskConfig.Validate: platform and input/output names (paths relative to the config). */
export function taskConfigErrors(cfg: {
  platform?: string | undefined;
  inputs?: ({ name?: string | undefined } | null)[] | null | undefined;
  outputs?: ({ name?: string | undefined } | null)[] | null | undefined;
}): Finding[] {
  const found: Finding[] = [];
  if (!cfg.platform) found.push({ message: "missing 'platform'", path: [] });
  (cfg.inputs ?? []).forEach((input, i) => {
    if (!input?.name)
      found.push({ message: `  input in position ${i} is missing a name`, path: ['inputs', i] });
  });
  (cfg.outputs ?? []).forEach((output, i) => {
    if (!output?.name)
      found.push({ message: `  output in position ${i} is missing a name`, path: ['outputs', i] });
  });
  return found;
}

function interactsWith(job: Job, resource: string): boolean {
  let found = false;
  walkSteps(job.step, (s) => {
    if ((s.kind === 'get' || s.kind === 'put') && s.resource === resource) found = true;
  });
  return found;
}

/** Job names matched by each `passed` entry of the job's gets (globs expanded). */
function upstreamJobs(p: Pipeline, job: Job): string[] {
  const names: string[] = [];
  for (const get of jobInputs(job)) {
    for (const pattern of get.passed) {
      const match: JobMatcher | undefined = compilePathMatch(pattern);
      if (!match) continue;
      for (const j of p.jobs) if (match(j.name) && !names.includes(j.name)) names.push(j.name);
    }
  }
  return names;
}

function validateCycles(p: Pipeline, c: Collector): void {
  const state = new Map<string, 'visiting' | 'done'>();
  const byName = new Map(p.jobs.map((j) => [j.name, j]));
  const visit = (job: Job): string | undefined => {
    state.set(job.name, 'visiting');
    for (const next of upstreamJobs(p, job)) {
      const s = state.get(next);
      if (s === 'visiting') return next;
      if (s === undefined) {
        const nextJob = byName.get(next);
        const found = nextJob ? visit(nextJob) : undefined;
        if (found !== undefined) return found;
      }
    }
    state.set(job.name, 'done');
    return undefined;
  };
  for (const job of p.jobs) {
    if (state.has(job.name)) continue;
    const start = visit(job);
    if (start !== undefined) {
      c.error(`pipeline contains a cycle that starts at Job '${start}'`, byName.get(start)?.path ?? ['jobs']);
      return;
    }
  }
}

export function hasErrors(result: ValidationResult): boolean {
  return result.errors.length > 0;
}

/** Go's url.Parse failure cases that matter for a background image, then the scheme rule. */
function validateDisplay(p: Pipeline, c: Collector): void {
  if (p.display === undefined) return;
  const image = p.display.config.background_image ?? '';
  const at = [...p.display.path, 'background_image'];
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(image)?.[1];
  // eslint-disable-next-line no-control-regex
  const invalid = /[\x00-\x1f\x7f]/.test(image) || /%(?![0-9a-fA-F]{2})/.test(image) || image.startsWith(':');
  if (invalid) {
    c.error(`background_image is not a valid URL: ${image}`, at);
    return;
  }
  const s = scheme?.toLowerCase() ?? '';
  if (s !== '' && s !== 'http' && s !== 'https') {
    c.error('background_image scheme must be either http, https or relative', at);
  }
}
