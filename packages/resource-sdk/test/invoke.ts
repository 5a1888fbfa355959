import { PassThrough, Readable } from 'node:stream';
import { invokeResource, type ResourceDefinition, type Schema } from '../src/index.js';

export interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

const collect = (stream: PassThrough): (() => string) => {
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return () => Buffer.concat(chunks).toString();
};

/** Runs a resource in-process with the given argv and stdin, capturing what it prints. */
export async function invoke(
  definition: ResourceDefinition<Schema, Schema, Schema>,
  args: string[],
  stdin: string | Uint8Array,
  env: Record<string, string> = {},
): Promise<Outcome> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const readOut = collect(stdout);
  const readErr = collect(stderr);
  const code = await invokeResource(definition, {
    argv: ['node', '/opt/resource/resource.js', ...args],
    stdin: Readable.from([Buffer.from(stdin)]),
    stdout,
    stderr,
    env,
  });
  return { code, stdout: readOut(), stderr: readErr() };
}
