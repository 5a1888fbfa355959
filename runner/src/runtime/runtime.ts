// What the engine needs from a place that runs processes: resource scripts speaking the protocol
// and task processes. The host runtime implements it with local processes, the oci runtime with
// runc containers from images; the image fields below are what the host runtime ignores.
import type { ResourceTypeConfig } from '../model/types.js';

export type ResourceAction = 'check' | 'in' | 'out';

export type OutputSource = 'stdout' | 'stderr';

export interface ResourceInvocation {
  /** The resource type name (a base type such as `git`, or a custom type mapped by the registry). */
  type: string;
  action: ResourceAction;
  /** `$1` for `in` (destination) and `out` (sources); unset for `check`. */
  dir?: string | undefined;
  /** Working directory; defaults to `dir`. For `check`, state kept between checks of one resource. */
  cwd?: string | undefined;
  /** The exact JSON written to stdin. */
  stdin: string;
  env: Record<string, string>;
  signal: AbortSignal;
  /** Every chunk of the script's stderr, as it arrives. */
  onStderr: (text: string) => void;
  /** The pipeline's `resource_types` (custom types are images). */
  resourceTypes?: readonly ResourceTypeConfig[] | undefined;
}

/** An anonymous resource whose `get` yields an image: `image_resource`, a custom type's image. */
export interface ImageResource {
  type: string;
  source: Record<string, unknown>;
  params?: Record<string, unknown> | undefined;
  version?: Record<string, string> | undefined;
}

/** Where a task's root filesystem comes from (Concourse's order: `image:` before `image_resource`). */
export type TaskImage =
  { kind: 'artifact'; dir: string } | { kind: 'resource'; resource: ImageResource } | { kind: 'none' };

export interface ContainerLimits {
  cpu?: number | undefined;
  memory?: number | undefined;
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
  /** The task's directory on this machine, seen in a container as `containerDir` (`/tmp/build/<hash>`). */
  workDir?: string | undefined;
  containerDir?: string | undefined;
  image?: TaskImage | undefined;
  resourceTypes?: readonly ResourceTypeConfig[] | undefined;
  user?: string | undefined;
  privileged?: boolean | undefined;
  limits?: ContainerLimits | undefined;
  /** Told the runc container a task runs in while it runs (undefined once it ended), for `fly intercept`. */
  onContainer?: ((runc: RuncTarget | undefined) => void) | undefined;
}

export interface RuncTarget {
  id: string;
  stateRoot: string;
  binary: string;
  /** The task's working directory inside the container. */
  cwd: string;
}

export interface Runtime {
  readonly name: string;
  /** Throws a user-facing error when this runtime cannot run resources of this type. */
  assertResourceType(type: string, resourceTypes?: readonly ResourceTypeConfig[]): void;
  /** False on the host runtime: task images, `privileged`, limits and `run.user` are ignored. */
  readonly runsImages: boolean;
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
