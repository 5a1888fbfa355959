// Static vars given on the command line, with fly's precedence:
// `-l` files first (a later file beats an earlier one), then `-v`/`-y`/`-i` in flag order.
import { parse as parseYaml } from 'yaml';
import type { Lookup } from './template.js';

export type StaticVarFlag =
  | { kind: 'string'; text: string } // -v name=value
  | { kind: 'yaml'; text: string } // -y name=yaml
  | { kind: 'instance'; text: string } // -i name=yaml
  | { kind: 'file'; name: string; content: string }; // -l file.yml (content already read)

export class StaticVarError extends Error {
  override name = 'StaticVarError';
}

export interface StaticVars {
  values: Record<string, unknown>;
  /** `-i` vars, which also identify an instanced pipeline. */
  instanceVars: Record<string, unknown>;
}

function splitAssignment(flag: string, text: string): [string[], string] {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new StaticVarError(`invalid ${flag} '${text}': expected name=value`);
  const path = text.slice(0, eq).split('.');
  if (path.some((p) => p === '')) throw new StaticVarError(`invalid ${flag} '${text}': empty field in name`);
  return [path, text.slice(eq + 1)];
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  path.slice(0, -1).forEach((key) => {
    const next = node[key];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  });
  node[path[path.length - 1] ?? ''] = value;
}

function yamlValue(flag: string, text: string): unknown {
  try {
    return parseYaml(text, { version: '1.1' }) as unknown;
  } catch (err) {
    throw new StaticVarError(`invalid ${flag} value '${text}': ${(err as Error).message.split('\n')[0]}`);
  }
}

export function buildStaticVars(flags: readonly StaticVarFlag[]): StaticVars {
  const values: Record<string, unknown> = {};
  const instanceVars: Record<string, unknown> = {};
  for (const flag of flags) {
    if (flag.kind !== 'file') continue;
    const parsed = yamlValue('-l', flag.content);
    if (parsed === null || parsed === undefined) continue;
    if (typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new StaticVarError(`invalid vars file ${flag.name}: expected a map of var names to values`);
    }
    Object.assign(values, parsed);
  }
  for (const flag of flags) {
    if (flag.kind === 'file') continue;
    const name = flag.kind === 'string' ? '-v' : flag.kind === 'yaml' ? '-y' : '-i';
    const [path, raw] = splitAssignment(name, flag.text);
    const value = flag.kind === 'string' ? raw : yamlValue(name, raw);
    setPath(values, path, value);
    if (flag.kind === 'instance') setPath(instanceVars, path, value);
  }
  return { values, instanceVars };
}

/** Resolves only source-less refs (`((name))`); `((src:x))` and `((.:x))` wait for run time. */
export function staticLookup(values: Record<string, unknown>): Lookup {
  return (ref) =>
    ref.source === undefined && Object.hasOwn(values, ref.path)
      ? { found: true, value: values[ref.path] }
      : { found: false };
}
