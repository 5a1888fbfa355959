// `load_var`: read `<artifact>/<path>` into a local var; the format comes from `format:` or the
// file extension (json, yaml/yml, else trim). Values are redacted unless `reveal: true`.
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { LoadVarStep } from '../model/types.js';
import { readArtifactFile } from './artifact-path.js';
import type { BuildContext, StepState } from './context.js';
import { StepError } from './errors.js';

export function loadVarFormat(step: LoadVarStep): string {
  if (step.format) return step.format;
  const ext = extname(step.file).toLowerCase();
  if (ext === '.json') return 'json';
  if (ext === '.yaml' || ext === '.yml') return 'yaml';
  return 'trim';
}

export function decodeVar(text: string, format: string, file: string): unknown {
  try {
    switch (format) {
      case 'json':
        return JSON.parse(text) as unknown;
      case 'yaml':
      case 'yml':
        return parseYaml(text, { version: '1.1' }) as unknown;
      case 'raw':
        return text;
      default:
        return text.trim();
    }
  } catch (err) {
    throw new StepError(
      `failed to parse ${file} in format ${format}: ${(err as Error).message.split('\n')[0]}`,
    );
  }
}

export async function runLoadVar(
  step: LoadVarStep,
  ctx: BuildContext,
  state: StepState,
  origin: string,
): Promise<boolean> {
  ctx.events.emit('initialize', { origin: { id: origin }, name: step.name, step: 'load_var' });
  ctx.events.emit('start', { origin: { id: origin } });
  const text = await readArtifactFile(state.scope, step.file, 'load_var file');
  const value = decodeVar(text, loadVarFormat(step), step.file);
  if (!step.reveal) ctx.redactor.track(value);
  state.scope.setVar(step.name, value);
  ctx.events.emit('finish', { origin: { id: origin }, succeeded: true });
  return true;
}
