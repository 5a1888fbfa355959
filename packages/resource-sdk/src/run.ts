import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type * as z from 'zod/mini';
import { readBuildMetadata, type BuildMetadata } from './build-metadata.js';
import {
  ConfigError,
  FAILURE_EXIT_CODE,
  ProtocolError,
  debugDetail,
  describeError,
  isKnownError,
} from './errors.js';
import { createLogger, type Logger } from './logger.js';
import { Redactor } from './redact.js';
import { decodeRequest } from './request.js';
import { parseConfig, type Schema } from './schema.js';
import type { ScriptName, Version, VersionResult } from './types.js';
import { validateCheckResult, validateVersionResult, type EmptyMetadata } from './validate-output.js';

interface BaseContext<Source> {
  source: Source;
  log: Logger;
  /** Scrubs secrets from any text the resource builds itself (e.g. a remote's error body). */
  redactor: Redactor;
  build: BuildMetadata;
  env: Readonly<Record<string, string | undefined>>;
  /** Aborted when Concourse interrupts the step (SIGTERM/SIGINT). */
  signal: AbortSignal;
}

export interface CheckContext<Source> extends BaseContext<Source> {
  /** The latest version Concourse knows, absent on the first check. */
  version: Version | undefined;
}

export interface InContext<Source, Params> extends BaseContext<Source> {
  /** The version to fetch; `{}` when the request has none (each resource decides what that means). */
  version: Version;
  params: Params;
  /** `$1`: where the version's bits go (also the working directory). */
  destination: string;
}

export interface OutContext<Source, Params> extends BaseContext<Source> {
  params: Params;
  /** `$1`: the directory holding the build's artifacts, one sub-directory per input. */
  sources: string;
  /**
   * `source` and `params` as sent, before the schemas read them (for a reference that echoes
   * them). Always set by the SDK; optional so that tests may build a context by hand.
   */
  request?: { source: Record<string, unknown>; params: Record<string, unknown> };
}

export interface ResourceDefinition<S extends Schema, G extends Schema, P extends Schema> {
  /** Resource type name, used in messages. */
  name: string;
  source: S;
  getParams: G;
  putParams: P;
  /** Keys holding secrets that the default pattern (password, token, *_key, …) would miss. */
  secretKeys?: readonly string[];
  /**
   * `warn` where the reference ignores keys it does not know (Go's json.Unmarshal, `jq`): an
   * unknown key in source or params is a warning naming the nearest known key, then dropped.
   * Default `reject`: an error, as where the reference rejects them.
   */
  unknownKeys?: 'reject' | 'warn';
  /** `omit`: an in/out answer without metadata is `{version}` alone, as the reference prints it. */
  emptyMetadata?: EmptyMetadata;
  /** How long `in`/`out` may keep running after SIGTERM to clean up (default: exit at once). */
  abortGraceMs?: number;
  check(context: CheckContext<z.output<S>>): Promise<Version[]>;
  in(context: InContext<z.output<S>, z.output<G>>): Promise<VersionResult>;
  out(context: OutContext<z.output<S>, z.output<P>>): Promise<VersionResult>;
}

/** Where a resource reads and writes; the real process by default, buffers in tests. */
export interface ResourceIo {
  argv: readonly string[];
  /** The request: a stream, or the bytes already read. */
  stdin: Readable | Uint8Array;
  stdout: Writable;
  stderr: Writable;
  env: Readonly<Record<string, string | undefined>>;
  signal?: AbortSignal;
}

const SCRIPTS: readonly ScriptName[] = ['check', 'in', 'out'];

/** `/opt/resource/check` (or a link named so), else `resource.js check …`. */
export function parseInvocation(argv: readonly string[]): { script: ScriptName; args: string[] } {
  const [, self = '', ...rest] = argv;
  const byName = basename(self).replace(/\.(c|m)?js$/, '');
  if ((SCRIPTS as readonly string[]).includes(byName)) return { script: byName as ScriptName, args: rest };
  const [first, ...args] = rest;
  if (first && (SCRIPTS as readonly string[]).includes(first)) return { script: first as ScriptName, args };
  throw new ConfigError(
    `usage: ${basename(self) || 'resource'} check|in|out [directory] (request JSON on stdin)`,
  );
}

async function readAll(stream: Readable | Uint8Array): Promise<Uint8Array> {
  if (stream instanceof Uint8Array) return stream;
  const chunks: Buffer[] = [];
  for await (const chunk of stream)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}

function write(stream: Writable, text: string): Promise<void> {
  return new Promise((done, fail) => stream.write(text, (error) => (error ? fail(error) : done())));
}

/**
 * While the resource runs, anything sent to console.* or process.stdout goes to the build log
 * (stderr) through redaction: stdout is reserved for the one JSON answer.
 */
