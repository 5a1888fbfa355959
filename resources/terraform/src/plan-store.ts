// Saved plans live in the backend itself, in the workspace `<env>-plan`, as sensitive outputs of a
// module with no resources: only built-in features, so no provider is ever downloaded.
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { RemoteError } from '@hangar/resource-sdk';
import { openSession, type SessionOptions } from './session.js';
import { summariseShowJson, type PlanSummary } from './outputs.js';
import type { Tofu } from './tofu.js';

export const planWorkspace = (envName: string): string => `${envName}-plan`;

export const planChecksum = (plan: Uint8Array): string => createHash('sha256').update(plan).digest('hex');

export interface StoredPlan {
  plan: Buffer;
  /** `show -json` of the plan. */
  json: string;
  checksum: string;
  summary: PlanSummary;
}

/** The reference stores the first two (base64 plan, gzip+base64 `show -json`); we add the checksum. */
const PLAN_OUTPUTS = ['plan_content', 'plan_content_json', 'plan_checksum'] as const;

/** The module whose state carries the plan: each variable comes straight back as an output. */
function planModule(): string {
  const variable = Object.fromEntries(
    PLAN_OUTPUTS.map((name) => [name, { type: 'string', sensitive: true }]),
  );
  const output = Object.fromEntries(
    PLAN_OUTPUTS.map((name) => [name, { value: `\${var.${name}}`, sensitive: true }]),
  );
  return JSON.stringify({ variable, output }, null, 2);
}

/** Applies the plan module in `<env>-plan`; its own logs stay out of the build log unless it fails. */
export async function storePlan(
  options: Omit<SessionOptions, 'moduleDir' | 'userEnv' | 'withoutTfVars'>,
  tmp: string,
  envName: string,
  stored: StoredPlan,
): Promise<void> {
  const moduleDir = join(tmp, 'plan-store');
  await mkdir(moduleDir, { recursive: true });
  await writeFile(join(moduleDir, 'main.tf.json'), planModule());
  const values = {
    plan_content: stored.plan.toString('base64'),
    plan_content_json: gzipSync(stored.json).toString('base64'),
    plan_checksum: stored.checksum,
  };
  const varFile = join(tmp, 'plan-store.tfvars.json');
  await writeFile(varFile, JSON.stringify(values), { mode: 0o600 });
  const session = await openSession({ ...options, moduleDir, withoutTfVars: true });
  try {
    await session.tofu.selectWorkspace(planWorkspace(envName), true);
    await session.tofu.run(['apply', '-no-color', '-input=false', '-auto-approve', `-var-file=${varFile}`], {
      quiet: true,
    });
  } finally {
    await session.close();
  }
}

/**
 * The plan stored for `envName` (by us or by the reference), or undefined; leaves `<env>-plan`
 * selected.
 */
export async function loadPlan(
  tofu: Tofu,
  envName: string,
  workspaces: readonly string[],
): Promise<StoredPlan | undefined> {
  if (!workspaces.includes(planWorkspace(envName))) return undefined;
  await tofu.selectWorkspace(planWorkspace(envName), false);
  const outputs = await tofu.outputs();
  const text = (name: string) => {
    const value = outputs[name]?.value;
    if (typeof value !== 'string')
      throw new RemoteError(
        `workspace '${planWorkspace(envName)}' holds no '${name}': it was not written by this resource`,
      );
    return value;
  };
  const plan = Buffer.from(text('plan_content'), 'base64');
  const checksum = planChecksum(plan);
  const recorded = outputs['plan_checksum']?.value;
  if (recorded !== undefined && checksum !== recorded)
    throw new RemoteError(`the plan stored in '${planWorkspace(envName)}' is corrupt (checksum mismatch)`);
  const json = gunzipSync(Buffer.from(text('plan_content_json'), 'base64')).toString('utf8');
  return { plan, json, checksum, summary: summariseShowJson(json) };
}

/** Forgets the stored plan of `envName` (after an apply or destroy made it stale). */
export async function discardPlan(tofu: Tofu, envName: string, workspaces: readonly string[]): Promise<void> {
  if (workspaces.includes(planWorkspace(envName))) await tofu.deleteWorkspace(planWorkspace(envName));
}
