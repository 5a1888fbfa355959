// What the engine needs from a place that runs processes: resource scripts speaking the protocol
// and task processes. The host runtime implements it with local processes; an oci runtime
// (unpacked images under runc) is meant to implement the same interface.

export type ResourceAction = 'check' | 'in' | 'out';

export type OutputSource = 'stdout' | 'stderr';

export interface ResourceInvocation {
  /** The resource type name (a base type such as `git`, or a custom type mapped by the registry). */
  type: string;
  action: ResourceAction;
  /** `$1` for `in` (destination) and `out` (sources); unset for `check`. */
  dir?: string | undefined;
  /** Working directory; defaults to `dir`. */
  cwd?: string | undefined;
  /** The exact JSON written to stdin. */
  stdin: string;
  env: Record<string, string>;
  signal: AbortSignal;
  /** Every chunk of the script's stderr, as it arrives. */
  onStderr: (text: string) => void;
}

export interface ProcessResult {
  exitCode: number;
  /** Captured stdout (resource invocations only; task stdout is streamed). */
  stdout: string;
}

export interface TaskInvocation {
  path: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  signal: AbortSignal;
  onOutput: (text: string, source: OutputSource) => void;
}

export interface Runtime {
  readonly name: string;
  /** Throws a user-facing error when this runtime cannot run resources of this type. */
  assertResourceType(type: string): void;
  runResource(invocation: ResourceInvocation): Promise<ProcessResult>;
  runTask(invocation: TaskInvocation): Promise<{ exitCode: number }>;
}

/** Raised when a process was stopped because its signal was aborted. */
export class AbortedError extends Error {
  override name = 'AbortedError';
  constructor(message = 'interrupted') {
    super(message);
  }
}

export function isAborted(err: unknown): boolean {
  return err instanceof AbortedError;
}