function guardStdout(log: Logger, io: ResourceIo): () => void {
  const saved = {
    log: console.log,
    info: console.info,
    debug: console.debug,
    warn: console.warn,
    error: console.error,
  };
  const toLog = (...args: unknown[]) =>
    log.info(args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' '));
  Object.assign(console, { log: toLog, info: toLog, debug: toLog, warn: toLog, error: toLog });
  const realWrite = process.stdout.write.bind(process.stdout);
  const redirect = io.stdout === process.stdout;
  if (redirect) {
    process.stdout.write = (chunk: string | Uint8Array) => {
      toLog(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
      return true;
    };
  }
  return () => {
    Object.assign(console, saved);
    if (redirect) process.stdout.write = realWrite;
  };
}

/** Runs one resource script against `io` and returns its exit status. */
export async function invokeResource<S extends Schema, G extends Schema, P extends Schema>(
  definition: ResourceDefinition<S, G, P>,
  io: ResourceIo,
): Promise<number> {
  const debug = io.env['HANGAR_DEBUG'] === '1';
  let redactor = new Redactor();
  const writeErr = (line: string) => io.stderr.write(line);
  let restore = () => {};
  try {
    const { script, args } = parseInvocation(io.argv);
    const raw = decodeRequest(await readAll(io.stdin), script, (note) => {
      if (debug) writeErr(`debug: ${note}\n`);
    });
    redactor = Redactor.fromConfig({ source: raw.source, params: raw.params }, definition.secretKeys);
    const log = createLogger(writeErr, redactor, debug);
    const parsing =
      definition.unknownKeys === 'warn'
        ? { onUnknownKey: (message: string) => log.warn(`ignoring ${message}`) }
        : {};
    const base = {
      source: parseConfig(definition.source, raw.source, 'source', parsing),
      log,
      redactor,
      build: readBuildMetadata(io.env),
      env: io.env,
      signal: io.signal ?? new AbortController().signal,
    };
    restore = guardStdout(log, io);
    let output: unknown;
    if (script === 'check') {
      output = validateCheckResult(await definition.check({ ...base, version: raw.version }));
    } else {
      const directory = args[0];
      if (!directory)
        throw new ConfigError(
          `usage: ${script} <directory>: Concourse passes the ${script === 'in' ? 'destination' : 'sources'} directory as the first argument`,
        );
      if (script === 'in') {
        const params = parseConfig(definition.getParams, raw.params, 'params', parsing);
        const result = await definition.in({
          ...base,
          version: raw.version ?? {},
          params,
          destination: resolve(directory),
        });
        output = validateVersionResult(result, 'in', definition.emptyMetadata);
      } else {
        const params = parseConfig(definition.putParams, raw.params, 'params', parsing);
        const request = { source: raw.source, params: raw.params };
        output = validateVersionResult(
          await definition.out({ ...base, params, sources: resolve(directory), request }),
          'out',
          definition.emptyMetadata,
        );
      }
    }
    restore();
    await write(io.stdout, `${JSON.stringify(output)}\n`);
    return 0;
  } catch (error) {
    restore();
    const message = redactor.redact(describeError(error));
    io.stderr.write(`error: ${message}\n`);
    if (debug) io.stderr.write(`${redactor.redact(debugDetail(error))}\n`);
    return isKnownError(error) ? error.exitCode : FAILURE_EXIT_CODE;
  }
}

/** Reading fd 0 synchronously skips the stream machinery: a few ms of every resource's start-up. */
function readStdin(): Readable | Uint8Array {
  try {
    return readFileSync(0);
  } catch {
    return process.stdin; // e.g. EAGAIN on a non-blocking descriptor
  }
}

/**
 * The entry point of a resource bundle: reads the real stdin, writes the answer to stdout, logs
 * to stderr, and exits. On SIGTERM/SIGINT the context's signal aborts and, after the grace
 * period, the process exits with 128+signal like an uncaught signal would.
 */
export function runResource<S extends Schema, G extends Schema, P extends Schema>(
  definition: ResourceDefinition<S, G, P>,
): void {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals, code: number) => () => {
    controller.abort(new ProtocolError(`interrupted by ${signal}`));
    setTimeout(() => process.exit(128 + code), definition.abortGraceMs ?? 0);
  };
  process.once('SIGTERM', onSignal('SIGTERM', 15));
  process.once('SIGINT', onSignal('SIGINT', 2));
  void invokeResource(definition, {
    argv: process.argv,
    stdin: readStdin(),
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    signal: controller.signal,
  }).then((code) => process.exit(code));
}

/** Identity helper that lets TypeScript infer the schemas' types inside the handlers. */
export function defineResource<S extends Schema, G extends Schema, P extends Schema>(
  definition: ResourceDefinition<S, G, P>,
): ResourceDefinition<S, G, P> {
  return definition;
}
