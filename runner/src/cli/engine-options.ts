// The engine commands' flags and the opening of the state directory, apart from session.ts so
// that `hangar builds` lists builds without evaluating the engine, the runtimes or the web server.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ParseArgsConfig } from 'node:util';
import { openState } from '../engine/state.js';
import type { Store } from '../store/store.js';
import { varOptions, type Parsed } from './args.js';
import { CliError, type CliIo } from './io.js';

export const runtimeOptions = {
  runtime: { type: 'string' },
  'resource-registry': { type: 'string' },
  'registry-mirror': { type: 'string', multiple: true },
  images: { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

export const engineOptions = {
  ...varOptions,
  state: { type: 'string' },
  pipeline: { type: 'string', short: 'p' },
  'no-cache': { type: 'boolean' },
  override: { type: 'string', multiple: true },
  timestamps: { type: 'boolean', short: 't' },
  'no-color': { type: 'boolean' },
  'resource-type': { type: 'string', multiple: true },
  'external-url': { type: 'string' },
  ...runtimeOptions,
} as const satisfies ParseArgsConfig['options'];

/**
 * Opens --state (default .hangar) and marks builds a stopped runner left running errored. `claim`:
 * this process runs builds, so other commands leave its running builds alone while it lives.
 * `existing`: a command that only reads builds refuses to create an empty state.
 */
export function openStateDir(
  parsed: Parsed,
  io: CliIo,
  { claim = false, existing = false } = {},
): { store: Store; stateDir: string; interrupted: number } {
  const stateDir = resolve(typeof parsed.values.state === 'string' ? parsed.values.state : '.hangar');
  if (existing && !existsSync(stateDir)) {
    throw new CliError(`no hangar state in ${stateDir}: run a pipeline there first, or pass --state DIR`);
  }
  const { store, interrupted } = openState(stateDir, { claim });
  if (interrupted > 0) {
    io.stderr(
      `marked ${interrupted} interrupted build(s) errored (the previous runner was stopped mid-build)\n`,
    );
  }
  return { store, stateDir, interrupted };
}
