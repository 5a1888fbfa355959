// Registry authentication: anonymous, basic, and bearer tokens fetched from the WWW-Authenticate realm.
import { Redactor } from '@hangar/resource-sdk';
import { parseToken } from './answers.js';
import { RegistryError, registryError } from './errors.js';

export interface Credentials {
  username: string;
  password: string;
}

export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** Parses `Bearer realm="…",service="…",scope="…"` (quoted values may hold commas). */
export function parseChallenge(header: string): Challenge | undefined {
  const match = /^\s*([A-Za-z]+)\s*(.*)$/s.exec(header);
  if (!match?.[1]) return undefined;
  const params: Record<string, string> = {};
  for (const [, key, quoted, bare] of (match[2] ?? '').matchAll(
    /([A-Za-z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g,
  )) {
    if (key) params[key.toLowerCase()] = (quoted ?? bare ?? '').replace(/\\(.)/g, '$1');
  }
  return { scheme: match[1].toLowerCase(), params };
}

/** Splits `repository:a:pull,push repository:b:pull` into `repository:a:pull`-style atoms. */
function scopeAtoms(scope: string): Set<string> {
  const atoms = new Set<string>();
  for (const item of scope.split(' ').filter(Boolean)) {
    const cut = item.lastIndexOf(':');
    for (const action of item.slice(cut + 1).split(',')) atoms.add(`${item.slice(0, cut)}:${action}`);
  }
  return atoms;
}

/** True when a token asked for `granted` also serves `needed` (push tokens serve pulls). */
const covers = (granted: string, needed: string): boolean => {
  const have = scopeAtoms(granted);
  return [...scopeAtoms(needed)].every((atom) => have.has(atom));
};

const basicHeader = (credentials: Credentials): string =>
  `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;

/**
 * Keeps the Authorization header per scope. Requests go out anonymously (or with basic auth once
 * the registry asked for it); a 401 carrying a Bearer challenge triggers one token request to the
 * realm, with the credentials as basic auth when there are any.
 */
export class RegistryAuth {
  readonly #tokens = new Map<string, string>();
  #basic = false;

  constructor(
    private readonly registry: string,
    private readonly credentials: Credentials | undefined,
    private readonly fetchImpl: typeof fetch = fetch,
    /** Learns each token, so no error quoting a body can print one. */
    private readonly redactor: Redactor = Redactor.fromConfig({ credentials }),
  ) {}

  /** Authorization header for a request needing `scope` (e.g. `repository:app:pull,push`), if known. */
  header(scope: string): string | undefined {
    const token =
      this.#tokens.get(scope) ?? [...this.#tokens].find(([granted]) => covers(granted, scope))?.[1];
    if (token) return `Bearer ${token}`;
    if (this.#basic && this.credentials) return basicHeader(this.credentials);
    return undefined;
  }

  /**
   * Handles a 401: learns the scheme and fetches a token. Returns false when retrying cannot
   * help (no challenge, or basic auth already sent).
   */
  async answer(response: Response, scope: string): Promise<boolean> {
    const challenge = parseChallenge(response.headers.get('www-authenticate') ?? '');
    if (challenge?.scheme === 'basic') {
      if (!this.credentials)
        throw new RegistryError(
          `registry ${this.registry}: authentication required (basic); no credentials given`,
          401,
        );
      if (this.#basic) return false;
      this.#basic = true;
      return true;
    }
    if (challenge?.scheme !== 'bearer' || !challenge.params['realm']) return false;
    // A token we already held was refused (expired, or too narrow): drop it and ask again. The
    // caller retries each request once, so this cannot loop.
    for (const [granted] of this.#tokens) if (covers(granted, scope)) this.#tokens.delete(granted);
    this.#tokens.set(scope, await this.#fetchToken(challenge.params, scope));
    return true;
  }

  async #fetchToken(params: Record<string, string>, scope: string): Promise<string> {
    const realm = params['realm'] ?? '';
    const url = new URL(realm);
    if (params['service']) url.searchParams.set('service', params['service']);
    const scopes = new Set([...(params['scope'] ?? '').split(' '), ...scope.split(' ')].filter(Boolean));
    for (const item of [...scopes].sort()) url.searchParams.append('scope', item);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.credentials) headers['authorization'] = basicHeader(this.credentials);
    const realmName = `${url.origin}${url.pathname}`;
    const response = await this.fetchImpl(url, { headers }).catch((error: unknown) => {
      throw new RegistryError(
        `registry ${this.registry}: token request to ${realmName} failed: ${(error as Error).message}`,
        0,
        undefined,
        {
          cause: error,
        },
      );
    });
    if (!response.ok) throw await registryError(this.registry, `token request to ${realmName}`, response);
    const token = parseToken({
      registry: this.registry,
      what: `token request to ${realmName}`,
      status: response.status,
      text: await response.text(),
      redactor: this.redactor,
    });
    this.redactor.add(token);
    return token;
  }
}
