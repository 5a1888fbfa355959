// `vars` and `var_files` become -var-file arguments, in precedence order (later wins).
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '@hangar/resource-sdk';
import { parse as parseYaml } from 'yaml';

/** Reads a YAML or JSON file that must hold a mapping; errors name the field it came from. */
export async function readMapping(path: string, field: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new ConfigError(`invalid '${field}': file '${path}' does not exist or is unreadable`);
  }
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    throw new ConfigError(`invalid '${field}': '${path}' is not valid YAML or JSON: ${firstLine(error)}`);
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw new ConfigError(`invalid '${field}': '${path}' must hold a mapping of names to values`);
  return value as Record<string, unknown>;
}

const firstLine = (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n')[0];

/**
 * The merged `vars` first, then each of `var_files` in order: `.tfvars` files are HCL and passed
 * as they are, anything else is YAML or JSON and converted to `.tfvars.json`.
 */
export async function varFileArgs(
  vars: Record<string, unknown> | undefined,
  varFiles: readonly string[] | undefined,
  root: string,
  tmp: string,
): Promise<string[]> {
  const files: string[] = [];
  if (vars && Object.keys(vars).length) {
    const path = join(tmp, 'vars-0.tfvars.json');
    await writeFile(path, JSON.stringify(vars), { mode: 0o600 });
    files.push(path);
  }
  for (const [index, file] of (varFiles ?? []).entries()) {
    const field = `var_files[${index}]`;
    // As the reference's path.Join: under the put directory even when absolute; `..` is followed.
    const path = join(root, file);
    if (file.endsWith('.tfvars')) {
      try {
        await readFile(path);
      } catch {
        throw new ConfigError(`invalid '${field}': file '${file}' does not exist or is unreadable`);
      }
      files.push(path);
      continue;
    }
    const converted = join(tmp, `vars-${index + 1}.tfvars.json`);
    await writeFile(converted, JSON.stringify(await readMapping(path, field)), { mode: 0o600 });
    files.push(converted);
  }
  return files.map((path) => `-var-file=${path}`);
}
