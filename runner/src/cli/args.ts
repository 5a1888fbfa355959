// Flag parsing shared by the commands (node:util parseArgs), keeping the order of var flags
// because fly gives later -v/-y/-i flags precedence over earlier ones.
import { readFile } from 'node:fs/promises';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { buildStaticVars, StaticVarError, type StaticVarFlag } from '../vars/static.js';
import { CliError } from './io.js';

export const varOptions = {
  var: { type: 'string', short: 'v', multiple: true },
  'yaml-var': { type: 'string', short: 'y', multiple: true },
  'instance-var': { type: 'string', short: 'i', multiple: true },
  'load-vars-from': { type: 'string', short: 'l', multiple: true },
} as const satisfies ParseArgsConfig['options'];

export interface Parsed {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
  varFlags: { kind: 'string' | 'yaml' | 'instance' | 'file'; text: string }[];
}

export function parse(args: string[], options: NonNullable<ParseArgsConfig['options']>): Parsed {
  let result;
  try {
    result = parseArgs({ args, options, allowPositionals: true, strict: true, tokens: true });
  } catch (err) {
    throw new CliError((err as Error).message.split('\n')[0] ?? 'invalid arguments');
  }
  const kinds: Record<string, Parsed['varFlags'][number]['kind']> = {
    var: 'string',
    'yaml-var': 'yaml',
    'instance-var': 'instance',
    'load-vars-from': 'file',
  };
  const varFlags: Parsed['varFlags'] = [];
  for (const token of result.tokens) {
    if (token.kind !== 'option') continue;
    const kind = kinds[token.name];
    if (kind !== undefined && token.value !== undefined) varFlags.push({ kind, text: token.value });
  }
  return { values: result.values, positionals: result.positionals, varFlags };
}

/** The pipeline file: `-c FILE` like fly, or the first positional argument. */
export function pipelineArg(parsed: Parsed, command: string): string {
  const config = parsed.values.config;
  const file = typeof config === 'string' ? config : parsed.positionals[0];
  if (file === undefined) throw new CliError(`hangar ${command}: missing PIPELINE (a pipeline YAML file)`);
  return file;
}

export async function staticVarsFrom(parsed: Parsed): Promise<Record<string, unknown>> {
  const flags: StaticVarFlag[] = [];
  for (const flag of parsed.varFlags) {
    if (flag.kind === 'file') {
      let content: string;
      try {
        content = await readFile(flag.text, 'utf8');
      } catch (err) {
        throw new CliError(
          `could not read vars file ${flag.text}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
        );
      }
      flags.push({ kind: 'file', name: flag.text, content });
    } else {
      flags.push({ kind: flag.kind, text: flag.text });
    }
  }
  try {
    return buildStaticVars(flags).values;
  } catch (err) {
    if (err instanceof StaticVarError) throw new CliError(err.message);
    throw err;
  }
}
