// Test helper (not part of the runtime): runs a resource in-process the way Concourse runs
// /opt/resource/{check,in,out}, capturing what it prints.
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
