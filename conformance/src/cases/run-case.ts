// Runs one case file: its setup, its steps in order (each a named check), then the generic suite on
// the same remote with the case's configuration.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  checkVersions,
  describeExit,
  outputValue,
  responseVersion,
  succeeded,
  type Call,
} from '../harness/call.js';
import { Harness, type HarnessOptions } from '../harness/harness.js';
import { isPlainObject, type Script } from '../protocol/types.js';
import { Inconclusive, skipped, verdict, type CheckResult } from '../checks/check-result.js';
import { runGenericSuite } from '../checks/suite.js';
import type { Subject } from '../subjects/subject.js';
import type { SuiteReport } from '../report/run-report.js';
import type { Expectation, LoadedCase, Step } from './format.js';
import { interpolate } from './interpolate.js';
import { matchString, matchVersion, matchVersions } from './matchers.js';
import { getSetup, type SetupResult } from './setups.js';

export interface CaseOutcome {
  suite: SuiteReport;
  calls: Call[];
}

export async function runCase(
  loaded: LoadedCase,
  subject: Subject,
  options: HarnessOptions,
  skip: string[] = [],
): Promise<CaseOutcome> {
  const { spec } = loaded;
  const dir = await mkdtemp(path.join(options.workRoot ?? tmpdir(), 'hangar-case-'));
  let setup: SetupResult = { values: {} };
  const harness = await Harness.create(subject, options);
  try {
    if (spec.setup) setup = await getSetup(spec.setup.use)(spec.setup.with, { dir, caseFile: loaded.file });
    const scope: Record<string, unknown> = { setup: setup.values, steps: {} };
    const source = interpolate(spec.source, scope);
    const results: CheckResult[] = [];
    for (const [index, step] of spec.steps.entries()) {
      results.push(await runStep(harness, step, index, { source, scope, setup, dir }));
    }
    if (spec.generic !== false) {
      const generic = interpolate(spec.generic, scope) as typeof spec.generic;
      const inputs = generic.inputs
        ? await materializeInputs(generic.inputs, path.join(dir, 'generic-inputs'))
        : undefined;
      results.push(
        ...(await runGenericSuite(harness, {
          source: isPlainObject(source) ? source : {},
          getParams: generic.get_params,
          putParams: generic.put_params,
          inputs,
          secrets: spec.secrets,
          secretOutputs: spec.secret_outputs,
          probe: setup.probe,
          skipBadInput: generic.skip_bad_input,
          notApplicable: generic.not_applicable,
          skip,
        })),
      );
    }
    return { suite: { name: loaded.name, results }, calls: [...harness.calls] };
  } finally {
    await setup.teardown?.().catch(() => undefined);
    await harness.dispose();
    await rm(dir, { recursive: true, force: true });
  }
}

interface StepContext {
  source: unknown;
  scope: Record<string, unknown>;
  setup: SetupResult;
  dir: string;
}

function scriptOf(step: Step): Script {
  if (step.check) return 'check';
  if (step.in) return 'in';
  return 'out';
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

async function materializeInputs(
  inputs: Record<string, Record<string, string>>,
  root: string,
): Promise<Record<string, string>> {
  const dirs: Record<string, string> = {};
  for (const [name, files] of Object.entries(inputs)) {
    dirs[name] = path.join(root, name);
    await mkdir(dirs[name], { recursive: true });
    for (const [rel, content] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(dirs[name], rel)), { recursive: true });
      await writeFile(path.join(dirs[name], rel), content);
    }
  }
  return dirs;
}

async function runStep(harness: Harness, step: Step, index: number, ctx: StepContext): Promise<CheckResult> {
  const script = scriptOf(step);
  const name = step.name ?? `${index + 1} ${script}`;
  const id = `step.${slug(name)}`;
  const title = `case step "${name}"`;
  try {
    const request = interpolate(step[script], ctx.scope) as NonNullable<Step['check']>;
    const expect = interpolate(step.expect, ctx.scope) as Expectation;
    if (expect.remote && !ctx.setup.probe)
      return verdict(id, title, ['expect.remote needs a setup with a probe']);
    const inputs = request.inputs
      ? await materializeInputs(request.inputs, path.join(ctx.dir, `step-${index}`))
      : undefined;
    const before = expect.remote ? await ctx.setup.probe?.() : undefined;
    const call = await harness.call(
      script,
      {
        source: request.source === undefined ? ctx.source : request.source,
        params: request.params,
        version: request.version,
      },
      { label: `${script} (step "${name}")`, purpose: 'case', ...(inputs ? { inputs } : {}) },
    );
    const reasons = await judgeStep(call, expect);
    if (expect.remote) {
      const after = await ctx.setup.probe?.();
      const changed = JSON.stringify(before) !== JSON.stringify(after);
      if (changed !== (expect.remote === 'changed'))
        reasons.push(`remote ${changed ? 'changed' : 'did not change'}`);
    }
    const metadata = metadataMap(outputValue(call));
    (ctx.scope['steps'] as Record<string, unknown>)[name] = {
      version: responseVersion(call),
      versions: checkVersions(call),
      metadata,
      exit: call.result.exitCode,
    };
    return verdict(id, title, reasons, [call.id]);
  } catch (error) {
    if (error instanceof Inconclusive) return skipped(id, title, error.message);
    return verdict(id, title, [(error as Error).message]);
  }
}

function metadataMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isPlainObject(value) && Array.isArray(value['metadata']))
    for (const entry of value['metadata'] as unknown[])
      if (isPlainObject(entry) && typeof entry['name'] === 'string')
        out[entry['name']] = String(entry['value']);
  return out;
}

async function judgeStep(call: Call, expect: Expectation): Promise<string[]> {
  const reasons: string[] = [];
  const r = call.result;
  if (r.timedOut) throw new Inconclusive(`inconclusive: ${call.label} timed out (reported by timeouts)`);
  if (expect.exit === 'nonzero') {
    if (r.exitCode === 0) reasons.push('expected a non-zero exit, got 0');
  } else if (r.exitCode !== expect.exit) {
    reasons.push(`expected exit ${expect.exit}, got ${describeExit(call)}`);
  }
  if (expect.stderr !== undefined) {
    const why = matchString(expect.stderr, r.stderr);
    if (why) reasons.push(`stderr: ${why}`);
  }
  if (!succeeded(call)) return reasons;
  if (expect.version !== undefined) {
    const why = matchVersion(expect.version, responseVersion(call));
    if (why) reasons.push(why);
  }
  if (expect.versions !== undefined)
    reasons.push(...matchVersions(expect.versions, checkVersions(call) ?? []));
  if (expect.metadata !== undefined) {
    const metadata = metadataMap(outputValue(call));
    for (const [key, matcher] of Object.entries(expect.metadata)) {
      const why = matchString(matcher, metadata[key]);
      if (why) reasons.push(`metadata ${key}: ${why}`);
    }
  }
  for (const [rel, matcher] of Object.entries(expect.files ?? {})) {
    const content = call.dest
      ? await readFile(path.join(call.dest, rel), 'utf8').catch(() => undefined)
      : undefined;
    const why = matchString(matcher, content);
    if (why) reasons.push(`file ${rel}: ${why}`);
  }
  return reasons;
}
