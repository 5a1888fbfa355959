// A small client for Grafana's annotations API over fetch, with timeouts and bounded retries.
import { rootCertificates } from 'node:tls';
import { Agent, fetch } from 'undici';
import * as z from 'zod/mini';
import {
  ConfigError,
  RemoteError,
  UnexpectedAnswer,
  parseAnswer,
  withRetry,
  type Logger,
  type Redactor,
} from '@hangar/resource-sdk';
import { isOn, type Source } from './source.js';

/** A failure worth another attempt: 429, 5xx, or no answer at all. */
class TransientError extends RemoteError {}

// What this resource reads from each of Grafana's answers (Grafana adds more fields).
const CREATED = z.object({ id: z.number() });
const PATCHED = z.object({ message: z.string() });
const ANNOTATION = z.object({ tags: z.array(z.string()) });

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

/** The source checked as the reference's Validate does: in its order, in its words. */
function endpoint(source: Source): { base: string; auth: string } {
  if (!source.url) throw new ConfigError("'url' is required in the source definition");
  if (!source.username && !source.api_token)
    throw new ConfigError("'username' or 'api_token' are required in the source definition");
  if (source.username && !source.password)
    throw new ConfigError("'password' is required in the source definition when 'username' is present");
  const base = source.url.replace(/\/+$/, '');
  if (source.api_token) return { base, auth: `Bearer ${source.api_token}` };
  return { base, auth: `Basic ${Buffer.from(`${source.username}:${source.password}`).toString('base64')}` };
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
  const { base, auth } = endpoint(source);
  const dispatcher = new Agent({
    connect: {
      rejectUnauthorized: !isOn(source.insecure),
      ...(source.ca_cert ? { ca: [...rootCertificates, source.ca_cert] } : {}),
    },
  });
  const timeoutMs = (source.timeout ?? 10) * 1000;

  async function call<S extends z.ZodMiniType>(
    method: string,
    path: string,
    schema: S,
    body?: AnnotationBody,
  ): Promise<z.output<S>> {
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
        if (response.status === 200)
          return parseAnswer(schema, { answered: `${what} answered 200`, text }, redactor);
        const detail = `${what}: expected 200 from Grafana, got ${response.status}: ${redactor.redact(text.trim()).slice(0, 500)}`;
        if (response.status === 429 || response.status >= 500) throw new TransientError(detail);
        throw new RemoteError(detail);
      },
      {
        retries: source.retries ?? 0,
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
      return (await call('POST', '', CREATED, body)).id;
    },
    async patch(id, body) {
      await call('PATCH', `/${encodeURIComponent(id)}`, PATCHED, body);
    },
    async tags(id) {
      try {
        return (await call('GET', `/${encodeURIComponent(id)}`, ANNOTATION)).tags;
      } catch (error) {
        // Only a refusal means "cannot say" (no GET by id before Grafana 9); a garbled 200 is an error.
        if (error instanceof TransientError || error instanceof UnexpectedAnswer) throw error;
        return undefined;
      }
    },
  };
}
