// Logging in to OpenStack for the swift driver: the storage URL and token to use with Swift.
// Keystone v2 and v3 are read from the `openstack` fields as the reference's gophercloud reads
// them (same request bodies, same version choice, same catalog lookup), taking the union of what
// its v1.x (rackspace/gophercloud) and v2.x (gophercloud v2) accept; an identity endpoint ending
// in /v1.0 or /v1 is Swift's own v1 auth (tempauth, swauth), which the reference lacks.
import { ConfigError, RemoteError, type Logger } from '@hangar/resource-sdk';
import type { Source } from '../source.js';

export type OpenstackOptions = NonNullable<Source['openstack']>;
export type OpenstackScope = NonNullable<OpenstackOptions['scope']>;

export interface SwiftSession {
  /** The account URL objects live under, e.g. https://swift.example/v1/AUTH_project. */
  storageUrl: string;
  token: string;
}

type Json = Record<string, unknown>;

/** Authenticates with the `openstack` fields and finds the public object-store endpoint of `region`. */
export async function openSwiftSession(
  options: OpenstackOptions,
  region: string,
  signal: AbortSignal,
  log: Logger,
): Promise<SwiftSession> {
  const endpoint = options.identity_endpoint;
  if (!endpoint)
    throw new ConfigError(
      "missing required field 'source.openstack.identity_endpoint' (needed by the swift driver)",
    );
  if (!URL.canParse(endpoint)) throw new ConfigError('source.openstack.identity_endpoint is not a URL');
  if (/\/v1(\.0)?\/?$/.test(new URL(endpoint).pathname)) return swiftV1(endpoint, options, signal);
  const { version, url } = await chooseIdentityVersion(endpoint, signal);
  if (options.passcode)
    log.warn('ignoring source.openstack.passcode: the swift driver never sends it (as the reference)');
  return version === 'v3'
    ? keystoneV3(url, options, region, signal)
    : keystoneV2(url, options, region, signal);
}

/** Swift's v1 auth: `account:user` and key as headers, the storage URL and token in the answer. */
async function swiftV1(url: string, options: OpenstackOptions, signal: AbortSignal): Promise<SwiftSession> {
  if (!options.username || !options.password)
    throw new ConfigError(
      'source.openstack.username and source.openstack.password are both needed for v1 auth (username is account:user)',
    );
  const answer = await call(url, {
    headers: { 'X-Auth-User': options.username, 'X-Auth-Key': options.password },
    signal,
  });
  const storageUrl = answer.headers.get('x-storage-url');
  const token = answer.headers.get('x-auth-token');
  await answer.body?.cancel();
  if (!storageUrl || !token)
    throw new RemoteError(`GET ${url} answered without X-Storage-Url and X-Auth-Token`);
  return { storageUrl, token };
}

/**
 * gophercloud's choice: an endpoint ending in /v2.0 or /v3 is used as is; otherwise the versions
 * listed at its base (the URL up to any `vN` segment) decide: the one whose link is the endpoint,
 * else v3 over v2.0 among those current, supported or stable.
 */
async function chooseIdentityVersion(
  endpoint: string,
  signal: AbortSignal,
): Promise<{ version: 'v2.0' | 'v3'; url: string }> {
  const url = withSlash(endpoint);
  if (url.endsWith('/v3/')) return { version: 'v3', url };
  if (url.endsWith('/v2.0/')) return { version: 'v2.0', url };
  const base = new URL(endpoint);
  base.search = base.hash = '';
  const versionAt = base.pathname.search(/v[0-9.]+\/?/);
  if (versionAt >= 0) base.pathname = base.pathname.slice(0, versionAt);
  const listing = (await (await call(base.href, { signal }, [200, 300])).json()) as Json;
  const values = ((listing['versions'] as Json | undefined)?.['values'] ?? []) as Json[];
  let best: { version: 'v2.0' | 'v3'; url: string } | undefined;
  for (const value of values) {
    const id = typeof value['id'] === 'string' ? value['id'] : '';
    const version = id.includes('v3') ? 'v3' : id.includes('v2.0') ? 'v2.0' : undefined;
    if (!version) continue;
    const links = (value['links'] ?? []) as Json[];
    const self = links.find((link) => link['rel'] === 'self')?.['href'];
    const href = typeof self === 'string' ? withSlash(self) : '';
    if (href && href === url) return { version, url: href };
    const status = typeof value['status'] === 'string' ? value['status'].toLowerCase() : '';
    const usable = ['current', 'supported', 'stable'].includes(status);
    if (usable && href && (!best || (version === 'v3' && best.version !== 'v3')))
      best = { version, url: href };
  }
  if (!best) throw new RemoteError(`no identity v2.0 or v3 version is available at ${base.href}`);
  return best;
}

