// The harness lays out a sandbox per call the way Concourse lays out a container (dest at $1 and cwd,
// a /tmp, a $HOME), runs the subject with a concurrency limit and a timeout, and records every call.
import { randomBytes } from 'node:crypto';
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pLimit, { type LimitFunction } from 'p-limit';
import { buildEnvironment, type BuildMetadata, type CheckEnvMode } from '../protocol/build-env.js';
import { encodeRequest, type ResourceRequest, type Script } from '../protocol/types.js';
import type { Mount, RunOptions, Subject } from '../subjects/subject.js';
import type { Call, CallPurpose } from './call.js';
import { diffSnapshots, isInside, snapshotTree } from './fs-snapshot.js';

export interface HarnessOptions {
  /** Per-call timeout. */
  timeoutMs: number;
  /** How many scripts may run at once. */
  concurrency: number;
  checkEnv: CheckEnvMode;
  buildMetadata?: BuildMetadata;
  /** Where sandboxes go; a fresh temp dir by default. */
  workRoot?: string;
}

export interface CallOptions {
  label: string;
  purpose: CallPurpose;
  /** Artifacts for out: name -> host directory copied to `$1/<name>`. */
  inputs?: Record<string, string>;
  /** Poll /proc for the process tree while the call runs (secret canaries). */
  watchProcesses?: boolean;
}

/** A request, or raw stdin bytes for malformed input. */
export type CallInput = ResourceRequest | { raw: string | Buffer };

export const CONCOURSE_PATHS = { get: '/tmp/build/get', put: '/tmp/build/put', tmp: '/tmp', home: '/root' };

export class Harness {
  readonly calls: Call[] = [];
  private nextId = 1;
  private readonly limit: LimitFunction;
  /**
   * ATC runs one check of a resource at a time, in a container it reuses: check calls share /tmp and
   * $HOME, so they take turns (run concurrently, a cache in /tmp would race with itself).
   */
  private readonly checkTurns = pLimit(1);
  private readonly inFlight = new Set<Promise<Call>>();
  private closing = false;

  private constructor(
    readonly subject: Subject,
    readonly options: HarnessOptions,
    readonly root: string,
  ) {
    this.limit = pLimit(Math.max(1, options.concurrency));
  }

  static async create(subject: Subject, options: HarnessOptions): Promise<Harness> {
    const root = await mkdtemp(path.join(options.workRoot ?? tmpdir(), 'hangar-conformance-'));
    await mkdir(path.join(root, 'check', 'tmp'), { recursive: true });
    await mkdir(path.join(root, 'check', 'home'), { recursive: true });
    return new Harness(subject, options, root);
  }

  /** The /tmp and $HOME that every check call shares, as a reused check container does. */
  get checkScratch(): string {
    return path.join(this.root, 'check');
  }

  /** A unique, unguessable token. */
  static token(prefix: string): string {
    return `${prefix}${randomBytes(8).toString('hex')}`;
  }

  call(script: Script, input: CallInput, options: CallOptions): Promise<Call> {
    const id = this.nextId++;
    const run = (): Promise<Call> => this.limit(() => this.run(id, script, input, options));
    const pending = script === 'check' ? this.checkTurns(run) : run();
    this.inFlight.add(pending);
    void pending.finally(() => this.inFlight.delete(pending)).catch(() => undefined);
    return pending;
  }

  private async run(id: number, script: Script, input: CallInput, options: CallOptions): Promise<Call> {
    if (this.closing) throw new Error('the harness is being disposed');
    const stdin = 'raw' in input ? input.raw : encodeRequest(input);
    const callDir = path.join(this.root, 'calls', `${id}-${script}`);
    const destRel = script === 'in' ? path.join('build', 'get') : path.join('build', 'put');
    const dest = script === 'check' ? undefined : path.join(callDir, destRel);
    const scratch =
      script === 'check'
        ? { tmp: path.join(this.checkScratch, 'tmp'), home: path.join(this.checkScratch, 'home') }
        : { tmp: path.join(callDir, 'tmp'), home: path.join(callDir, 'home') };
    await mkdir(scratch.tmp, { recursive: true });
    await mkdir(scratch.home, { recursive: true });
    if (dest !== undefined) await mkdir(dest, { recursive: true });
    for (const [name, from] of Object.entries(options.inputs ?? {})) {
      if (dest !== undefined) await cp(from, path.join(dest, name), { recursive: true });
    }

    const mounts: Mount[] = [
      { host: scratch.tmp, target: CONCOURSE_PATHS.tmp },
      { host: scratch.home, target: CONCOURSE_PATHS.home },
    ];
    if (dest !== undefined)
      mounts.push({ host: dest, target: script === 'in' ? CONCOURSE_PATHS.get : CONCOURSE_PATHS.put });
    const runOptions: RunOptions = {
      args: dest === undefined ? [] : [dest],
      cwd: dest,
      env: buildEnvironment(script, this.options.checkEnv, this.options.buildMetadata),
      stdin,
      timeoutMs: this.options.timeoutMs,
      mounts,
      scratch,
      watchProcesses: options.watchProcesses ?? false,
    };

    const before = script === 'check' ? undefined : await snapshotTree(callDir);
    const result = await this.subject.run(script, runOptions);
    const after = before === undefined ? undefined : await snapshotTree(callDir);
    const changes = before === undefined || after === undefined ? [] : diffSnapshots(before, after);
    const call: Call = {
      id,
      label: options.label,
      script,
      purpose: options.purpose,
      stdinPreview: preview(stdin),
      result,
      writesOutsideDest: [
        ...changes.filter(
          (rel) =>
            !isInside(rel, destRel) &&
            !isInside(rel, path.relative(callDir, scratch.tmp)) &&
            !isInside(rel, path.relative(callDir, scratch.home)),
        ),
        ...(result.writesOutsideMounts ?? []),
      ],
      filesWritten: changes
        .filter((rel) => !rel.startsWith('-') && after?.get(rel) !== 'dir')
        .map((rel) => path.join(callDir, rel)),
      mounts,
    };
    if (dest !== undefined) call.dest = dest;
    this.calls.push(call);
    return call;
  }

  /** Waits for calls still running (after a harness error, say) so none writes into a removed sandbox. */
  async dispose(): Promise<void> {
    this.closing = true;
    await Promise.allSettled([...this.inFlight]);
    await rm(this.root, { recursive: true, force: true });
  }
}

function preview(stdin: string | Buffer): string {
  const text = typeof stdin === 'string' ? stdin : stdin.toString('utf8');
  return text.length > 200 ? `${text.slice(0, 200)}… (${text.length} chars)` : text;
}
