// A subject is the thing under test: something that can run a resource's check/in/out the way Concourse does.
// Host subjects (a directory of executables, a command) run processes directly; container subjects
// (an OCI layout, a registry image; they arrive with the images issue) map the mounts into a runc bundle.
import type { Script } from '../protocol/types.js';

/** A host directory the harness prepared and the path Concourse would mount it at inside the container. */
export interface Mount {
  host: string;
  target: string;
}

export interface RunOptions {
  /** argv after the executable, in host paths (`[dest]` for in/out, `[]` for check). */
  args: string[];
  /** Working directory in host paths; undefined for check (ATC sets none). */
  cwd?: string | undefined;
  /** Build metadata and anything else the harness wants the script to see; nothing is inherited. */
  env: Record<string, string>;
  stdin: string | Buffer;
  timeoutMs: number;
  /** Directories the call may use, with their Concourse paths, so container subjects can bind-mount them. */
  mounts: Mount[];
  /** Scratch directories standing in for the container's /tmp and $HOME. */
  scratch: { tmp: string; home: string };
  /** Poll /proc for the process tree's argv and environment while it runs. */
  watchProcesses?: boolean;
}

/** What the harness saw of one process of the subject's tree while it ran. */
export interface ProcessSighting {
  pid: number;
  cmdline: string;
  environ: string;
}

export interface RunResult {
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
  /** Set when the process could not be started at all. */
  spawnError?: string;
  /**
   * Container subjects: paths the call wrote in the subject's own filesystem outside the mounts
   * (e.g. from the overlay's upper dir). Host subjects leave it out; the harness watches their sandbox.
   */
  writesOutsideMounts?: string[];
  sightings: ProcessSighting[];
}

export type Availability = { ok: true } | { ok: false; reason: string };

export interface Subject {
  /** `dir`, `command`, later `oci` and `image`. */
  readonly kind: string;
  /** Human description for reports, e.g. `dir ./opt/resource`. */
  readonly description: string;
  /** Whether `script` exists and can be executed. */
  available(script: Script): Promise<Availability>;
  run(script: Script, options: RunOptions): Promise<RunResult>;
  /** Release anything the subject holds (unpacked rootfs, containers). */
  close(): Promise<void>;
}