/** Keystone v2: POST /tokens with password credentials (or a token) and the tenant. */
async function keystoneV2(
  url: string,
  o: OpenstackOptions,
  region: string,
  signal: AbortSignal,
): Promise<SwiftSession> {
  const auth: Json = {};
  if (o.username) {
    if (!o.password)
      throw new ConfigError('source.openstack.password is needed with source.openstack.username');
    auth['passwordCredentials'] = { username: o.username, password: o.password };
  } else if (o.token_id) auth['token'] = { id: o.token_id };
  else throw new ConfigError('set source.openstack.username and password, or source.openstack.token_id');
  if (o.tenant_id) auth['tenantId'] = o.tenant_id;
  if (o.tenant_name) auth['tenantName'] = o.tenant_name;
  const answer = await call(`${url}tokens`, jsonPost({ auth }, signal));
  const access = ((await answer.json()) as Json)['access'] as Json | undefined;
  const token = (access?.['token'] as Json | undefined)?.['id'];
  if (typeof token !== 'string') throw new RemoteError(`POST ${url}tokens answered without a token`);
  const storageUrl = findEndpoint(access?.['serviceCatalog'], region, (endpoint) =>
    endpoint['region'] === region ? endpoint['publicURL'] : undefined,
  );
  return { storageUrl, token };
}

/** Keystone v3: POST /auth/tokens, or with only `token_id` (no scope) GET it to read its catalog. */
async function keystoneV3(
  url: string,
  o: OpenstackOptions,
  region: string,
  signal: AbortSignal,
): Promise<SwiftSession> {
  const scope = requestedScope(o);
  let answer: Response;
  if (o.token_id && !scope) {
    if (o.allow_reauth)
      throw new ConfigError('source.openstack.allow_reauth cannot be used with token_id and no scope');
    answer = await call(`${url}auth/tokens`, {
      headers: { 'X-Auth-Token': o.token_id, 'X-Subject-Token': o.token_id },
      signal,
    });
  } else {
    const scopeBody =
      o.application_credential_id || o.application_credential_name ? undefined : v3Scope(scope);
    const body = { auth: { identity: v3Identity(o), ...(scopeBody ? { scope: scopeBody } : {}) } };
    answer = await call(`${url}auth/tokens`, jsonPost(body, signal), [201, 200]);
  }
  const token = answer.headers.get('x-subject-token');
  const catalog = (((await answer.json()) as Json)['token'] as Json | undefined)?.['catalog'];
  if (!token) throw new RemoteError(`${url}auth/tokens answered without X-Subject-Token`);
  const storageUrl = findEndpoint(catalog, region, (endpoint) =>
    endpoint['interface'] === 'public' && (endpoint['region'] === region || endpoint['region_id'] === region)
      ? endpoint['url']
      : undefined,
  );
  return { storageUrl, token };
}

function v3Identity(o: OpenstackOptions): Json {
  const userByName = (what: string): Json => {
    if (o.domain_id && o.domain_name)
      throw new ConfigError('set only one of source.openstack.domain_id and domain_name');
    if (o.domain_id) return { name: o.username, domain: { id: o.domain_id } };
    if (o.domain_name) return { name: o.username, domain: { name: o.domain_name } };
    throw new ConfigError(`source.openstack.username needs domain_id or domain_name (${what})`);
  };
  if (o.password) {
    if (o.username && o.user_id)
      throw new ConfigError('set only one of source.openstack.username and user_id');
    if (o.user_id && (o.domain_id || o.domain_name))
      throw new ConfigError('source.openstack.user_id cannot be combined with domain_id or domain_name');
    if (!o.username && !o.user_id)
      throw new ConfigError('source.openstack.password needs username or user_id');
    const user = o.user_id ? { id: o.user_id } : userByName('v3 password auth');
    return { methods: ['password'], password: { user: { ...user, password: o.password } } };
  }
  if (o.token_id) {
    if (o.username || o.user_id || o.domain_id || o.domain_name)
      throw new ConfigError(
        'source.openstack.token_id cannot be combined with username, user_id, domain_id or domain_name',
      );
    return { methods: ['token'], token: { id: o.token_id } };
  }
  const id = o.application_credential_id;
  const name = o.application_credential_name;
  if (id || name) {
    // The reference reads the secret from `application_credential_secretj` (a typo in its model).
    const secret = o.application_credential_secret || o.application_credential_secretj;
    if (!secret)
      throw new ConfigError(
        'source.openstack.application_credential_secret is needed with an application credential',
      );
    if (id) return { methods: ['application_credential'], application_credential: { id, secret } };
    if (!o.user_id && !o.username)
      throw new ConfigError('source.openstack.application_credential_name needs username or user_id');
    const user = o.user_id ? { id: o.user_id } : userByName('application credential');
    return { methods: ['application_credential'], application_credential: { name, user, secret } };
  }
  throw new ConfigError('set source.openstack.password, token_id or an application credential');
}

