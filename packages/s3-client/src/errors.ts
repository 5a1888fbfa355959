// One-line descriptions of S3 failures: the service's error code and HTTP status, or the network cause.
import { RemoteError, isKnownError } from '@hangar/resource-sdk';
import { describeUnreadableAnswer } from './answers.js';

interface SdkErrorShape {
  name?: string;
  message?: string;
  code?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
  cause?: unknown;
  errors?: unknown[];
}

const HTTP_REASONS: Record<number, string> = {
  301: 'the bucket is in another region (set source.region_name)',
  400: 'bad request',
  403: 'access denied',
  404: 'not found',
  409: 'conflict',
  500: 'server error',
  501: 'not implemented by this store',
  503: 'service unavailable',
};

/** `NoSuchKey (404): The specified key does not exist.` or `connect ECONNREFUSED 127.0.0.1:9000`. */
export function s3ErrorMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (isKnownError(error)) return error.message; // already one line, e.g. an answer of the wrong shape
  const unreadable = describeUnreadableAnswer(error);
  if (unreadable) return unreadable;
  const shape = error as SdkErrorShape;
  const status = shape.$metadata?.httpStatusCode;
  if (status === undefined) {
    // Network failures: node wraps several attempts (IPv4/IPv6) in an AggregateError with no message.
    const inner = shape.errors?.find((item): item is Error => item instanceof Error);
    const message = error.message || inner?.message || shape.code || error.name;
    return /^(AbortError|TimeoutError)$/.test(error.name) ? message : `network error: ${message}`;
  }
  const code = shape.Code ?? (shape.name && shape.name !== 'Error' ? shape.name : undefined);
  const generic = !code || code === 'UnknownError' || code === 'Unknown' || /^\d+$/.test(code);
  const label = generic ? (HTTP_REASONS[status] ?? 'error') : code;
  const detail =
    error.message && error.message !== code && error.message !== 'UnknownError' ? `: ${error.message}` : '';
  return `${label} (HTTP ${status})${detail}`;
}

/** HTTP status of an SDK error, if the store answered at all. */
export const s3Status = (error: unknown): number | undefined =>
  (error as SdkErrorShape | undefined)?.$metadata?.httpStatusCode;

/** True for "the key (or version) does not exist" answers. */
export function isNotFound(error: unknown): boolean {
  const name = (error as SdkErrorShape | undefined)?.name;
  return name === 'NoSuchKey' || name === 'NotFound' || name === 'NoSuchVersion' || s3Status(error) === 404;
}

/** The store's answer (or the network failure) in one line; the SDK's error is its cause. */
export class S3RequestError extends Error {
  readonly status: number | undefined;
  constructor(error: unknown) {
    super(s3ErrorMessage(error), { cause: error });
    this.name = 'S3RequestError';
    this.status = s3Status(error);
  }
}

/** A RemoteError saying what we were doing: `cannot list s3://bucket/prefix: access denied (HTTP 403)`. */
export function remoteError(action: string, error: unknown): RemoteError {
  const described = error instanceof S3RequestError ? error : new S3RequestError(error);
  return new RemoteError(`${action}: ${described.message}`, { cause: described });
}
