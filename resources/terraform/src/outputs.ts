// Terraform outputs as Concourse metadata, and plan summaries.
import type { MetadataField } from '@hangar/resource-sdk';
import type { OutputValue } from './tofu.js';

export const SENSITIVE = '<sensitive>';

/** JSON as Go's `json.Marshal` writes it: `<`, `>`, `&`, U+2028 and U+2029 escaped. */
const goMarshal = (value: unknown): string =>
  JSON.stringify(value ?? null).replace(
    /[<>&\u2028\u2029]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );

/**
 * One entry per output, as the reference writes them: sensitive values hidden, every other value
 * JSON-encoded by Go with the surrounding quotes trimmed (so a string shows bare, with its escapes).
 */
export function outputMetadata(outputs: Record<string, OutputValue>): MetadataField[] {
  return Object.entries(outputs)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, output]) => ({
      name,
      value: output.sensitive ? SENSITIVE : goMarshal(output.value).replace(/^"+|"+$/g, ''),
    }));
}

/** The `metadata` file: every output's raw value, sensitive ones included, keys sorted, one line. */
export function rawOutputsFile(outputs: Record<string, OutputValue>): string {
  const sorted = Object.keys(outputs)
    .sort()
    .map((name) => [name, outputs[name]?.value]);
  return `${JSON.stringify(Object.fromEntries(sorted))}\n`;
}

export interface PlanSummary {
  to_add: number;
  to_change: number;
  to_destroy: number;
}

/** Counts from `show -json <plan>`: a replacement counts as one add and one destroy. */
export function summariseShowJson(json: string): PlanSummary {
  const plan = JSON.parse(json) as { resource_changes?: { change?: { actions?: string[] } }[] };
  const summary: PlanSummary = { to_add: 0, to_change: 0, to_destroy: 0 };
  for (const change of plan.resource_changes ?? []) {
    const actions = change.change?.actions ?? [];
    if (actions.includes('create')) summary.to_add++;
    if (actions.includes('update')) summary.to_change++;
    if (actions.includes('delete')) summary.to_destroy++;
  }
  return summary;
}

/** Counts from the last line of `apply` or `destroy`: `Resources: 1 added, 0 changed, 2 destroyed.` */
export function summariseApplyOutput(output: string): PlanSummary | undefined {
  const line = output
    .split('\n')
    .reverse()
    .find((text) => /(Apply|Destroy) complete! Resources:/.test(text));
  if (!line) return undefined;
  const count = (word: string) => Number(new RegExp(`(\\d+) ${word}`).exec(line)?.[1] ?? 0);
  return { to_add: count('added'), to_change: count('changed'), to_destroy: count('destroyed') };
}

export const summaryMetadata = (summary: PlanSummary | undefined): MetadataField[] =>
  summary
    ? [
        { name: 'to_add', value: String(summary.to_add) },
        { name: 'to_change', value: String(summary.to_change) },
        { name: 'to_destroy', value: String(summary.to_destroy) },
      ]
    : [];
