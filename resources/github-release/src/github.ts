// The REST client: Octokit with GitHub's recommended retry and throttling behaviour, pointed at
// github.com, a GitHub Enterprise Server or a test server through `baseUrl`.
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import Bottleneck from 'bottleneck/light.js';
import { Agent, fetch as undiciFetch } from 'undici';
import type { CheckContext } from '@hangar/resource-sdk';
import { ConfigError, RemoteError } from '@hangar/resource-sdk';
import { checkAnswer } from './answers.js';
import { authOptions } from './auth.js';
import { isOn, type Source } from './source.js';

// Typed as the plain client: the plugins add behaviour, not methods this resource calls.
const Client: typeof Octokit = Octokit.plugin(retry, throttling);
export type GitHubClient = Octokit;

export const DEFAULT_API_URL = 'https://api.github.com';
export const DEFAULT_UPLOADS_URL = 'https://uploads.github.com';
/** Times a rate-limited request is retried after the wait GitHub asks for. */
const RATE_LIMIT_RETRIES = 3;

export interface Repository {
  octokit: GitHubClient;
  owner: string;
  repo: string;
  /** Base of the uploads host, without trailing slash. */
  uploadsUrl: string;
}

const trimSlash = (url: string) => url.replace(/\/+$/, '');

/**
 * GitHub asks integrations to leave a second between writes and three seconds between writes that
 * notify (such as creating a release); plugin-throttling does so. `HANGAR_GITHUB_PACING_MS` sets
 * one shorter interval for both, for tests against a local server.
 */
function pacing(env: Readonly<Record<string, string | undefined>>): object {
  const raw = env['HANGAR_GITHUB_PACING_MS'];
  if (raw === undefined || !/^\d+$/.test(raw)) return {};
  const minTime = Number(raw);
  return {
    write: new Bottleneck.Group({ id: 'hangar-write', maxConcurrent: 1, minTime }),
    notifications: new Bottleneck.Group({ id: 'hangar-notifications', maxConcurrent: 1, minTime }),
  };
}

/** A fetch that does not verify TLS certificates (`insecure: true`). */
function insecureFetch(): typeof globalThis.fetch {
  const dispatcher = new Agent({ connect: { rejectUnauthorized: false } });
  return ((input: string, init?: object) =>
    undiciFetch(input, { ...init, dispatcher })) as unknown as typeof globalThis.fetch;
}

export function connect({
  source,
  log,
  env,
  redactor,
}: Pick<CheckContext<Source>, 'source' | 'log' | 'env' | 'redactor'>): Repository {
  const owner = source.user ?? source.owner;
  if (!owner) throw new ConfigError("source.owner is required (or the legacy 'user')");
  const baseUrl = trimSlash(source.github_api_url ?? DEFAULT_API_URL);
  const uploadsUrl = trimSlash(
    source.github_uploads_url ?? (source.github_api_url ? source.github_api_url : DEFAULT_UPLOADS_URL),
  );
  const octokit = new Client({
    baseUrl,
    ...authOptions(source),
    userAgent: 'hangar-github-release-resource',
    ...(isOn(source.insecure) ? { request: { fetch: insecureFetch() } } : {}),
    log: {
      debug: (message: string) => log.debug(message),
      info: () => {},
      warn: (message: string) => log.warn(message),
      error: () => {},
    },
    throttle: {
      ...pacing(env),
      onRateLimit: (
        retryAfter: number,
        options: { method: string; url: string },
        _client: unknown,
        retryCount: number,
      ) => {
        log.info(`rate limited on ${options.method} ${options.url}; retrying in ${retryAfter}s`);
        return retryCount < RATE_LIMIT_RETRIES;
      },
      onSecondaryRateLimit: (
        retryAfter: number,
        options: { method: string; url: string },
        _client: unknown,
        retryCount: number,
      ) => {
        log.info(`secondary rate limit on ${options.method} ${options.url}; retrying in ${retryAfter}s`);
        return retryCount < RATE_LIMIT_RETRIES;
      },
    },
  });
  // Every answer passes through here, paginated pages too, before any caller reads it.
  octokit.hook.after('request', (response, options) => checkAnswer(options.method, response, redactor));
  return { octokit, owner, repo: source.repository, uploadsUrl };
}

/** An HTTP status from an Octokit error, if it has one. */
export const statusOf = (error: unknown): number | undefined =>
  typeof error === 'object' && error !== null && 'status' in error && typeof error.status === 'number'
    ? error.status
    : undefined;

/** Wraps a failed call in a RemoteError that says what was attempted. */
export function remote(what: string, error: unknown): RemoteError {
  const status = statusOf(error);
  const message = error instanceof Error ? error.message : String(error);
  return new RemoteError(`${what}: ${status ? `${status} ` : ''}${message}`, { cause: error });
}
