// A small client for Grafana's annotations API over fetch, with timeouts and bounded retries.
import { rootCertificates } from 'node:tls';
import { Agent, fetch } from 'undici';
import { ConfigError, RemoteError, withRetry, type Logger, type Redactor } from '@hangar/resource-sdk';
import { isOn, type Source } from './source.js';

/** A failure worth another attempt: 429, 5xx, or no answer at all. */
class TransientError extends RemoteError {}

export interface AnnotationBody {
  time?: number;
  timeEnd?: number;
  text?: string;
  tags?: string[];
  dashboardUID?: string;
  panelId?: number;
}

export interface GrafanaClient {
  create(body: AnnotationBody): Promise<number>;
  patch(id: string, body: AnnotationBody): Promise<void>;
  /** The annotation's tags, or undefined when this Grafana cannot say (no GET by id before v9). */
  tags(id: string): Promise<string[] | undefined>;
}

function authorization(source: Source): string {
  if (source.api_token) return `Bearer ${source.api_token}`;
  if (source.username) {
    if (source.password === undefined)
      throw new ConfigError('source.password is required with source.username');
    return `Basic ${Buffer.from(`${source.username}:${source.password}`).toString('base64')}`;
  }
  throw new ConfigError('source: set api_token, or username and password');
}

function describeNetworkError(error: unknown): string {
  const failure = error as Error & { cause?: { code?: string; message?: string } };
  return failure.cause
    ? `${failure.message}: ${failure.cause.code ?? failure.cause.message ?? ''}`
    : failure.message;
}

export function grafanaClient(
  source: Source,
  log: Logger,
  redactor: Redactor,
  signal: AbortSignal,
): GrafanaClient {
  const auth = authorization(source);
  const base = source.url.replace(/\/+$/, '');
  const dispatcher = new Agent({
    connect: {
      rejectUnauthorized: !isOn(source.insecure),
      ...(source.ca_cert ? { ca: [...rootCertificates, source.ca_cert] } : {}),
    },
  });
  const timeoutMs = (source.timeout ?? 10) * 1000;

  async function call(method: string, path: string, body?: AnnotationBody): Promise<unknown> {
    const what = `${method} /api/annotations${path}`;
    return withRetry(
      async () => {
        let response;
        try {
          response = await fetch(`${base}/api/annotations${path}`, {
            method,
            headers: {
              authorization: auth,
              accept: 'application/json',
              ...(body ? { 'content-type': 'application/json' } : {}),
            },
            ...(body ? { body: JSON.stringify(body) } : {}),
            dispatcher,
            redirect: 'error',
            signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
          });
        } catch (error) {
          if (signal.aborted) throw error;
          if ((error as Error).name === 'TimeoutError')
            throw new TransientError(`${what}: cannot reach Grafana: timed out after ${timeoutMs / 1000}s`);
          throw new TransientError(`${what}: cannot reach Grafana: ${describeNetworkError(error)}`, {
            cause: error,
          });
        }
        const text = await response.text();
        if (response.status === 200) {
          try {
            return JSON.parse(text) as unknown;
          } catch (error) {
            throw new RemoteError(`${what}: Grafana answered 200 with a body that is not JSON`, {
              cause: error,
            });
          }
        }
        const detail = `${what}: expected 200 from Grafana, got ${response.status}: ${redactor.redact(text.trim()).slice(0, 500)}`;
        if (response.status === 429 || response.status >= 500) throw new TransientError(detail);
        throw new RemoteError(detail);
      },
      {
        retries: source.retries ?? 2,
        minDelayMs: 100,
        maxDelayMs: 5_000,
        signal,
        shouldRetry: (error) => error instanceof TransientError,
        onRetry: (error, attempt) =>
          log.warn(`${(error as Error).message}; retrying (attempt ${attempt + 1})`),
      },
    );
  }

  return {
    async create(body) {
      const answer = (await call('POST', '', body)) as { id?: unknown };
      if (typeof answer?.id !== 'number')
        throw new RemoteError('POST /api/annotations: Grafana answered without an id');
      return answer.id;
    },
    async patch(id, body) {
      await call('PATCH', `/${encodeURIComponent(id)}`, body);
    },
    async tags(id) {
      try {
        const answer = (await call('GET', `/${encodeURIComponent(id)}`)) as { tags?: unknown };
        return Array.isArray(answer?.tags) ? answer.tags.filter((tag) => typeof tag === 'string') : undefined;
      } catch (error) {
        if (error instanceof TransientError) throw error;
        return undefined;
      }
    },
  };
}
