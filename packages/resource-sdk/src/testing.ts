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
