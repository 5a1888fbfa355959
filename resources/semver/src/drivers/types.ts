// What check/in/out need from a storage backend. A driver keeps one version and, for `bump`,
// guarantees compare-and-swap: the version it returns is the one it stored, on top of the one it read.
import type { Logger } from '@hangar/resource-sdk';
import type { Version } from '../version.js';

export interface DriverContext {
  log: Logger;
  signal: AbortSignal;
  env: Readonly<Record<string, string | undefined>>;
  /** `source.initial_version`, parsed (default 0.0.0). */
  initial: Version;
}

export interface VersionStore extends AsyncDisposable {
  /** Versions for `check`, oldest first, given the cursor Concourse sent (if any). */
  check(cursor: Version | undefined): Promise<Version[]>;
  /** Stores `version` as the current one (put with `file`). */
  set(version: Version): Promise<void>;
  /**
   * Reads the current version (the initial one when there is none), computes `next(current)` and
   * stores it only if nobody stored another version meanwhile; retries on a lost race. Resolves
   * with the version stored; rejects when it could not be stored.
   */
  bump(next: (current: Version) => Version): Promise<Version>;
}