/**
 * `scope` when it is set (the reference since v2.0); otherwise the tenant as a project, as v1.x
 * did and gophercloud does without a scope: `tenant_id`, or `tenant_name` in the user's domain.
 */
function requestedScope(o: OpenstackOptions): OpenstackScope | undefined {
  if (o.scope && Object.values(o.scope).some(Boolean)) return o.scope;
  if (o.tenant_id) return { project_id: o.tenant_id };
  if (o.tenant_name)
    return {
      project_name: o.tenant_name,
      ...(o.domain_id ? { domain_id: o.domain_id } : {}),
      ...(o.domain_name ? { domain_name: o.domain_name } : {}),
    };
  return undefined;
}

/** gophercloud's scope rules: system, trust, project (by name with a domain, or by id), domain. */
function v3Scope(scope: OpenstackScope | undefined): Json | undefined {
  if (!scope) return undefined;
  if (scope.system) return { system: { all: true } };
  if (scope.trust_id) return { 'OS-TRUST:trust': { id: scope.trust_id } };
  if (scope.project_name) {
    if (scope.project_id)
      throw new ConfigError('set only one of source.openstack.scope.project_id and project_name');
    if (scope.domain_id) return { project: { name: scope.project_name, domain: { id: scope.domain_id } } };
    if (scope.domain_name)
      return { project: { name: scope.project_name, domain: { name: scope.domain_name } } };
    throw new ConfigError(
      'source.openstack.scope.project_name (or tenant_name) needs a domain_id or domain_name',
    );
  }
  if (scope.project_id) {
    if (scope.domain_id || scope.domain_name)
      throw new ConfigError('source.openstack.scope.project_id cannot be combined with a scope domain');
    return { project: { id: scope.project_id } };
  }
  if (scope.domain_id && scope.domain_name)
    throw new ConfigError('set only one of source.openstack.scope.domain_id and domain_name');
  if (scope.domain_id) return { domain: { id: scope.domain_id } };
  if (scope.domain_name) return { domain: { name: scope.domain_name } };
  return undefined;
}

/** The first object-store endpoint of the catalog that `pick` accepts. */
function findEndpoint(catalog: unknown, region: string, pick: (endpoint: Json) => unknown): string {
  for (const service of Array.isArray(catalog) ? (catalog as Json[]) : []) {
    if (service['type'] !== 'object-store') continue;
    for (const endpoint of (service['endpoints'] ?? []) as Json[]) {
      const url = pick(endpoint);
      if (typeof url === 'string' && url) return url.replace(/\/+$/, '');
    }
  }
  throw new RemoteError(`the service catalog has no public object-store endpoint in region '${region}'`);
}

const withSlash = (url: string) => (url.endsWith('/') ? url : `${url}/`);

function jsonPost(body: Json, signal: AbortSignal): RequestInit {
  return {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
    signal,
  };
}

/**
 * fetch, failing in one line on a network error or an unexpected status. The message names the
 * method, URL and status (plus Keystone's own error text), never a header or body we sent.
 */
export async function call(url: string, init: RequestInit, ok: readonly number[] = [200]): Promise<Response> {
  const method = init.method ?? 'GET';
  let answer: Response;
  try {
    answer = await fetch(url, init);
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new RemoteError(`${method} ${url} failed: ${cause?.code ?? cause?.message ?? String(error)}`);
  }
  if (ok.includes(answer.status)) return answer;
  const text = await answer.text().catch(() => '');
  let detail = '';
  try {
    const message = ((JSON.parse(text) as Json)['error'] as Json | undefined)?.['message'];
    if (typeof message === 'string') detail = `: ${message}`;
  } catch {
    // not Keystone's JSON error
  }
  throw new RemoteError(
    `${method} ${url} answered ${answer.status} ${answer.statusText}${detail}`.slice(0, 400),
  );
}
