/**
 * The closed set of failures a resource reports. Each prints one line on stderr and exits 1
 * (or the status a reference exits with for the same failure, e.g. git's 128, when given);
 * the class says whose fault it is, so users know where to look.
 */
abstract class ResourceError extends Error {
  abstract readonly kind: string;
  /** The process's exit status: non-zero, FAILURE_EXIT_CODE unless the error names another. */
  readonly exitCode: number;
  constructor(message: string, options?: { cause?: unknown; exitCode?: number }) {
    super(message, options);
    this.name = new.target.name;
    const code = options?.exitCode;
    this.exitCode =
      code !== undefined && Number.isInteger(code) && code > 0 && code < 256 ? code : FAILURE_EXIT_CODE;
  }
}

/** The user's configuration is wrong: bad `source`/`params`, bad stdin. */
export class ConfigError extends ResourceError {
  readonly kind = 'config';
}

/** The remote side refused or failed: authentication, missing object, network. */
export class RemoteError extends ResourceError {
  readonly kind = 'remote';
}

/** The resource broke the protocol itself: a bug in the resource, not in the pipeline. */
export class ProtocolError extends ResourceError {
  readonly kind = 'protocol';
}

export type KnownError = ConfigError | RemoteError | ProtocolError;

export const isKnownError = (error: unknown): error is KnownError => error instanceof ResourceError;

/** Exit status for any failure: Concourse only distinguishes zero from non-zero. */
export const FAILURE_EXIT_CODE = 1;

/** The one line printed for an error, with the cause chain when it adds information. */
export function describeError(error: unknown): string {
  if (isKnownError(error)) {
    const prefix = error.kind === 'protocol' ? 'resource bug: ' : '';
    const cause =
      error.cause instanceof Error && !error.message.includes(error.cause.message)
        ? `: ${error.cause.message}`
        : '';
    return `${prefix}${error.message}${cause}`;
  }
  const message = error instanceof Error ? error.message : String(error);
  return `unexpected error: ${message} (set HANGAR_DEBUG=1 for details)`;
}

/** Full detail (stacks and causes), printed only when HANGAR_DEBUG=1. */
export function debugDetail(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 5; depth++) {
    parts.push(current instanceof Error ? (current.stack ?? current.message) : JSON.stringify(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join('\ncaused by: ');
}
