// An instanced pipeline is stored under its ref, `name/k:v,...` as fly prints it (atc.PipelineRef):
// instance vars flattened to dotted keys, sorted, values as JSON with the quotes dropped from
// strings that YAML would read back as the same string.
const plainString = /^[A-Za-z_][\w.\-/]*$/;
const yamlNonStrings = /^(true|false|yes|no|on|off|y|n|null|~)$/i;

function flatten(value: unknown, prefix: string, out: [string, unknown][]): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else out.push([prefix, value]);
}

export function pipelineRef(name: string, instanceVars: Record<string, unknown> | undefined): string {
  if (instanceVars === undefined || Object.keys(instanceVars).length === 0) return name;
  const pairs: [string, unknown][] = [];
  flatten(instanceVars, '', pairs);
  pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const text = pairs.map(([k, v]) => {
    const plain = typeof v === 'string' && plainString.test(v) && !yamlNonStrings.test(v);
    return `${k}:${plain ? v : JSON.stringify(v)}`;
  });
  return `${name}/${text.join(',')}`;
}

/** A ref's group name: the pipeline's name without its instance vars (names never hold a `/`). */
export const groupName = (ref: string): string => ref.split('/')[0]!;
