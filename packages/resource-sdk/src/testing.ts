// Test helper (not part of the runtime): runs a resource in-process the way Concourse runs
// /opt/resource/{check,in,out}, capturing what it prints.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { invokeResource, type ResourceDefinition } from './run.js';
import type { Schema } from './schema.js';

export interface CapturedRun {
  code: number;
  stdout: string;
  stderr: string;
}

const collect = (stream: PassThrough): (() => string) => {
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return () => Buffer.concat(chunks).toString();
};

/** Runs the resource with `args` (`check`, or `in <dir>`, …) on raw stdin bytes. */
export async function runCaptured(
  definition: ResourceDefinition<Schema, Schema, Schema>,
  args: readonly string[],
  stdin: string | Uint8Array,
  env: Record<string, string> = {},
): Promise<CapturedRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const [readOut, readErr] = [collect(stdout), collect(stderr)];
  const code = await invokeResource(definition, {
    argv: ['node', '/opt/resource/resource.js', ...args],
    stdin: Readable.from([Buffer.from(stdin)]),
    stdout,
    stderr,
    env,
  });
  return { code, stdout: readOut(), stderr: readErr() };
}

/** The parsed `schema/*.json` files of the resource package in `dir`, by file name. */
export async function readSchemaFiles(dir: string): Promise<Record<string, unknown>> {
  const names = (await readdir(join(dir, 'schema'))).filter((name) => name.endsWith('.json')).sort();
  const entries = await Promise.all(
    names.map(async (name) => [name, JSON.parse(await readFile(join(dir, 'schema', name), 'utf8'))] as const),
  );
  return Object.fromEntries(entries);
}

/** BUILD_* variables as Concourse sets them for `in`/`out`, for tests. */
export const TEST_BUILD_ENV: Readonly<Record<string, string>> = {
  BUILD_ID: '42',
  BUILD_NAME: '7',
  BUILD_JOB_NAME: 'deploy',
  BUILD_PIPELINE_NAME: 'cloud',
  BUILD_TEAM_NAME: 'main',
  ATC_EXTERNAL_URL: 'https://ci.example',
};

export interface InvokeOutcome extends CapturedRun {
  /** Parsed stdout when the script succeeded. */
  json: { version: Record<string, string>; metadata: { name: string; value: string }[] };
}

/** A leak found by `invoker`: a canary secret in what the resource printed. */
export class CanaryLeakError extends Error {}

/**
 * A test's `invoke(script, request, {dir, env})`: runs the resource in-process with `env`
 * (default `defaultEnv`), throws when any of `canaries` (read at each call) appears in its stdout
 * or stderr, and parses the stdout of a successful run.
 */
export function invoker(
  definition: ResourceDefinition<Schema, Schema, Schema>,
  {
    env: defaultEnv = TEST_BUILD_ENV,
    canaries = [],
  }: { env?: Record<string, string>; canaries?: readonly string[] } = {},
): (
  script: 'check' | 'in' | 'out',
  request: unknown,
  options?: { dir?: string; env?: Record<string, string> },
) => Promise<InvokeOutcome> {
  return async (script, request, options = {}) => {
    const args = [script, ...(options.dir ? [options.dir] : [])];
    const outcome = await runCaptured(
      definition,
      args,
      JSON.stringify(request),
      options.env ?? { ...defaultEnv },
    );
    for (const canary of canaries)
      if (outcome.stdout.includes(canary) || outcome.stderr.includes(canary))
        throw new CanaryLeakError(`a canary secret leaked in the output of ${script}`);
    const json =
      outcome.code === 0 ? (JSON.parse(outcome.stdout) as InvokeOutcome['json']) : (undefined as never);
    return { ...outcome, json };
  };
}

/** `{name: value}` of an outcome's metadata. */
export const metadataOf = (outcome: InvokeOutcome): Record<string, string> =>
  Object.fromEntries(outcome.json.metadata.map(({ name, value }) => [name, value]));
