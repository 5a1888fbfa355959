// Which environment (= workspace) a put works on.
import { readFile } from 'node:fs/promises';
import { randomInt } from 'node:crypto';
import { ConfigError } from '@hangar/resource-sdk';
import { putPath } from './put-paths.js';
import { ADJECTIVES, NOUNS } from './name-words.js';
import type { PutParams, Source } from './source.js';

export { ADJECTIVES, NOUNS };

export const randomName = (): string =>
  `${ADJECTIVES[randomInt(ADJECTIVES.length)]}-${NOUNS[randomInt(NOUNS.length)]}`;

/**
 * As the reference: trimmed, each space a dash. Then tofu's own rule for workspace names (a URL path
 * segment that needs no escaping), checked here so that the error names the field.
 */
export function normaliseEnvName(raw: string, field: string): string {
  const name = raw.trim().replaceAll(' ', '-');
  if (!name) throw new ConfigError(`invalid '${field}': the environment name is empty`);
  if (!/^[A-Za-z0-9._~$&+:=@-]+$/.test(name))
    throw new ConfigError(
      `invalid '${field}': '${name}' is not a valid workspace name (letters, digits and . _ ~ $ & + : = @ -)`,
    );
  return name;
}

/** `env_name_file` > `generate_random_name` > `params.env_name` > `source.env_name`. */
export async function resolveEnvName(
  source: Source,
  params: PutParams,
  sources: string,
  existing: () => Promise<string[]>,
): Promise<string> {
  if (source.workspace === 'default' && (params.env_name_file || params.generate_random_name))
    throw new ConfigError(
      `params.${params.env_name_file ? 'env_name_file' : 'generate_random_name'} needs one workspace per environment, but source.workspace is 'default'`,
    );
  if (params.env_name_file) {
    const path = putPath(sources, params.env_name_file);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      throw new ConfigError(`invalid 'params.env_name_file': file '${params.env_name_file}' does not exist`);
    }
    return normaliseEnvName(text, 'params.env_name_file');
  }
  if (params.generate_random_name) {
    const taken = new Set(await existing());
    for (let attempt = 0; attempt < 10; attempt++) {
      const name = randomName();
      if (!taken.has(name)) return name;
    }
    throw new ConfigError('params.generate_random_name: no free name after 10 attempts; set params.env_name');
  }
  if (params.env_name) return normaliseEnvName(params.env_name, 'params.env_name');
  if (source.env_name) return normaliseEnvName(source.env_name, 'source.env_name');
  if (source.workspace === 'default') return 'default';
  throw new ConfigError(
    `missing environment name: set source.env_name or one of params.env_name, params.env_name_file, params.generate_random_name`,
  );
}
