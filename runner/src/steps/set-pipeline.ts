// `set_pipeline`: validate `<artifact>/<file>` with the step's vars, var_files and instance_vars,
// then save it in the same state (`self` = the running pipeline, which the scheduler then reloads;
// with instance_vars, the instanced pipeline `name/k:v`). `hangar serve` schedules what it saves.
import { parse as parseYaml } from 'yaml';
import { checkPipelineText, locatedErrors } from '../model/check.js';
import { pipelineRef } from '../store/pipeline-ref.js';
import type { SetPipelineStep } from '../model/types.js';
import { readArtifactFile } from './artifact-path.js';
import type { BuildContext, StepState } from './context.js';
import { StepError } from './errors.js';
import { resolveVars } from './runtime-vars.js';

export async function runSetPipeline(
  step: SetPipelineStep,
  ctx: BuildContext,
  state: StepState,
  origin: string,
): Promise<boolean> {
  ctx.events.emit('initialize', { origin: { id: origin }, name: step.name, step: 'set_pipeline' });
  ctx.events.emit('start', { origin: { id: origin } });
  if (step.team !== undefined && step.team !== 'main' && step.name !== 'self')
    throw new StepError(`team ${step.team} not found (hangar has the one team main)`);
  const instanceVars =
    step.instanceVars === undefined ? undefined : resolveVars(step.instanceVars, ctx, state);
  // inside across, the name and the file may use the across vars (`set_pipeline: ((.:name))`)
  const local = <T>(value: T): T => (state.inAcross ? resolveVars(value, ctx, state) : value);
  const baseName = local(step.name);
  const file = local(step.file);
  // `self` keeps the running pipeline's ref, instance vars included
  const name = baseName === 'self' ? ctx.pipeline?.name : pipelineRef(baseName, instanceVars);
  if (name === undefined) throw new StepError('set_pipeline: self can only be used in a pipeline build');
  const text = await readArtifactFile(state.scope, file, 'pipeline config');
  // instance vars are vars of the config too, below vars and var_files
  const vars: Record<string, unknown> = { ...instanceVars };
  for (const file of step.varFiles) {
    const data = parseYaml(await readArtifactFile(state.scope, file, 'var file'), {
      version: '1.1',
    }) as unknown;
    if (data && typeof data === 'object') Object.assign(vars, data);
  }
  Object.assign(vars, resolveVars(step.vars ?? {}, ctx, state));
  const result = checkPipelineText(text, file, { vars });
  if (result.kind === 'unreadable') throw new StepError(`${result.error.message}`);
  if (result.failed) {
    const first = locatedErrors(result)[0];
    throw new StepError(`invalid pipeline ${file}: ${first?.message ?? 'configuration invalid'}`);
  }
  const previous = ctx.store.pipeline(name);
  // an archived pipeline has no config in Concourse: setting it again always saves (unarchives) it
  const changed =
    previous?.archived === true || JSON.stringify(previous?.config) !== JSON.stringify(result.data);
  if (changed) {
    ctx.store.savePipeline(
      name,
      result.data,
      result.pipeline.resources.map((r) => r.config.name),
      result.pipeline.jobs.map((j) => j.name),
      { setByBuild: ctx.build.id, instanceVars: baseName === 'self' ? undefined : instanceVars },
    );
    ctx.events.log(origin, 'stdout', `pipeline ${name} ${previous ? 'updated' : 'created'}\n`);
    ctx.pipeline?.onPipelineSet?.(name);
  } else {
    ctx.store.markPipelineSetBy(name, ctx.build.id);
    ctx.events.log(origin, 'stdout', 'no changes to apply\n');
  }
  ctx.events.emit('set-pipeline-changed', { origin: { id: origin }, changed });
  ctx.events.emit('finish', { origin: { id: origin }, succeeded: true });
  return true;
}
