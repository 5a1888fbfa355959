// A local GitHub REST API for one repository: releases, release assets (upload host, download
// redirect), git refs and annotated tags, source archives. Requests are checked the way GitHub
// checks them — authentication first, then the route, then the body — and both the request and
// the fake's own answer are held to GitHub's published REST description (github-description.ts):
// an undocumented route is a 404, a body off the schema or with an unknown key a 422, and an answer
// off the schema a 500 that also makes `close()` fail, so the fake cannot drift from the real API.
import { createHash } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { AppAuthError, verifyAppJwt, type FakeGitHubApp } from './github-app.js';
import { GitHubDescription, type DescribedOperation } from './github-description.js';
import { closeServer, listenLocal, sendJson } from './http-server.js';

export type { FakeGitHubApp } from './github-app.js';

export interface FakeAsset {
  id: number;
  name: string;
  label: string | null;
  content_type: string;
  /** `uploaded`, or `starter` for an upload that never finished. */
  state: 'uploaded' | 'starter';
  data: Buffer;
  created_at: string;
}

export interface FakeRelease {
  id: number;
  tag_name: string;
  name: string | null;
  body: string | null;
  draft: boolean;
  prerelease: boolean;
  target_commitish: string;
  created_at: string;
  published_at: string | null;
  /** Published while the repository had immutable releases on: assets and tag are frozen. */
  immutable: boolean;
  assets: FakeAsset[];
}

export interface FakeGitHubRequest {
  method: string;
  /** Path without the query string, e.g. `/repos/o/r/releases`. */
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: unknown;
  status: number;
}

/** A failure served instead of the next matching request's normal answer. */
export type GitHubFailure =
  | { kind: 'rate-limit' }
  | { kind: 'secondary-rate-limit'; retryAfter: number }
  | { kind: 'server-error'; status?: 500 | 502 | 503 }
  /** What a fine-grained token without the needed permission gets. */
  | { kind: 'forbidden' }
  | { kind: 'abort-upload' };

export interface FakeGitHubOptions {
  owner?: string;
  repo?: string;
  /** Tokens that authenticate (default `ghp_fake`). */
  tokens?: readonly string[];
  /** Whether reads work without a token, as for a public repository (default true). */
  publicRepo?: boolean;
  defaultBranch?: string;
  /** GitHub Apps that may exchange a signed JWT for an installation token. */
  apps?: readonly FakeGitHubApp[];
  /** The repository setting "immutable releases": publishing a release freezes its assets. */
  immutableReleases?: boolean;
}

type Body = Record<string, unknown>;

/** The account the fake's releases are authored by, in GitHub's simple-user shape. */
const BOT_LOGIN = 'hangar-bot';
const BOT = {
  login: BOT_LOGIN,
  id: 1,
  node_id: 'BOT_kgDOAAAAAQ',
  avatar_url: 'https://avatars.githubusercontent.com/in/1?v=4',
  gravatar_id: '',
  url: `https://api.github.com/users/${BOT_LOGIN}`,
  html_url: `https://github.com/apps/${BOT_LOGIN}`,
  followers_url: `https://api.github.com/users/${BOT_LOGIN}/followers`,
  following_url: `https://api.github.com/users/${BOT_LOGIN}/following{/other_user}`,
  gists_url: `https://api.github.com/users/${BOT_LOGIN}/gists{/gist_id}`,
  starred_url: `https://api.github.com/users/${BOT_LOGIN}/starred{/owner}{/repo}`,
  subscriptions_url: `https://api.github.com/users/${BOT_LOGIN}/subscriptions`,
  organizations_url: `https://api.github.com/users/${BOT_LOGIN}/orgs`,
  repos_url: `https://api.github.com/users/${BOT_LOGIN}/repos`,
  events_url: `https://api.github.com/users/${BOT_LOGIN}/events{/privacy}`,
  received_events_url: `https://api.github.com/users/${BOT_LOGIN}/received_events`,
  type: 'Bot',
  user_view_type: 'public',
  site_admin: false,
};

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: unknown[],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** A JSON request body, refused the way GitHub refuses other media types and broken JSON. */
function parseJson(request: IncomingMessage, raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  if (!(request.headers['content-type'] ?? '').startsWith('application/json'))
    throw new HttpError(415, 'Unsupported Media Type');
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch {
    throw new HttpError(400, 'Problems parsing JSON');
  }
}

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');

interface TagObject {
  sha: string;
  tag: string;
  message: string;
  object: { type: 'commit' | 'tag'; sha: string };
}

export class FakeGitHub {
  readonly requests: FakeGitHubRequest[] = [];
  readonly releases: FakeRelease[] = [];
  /** refs/tags/<name> -> object it points at. */
  readonly tagRefs = new Map<string, { type: 'commit' | 'tag'; sha: string }>();
  readonly tagObjects = new Map<string, TagObject>();
  /** Answers the fake gave that GitHub's REST description does not allow (a bug in the fake). */
  readonly offDescription: string[] = [];
  readonly owner: string;
  readonly repo: string;
  private readonly description = GitHubDescription.load();
  readonly defaultBranch: string;
  /** The commit the default branch points at. */
  headSha = sha1('head');
  private readonly failures: { match: RegExp; failure: GitHubFailure }[] = [];
  private readonly tokens: Set<string>;
  private readonly publicRepo: boolean;
  private readonly apps: readonly FakeGitHubApp[];
  immutableReleases: boolean;
  private nextId = 1000;
  private clock = Date.parse('2026-01-01T00:00:00Z');

  private constructor(
    private readonly server: Server,
    /** API base URL (no trailing slash): point Octokit's `baseUrl` here. */
    readonly url: string,
    options: FakeGitHubOptions,
  ) {
    this.owner = options.owner ?? 'hangar-ci';
    this.repo = options.repo ?? 'widget';
    this.tokens = new Set(options.tokens ?? ['ghp_fake']);
    this.publicRepo = options.publicRepo ?? true;
    this.defaultBranch = options.defaultBranch ?? 'main';
    this.apps = options.apps ?? [];
    this.immutableReleases = options.immutableReleases ?? false;
  }

  static async start(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
    const started: { fake?: FakeGitHub } = {};
    const { server, url } = await listenLocal((request, _body, response, raw) =>
      started.fake?.handle(request, raw, response),
    );
    started.fake = new FakeGitHub(server, url, options);
    return started.fake;
  }

  /** The uploads host (GitHub's uploads.github.com), served by the same process. */
  get uploadsUrl(): string {
    return `${this.url}/uploads`;
  }

  /** Stops the server; fails if the fake ever answered off GitHub's REST description. */
  async close(): Promise<void> {
    await closeServer(this.server);
    if (this.offDescription.length)
      throw new Error(
        `the fake GitHub answered off the REST description:\n${this.offDescription.join('\n')}`,
      );
  }

  /** A timestamp one minute after the previous one, so creation order is visible. */
  private tick(): string {
    this.clock += 60_000;
    return new Date(this.clock).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  /** Adds a lightweight tag pointing at a commit; returns the commit sha. */
  addTag(tag: string, commit = sha1(`commit:${tag}`)): string {
    this.tagRefs.set(tag, { type: 'commit', sha: commit });
    return commit;
  }

  /** Adds an annotated tag (optionally a chain of `depth` tag objects); returns the commit sha. */
  addAnnotatedTag(tag: string, commit = sha1(`commit:${tag}`), depth = 1): string {
    let target: { type: 'commit' | 'tag'; sha: string } = { type: 'commit', sha: commit };
    for (let level = 0; level < depth; level++) {
      const sha = sha1(`tag:${tag}:${level}`);
      this.tagObjects.set(sha, { sha, tag, message: `release ${tag}`, object: target });
      target = { type: 'tag', sha };
    }
    this.tagRefs.set(tag, target);
    return commit;
  }

  /** Adds a release (and, unless it is a draft, its tag) as if made on github.com. */
  addRelease(
    release: Partial<Omit<FakeRelease, 'assets'>> & { tag_name: string; assets?: Record<string, string> },
  ): FakeRelease {
    const created = release.created_at ?? this.tick();
    const draft = release.draft ?? false;
    const made: FakeRelease = {
      id: release.id ?? this.nextId++,
      tag_name: release.tag_name,
      name: release.name ?? release.tag_name,
      body: release.body ?? null,
      draft,
      prerelease: release.prerelease ?? false,
      target_commitish: release.target_commitish ?? this.defaultBranch,
      created_at: created,
      published_at: release.published_at !== undefined ? release.published_at : draft ? null : created,
      immutable: release.immutable ?? (!draft && this.immutableReleases),
      assets: [],
    };
    for (const [name, content] of Object.entries(release.assets ?? {})) this.addAsset(made, name, content);
    if (!draft && !this.tagRefs.has(made.tag_name)) this.addTag(made.tag_name);
    this.releases.push(made);
    return made;
  }

  addAsset(
    release: FakeRelease,
    name: string,
    content: string | Buffer,
    state: FakeAsset['state'] = 'uploaded',
  ): FakeAsset {
    const asset: FakeAsset = {
      id: this.nextId++,
      name,
      label: null,
      content_type: 'application/octet-stream',
      state,
      data: Buffer.from(content),
      created_at: this.tick(),
    };
    release.assets.push(asset);
    return asset;
  }

  release(tag: string): FakeRelease | undefined {
    return this.releases.find((release) => release.tag_name === tag);
  }

  /** Serves `failure` to the next request whose `METHOD path` matches (default: any). */
  failNext(failure: GitHubFailure, match = /.*/): void {
    this.failures.push({ match, failure });
  }

  /** Requests that changed something (not GET). */
  writes(): FakeGitHubRequest[] {
    return this.requests.filter((request) => request.method !== 'GET');
  }

  // --- shapes -------------------------------------------------------------------------------

  private repoPath = () => `/repos/${this.owner}/${this.repo}`;

  private assetJson(asset: FakeAsset): Body {
    return {
      url: `${this.url}${this.repoPath()}/releases/assets/${asset.id}`,
      browser_download_url: `https://github.com/${this.owner}/${this.repo}/releases/download/x/${asset.name}`,
      id: asset.id,
      node_id: `RA_kwDO${Buffer.from(String(asset.id)).toString('base64url')}`,
      name: asset.name,
      label: asset.label,
      state: asset.state,
      content_type: asset.content_type,
      size: asset.data.length,
      digest: `sha256:${createHash('sha256').update(asset.data).digest('hex')}`,
      download_count: 0,
      created_at: asset.created_at,
      updated_at: asset.created_at,
      uploader: null,
    };
  }

  private releaseJson(release: FakeRelease): Body {
    const base = `${this.url}${this.repoPath()}`;
    return {
      url: `${base}/releases/${release.id}`,
      html_url: `https://github.com/${this.owner}/${this.repo}/releases/tag/${release.tag_name}`,
      assets_url: `${base}/releases/${release.id}/assets`,
      upload_url: `${this.uploadsUrl}${this.repoPath()}/releases/${release.id}/assets{?name,label}`,
      tarball_url: `${base}/tarball/${release.tag_name}`,
      zipball_url: `${base}/zipball/${release.tag_name}`,
      id: release.id,
      // Opaque on purpose: a client that decodes node ids breaks here.
      node_id: `RE_kwDO${createHash('md5').update(String(release.id)).digest('base64url')}`,
      tag_name: release.tag_name,
      target_commitish: release.target_commitish,
      name: release.name,
      body: release.body,
      draft: release.draft,
      prerelease: release.prerelease,
      immutable: release.immutable,
      created_at: release.created_at,
      published_at: release.published_at,
      updated_at: release.published_at ?? release.created_at,
      author: BOT,
      assets: release.assets.map((asset) => this.assetJson(asset)),
    };
  }

  // --- routing ------------------------------------------------------------------------------

  private handle(request: IncomingMessage, raw: Buffer, response: ServerResponse): void {
    const url = new URL(request.url ?? '/', this.url);
    const method = request.method ?? 'GET';
    const isUpload = url.pathname.startsWith('/uploads/');
    // The uploads host serves the same paths as the API (upload-release-asset's `servers`).
    const apiPath = isUpload ? url.pathname.slice('/uploads'.length) : url.pathname;
    let operation: DescribedOperation | undefined;
    let body: unknown = undefined;
    const record = (status: number) =>
      this.requests.push({
        method,
        path: url.pathname,
        query: url.searchParams,
        headers: request.headers,
        body,
        status,
      });
    const reply = (status: number, json: unknown, headers: Record<string, string> = {}) => {
      const problem =
        operation && json !== undefined ? this.description.checkResponse(operation, status, json) : undefined;
      if (problem) {
        this.offDescription.push(`${method} ${url.pathname} -> ${status}: ${problem}`);
        return reply(500, { message: `fake GitHub answered off the REST description: ${problem}` });
      }
      record(status);
      // Links name the host the client addressed, as GitHub's do: a client behind a forward (a
      // container reaching this fake through its network namespace) must be able to follow them.
      const origin = request.headers.host ? `http://${request.headers.host}` : this.url;
      if (origin !== this.url) {
        const relink = (text: string) => text.replaceAll(this.url, origin);
        if (json !== undefined) json = JSON.parse(relink(JSON.stringify(json))) as unknown;
        headers = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, relink(v)]));
      }
      if (json === undefined) {
        response.writeHead(status, headers);
        response.end();
      } else sendJson(response, status, json, headers);
    };
    try {
      const failure = this.takeFailure(`${method} ${url.pathname}`);
      if (failure?.kind === 'abort-upload') this.startUpload(url);
      if (failure) return this.fail(failure, record, response);
      if (url.pathname.startsWith('/download/')) return this.download(url.pathname, record, response);
      const found = this.description.find(method, apiPath);
      const installation = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(url.pathname)?.[1];
      if (installation && method === 'POST' && found) {
        operation = found;
        // The app's JWT authenticates this call; its body is checked after it, as GitHub does.
        const app = this.verifyJwt(request);
        body = this.checkedJson(found, request, raw, 'Installation');
        return reply(201, this.installationToken(app, Number(installation)));
      }
      this.authenticate(request, method);
      if (!found || !apiPath.startsWith(`${this.repoPath()}/`)) throw new HttpError(404, 'Not Found');
      operation = found;
      // Octokit sends `ref: 'tags/v1'` as `tags%2Fv1`; GitHub reads both.
      const rest = apiPath.slice(this.repoPath().length).replace(/%2F/gi, '/');
      if (isUpload) {
        if (method !== 'POST') throw new HttpError(404, 'Not Found');
        return reply(201, this.upload(rest, url.searchParams, request, raw));
      }
      body = this.checkedJson(
        found,
        request,
        raw,
        /asset/.test(found.operationId) ? 'ReleaseAsset' : 'Release',
      );
      const routed = this.route(method, rest, url.searchParams, body, request);
      if ('redirect' in routed) return reply(302, undefined, { location: routed.redirect });
      return reply(routed.status, routed.json, routed.headers);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      reply(
        error.status,
        {
          message: error.message,
          ...(error.errors ? { errors: error.errors } : {}),
          documentation_url: 'https://docs.github.com/rest',
          status: String(error.status),
        },
        error.headers,
      );
    }
  }

  /** The request's JSON body, refused as GitHub refuses it when the description does not allow it. */
  private checkedJson(
    operation: DescribedOperation,
    request: IncomingMessage,
    raw: Buffer,
    resource: string,
  ): unknown {
    const body = parseJson(request, raw);
    const violation = this.description.checkRequest(operation, body, resource);
    if (violation) throw new HttpError(violation.status, violation.message, violation.errors);
    return body;
  }

  private takeFailure(key: string): GitHubFailure | undefined {
    const index = this.failures.findIndex(({ match }) => match.test(key));
    return index < 0 ? undefined : this.failures.splice(index, 1)[0]?.failure;
  }

  private fail(failure: GitHubFailure, record: (status: number) => void, response: ServerResponse): void {
    const now = Math.floor(Date.now() / 1000);
    const json = (status: number, message: string, headers: Record<string, string>) => {
      record(status);
      sendJson(response, status, { message, documentation_url: 'https://docs.github.com/rest' }, headers);
    };
    switch (failure.kind) {
      case 'rate-limit':
        return json(403, 'API rate limit exceeded for installation.', {
          'x-ratelimit-limit': '5000',
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String(now + 1),
        });
      case 'secondary-rate-limit':
        return json(
          403,
          'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
          {
            'retry-after': String(failure.retryAfter),
          },
        );
      case 'server-error':
        return json(failure.status ?? 502, 'Server Error', {});
      case 'forbidden':
        return json(403, 'Resource not accessible by personal access token', {});
      case 'abort-upload':
        record(0);
        response.socket?.destroy();
        return;
    }
  }

  private verifyJwt(request: IncomingMessage): FakeGitHubApp {
    try {
      return verifyAppJwt(request.headers.authorization, this.apps);
    } catch (error) {
      if (error instanceof AppAuthError) throw new HttpError(error.status, error.message);
      throw error;
    }
  }

  /** apps/create-installation-access-token, once the app's JWT is verified. */
  private installationToken(app: FakeGitHubApp, installation: number): Body {
    if (!app.installations.includes(installation)) throw new HttpError(404, 'Not Found');
    const token = app.token ?? `ghs_installation${installation}`;
    this.tokens.add(token);
    return {
      token,
      expires_at: new Date(Date.now() + 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      permissions: { contents: 'write', metadata: 'read' },
      repository_selection: 'selected',
    };
  }

  private authenticate(request: IncomingMessage, method: string): void {
    const header = request.headers.authorization;
    if (header === undefined) {
      if (method === 'GET' && this.publicRepo) return;
      throw new HttpError(
        method === 'GET' ? 404 : 401,
        method === 'GET' ? 'Not Found' : 'Requires authentication',
      );
    }
    const match = /^(?:token|bearer) (\S+)$/i.exec(header);
    if (!match?.[1] || !this.tokens.has(match[1])) throw new HttpError(401, 'Bad credentials');
  }

  private route(
    method: string,
    rest: string,
    query: URLSearchParams,
    body: unknown,
    request: IncomingMessage,
  ): { status: number; json: unknown; headers?: Record<string, string> } | { redirect: string } {
    let match: RegExpExecArray | null;
    const route = (verb: string, pattern: RegExp) => method === verb && (match = pattern.exec(rest)) !== null;
    const group = (index: number) => decodeURIComponent(match?.[index] ?? '');

    if (route('GET', /^\/immutable-releases$/)) {
      if (!this.immutableReleases) throw new HttpError(404, 'Not Found');
      return { status: 200, json: { enabled: true, enforced_by_owner: false } };
    }
    if (route('GET', /^\/releases$/)) {
      const sorted = [...this.releases].sort(
        (a, b) => b.created_at.localeCompare(a.created_at) || b.id - a.id,
      );
      return this.page(
        rest,
        query,
        sorted.map((release) => this.releaseJson(release)),
      );
    }
    if (route('POST', /^\/releases$/)) return { status: 201, json: this.releaseJson(this.create(body)) };
    if (route('GET', /^\/releases\/latest$/)) {
      const latest = this.releases.filter((r) => !r.draft && !r.prerelease).at(-1);
      if (!latest) throw new HttpError(404, 'Not Found');
      return { status: 200, json: this.releaseJson(latest) };
    }
    if (route('GET', /^\/releases\/tags\/(.+)$/)) {
      // Drafts have no tag yet, so GitHub does not find them by tag.
      const found = this.releases.find((r) => r.tag_name === group(1) && !r.draft);
      if (!found) throw new HttpError(404, 'Not Found');
      return { status: 200, json: this.releaseJson(found) };
    }
    if (route('GET', /^\/releases\/assets\/(\d+)$/)) {
      const asset = this.findAsset(Number(group(1)));
      if ((request.headers.accept ?? '').includes('application/octet-stream'))
        return {
          redirect: `${this.url}/download/${asset.id}/${encodeURIComponent(asset.name)}?token=signed`,
        };
      return { status: 200, json: this.assetJson(asset) };
    }
    if (route('DELETE', /^\/releases\/assets\/(\d+)$/)) {
      const id = Number(group(1));
      this.findAsset(id);
      if (this.releases.some((r) => r.immutable && r.assets.some((asset) => asset.id === id)))
        throw new HttpError(422, 'Cannot delete assets of an immutable release.');
      for (const release of this.releases) release.assets = release.assets.filter((asset) => asset.id !== id);
      return { status: 204, json: undefined };
    }
    if (route('GET', /^\/releases\/(\d+)$/))
      return { status: 200, json: this.releaseJson(this.findRelease(group(1))) };
    if (route('PATCH', /^\/releases\/(\d+)$/))
      return { status: 200, json: this.releaseJson(this.update(this.findRelease(group(1)), body)) };
    if (route('DELETE', /^\/releases\/(\d+)$/)) {
      const found = this.findRelease(group(1));
      this.releases.splice(this.releases.indexOf(found), 1);
      return { status: 204, json: undefined };
    }
    if (route('GET', /^\/releases\/(\d+)\/assets$/)) {
      const found = this.findRelease(group(1));
      return this.page(
        rest,
        query,
        found.assets.map((asset) => this.assetJson(asset)),
      );
    }
    if (route('GET', /^\/tags$/)) {
      const names = [...this.tagRefs.keys()].sort().reverse();
      return this.page(
        rest,
        query,
        names.map((name) => ({
          name,
          commit: { sha: this.peel(name), url: `${this.url}${this.repoPath()}/commits/${this.peel(name)}` },
          zipball_url: `${this.url}${this.repoPath()}/zipball/refs/tags/${name}`,
          tarball_url: `${this.url}${this.repoPath()}/tarball/refs/tags/${name}`,
          node_id: `REF_${Buffer.from(name).toString('base64url')}`,
        })),
      );
    }
    if (route('GET', /^\/git\/ref\/tags\/(.+)$/)) {
      const tag = group(1);
      const object = this.tagRefs.get(tag);
      if (!object) throw new HttpError(404, 'Not Found');
      return {
        status: 200,
        json: {
          ref: `refs/tags/${tag}`,
          node_id: `REF_${Buffer.from(tag).toString('base64url')}`,
          url: `${this.url}${this.repoPath()}/git/refs/tags/${tag}`,
          object: { ...object, url: this.gitObjectUrl(object) },
        },
      };
    }
    if (route('GET', /^\/git\/tags\/([0-9a-f]{40})$/)) {
      const tag = this.tagObjects.get(group(1));
      if (!tag) throw new HttpError(404, 'Not Found');
      return {
        status: 200,
        json: {
          ...tag,
          node_id: `TAG_${tag.sha.slice(0, 12)}`,
          url: this.gitObjectUrl({ type: 'tag', sha: tag.sha }),
          tagger: {
            name: BOT_LOGIN,
            email: `${BOT_LOGIN}@users.noreply.github.com`,
            date: '2026-01-01T00:00:00Z',
          },
          object: { ...tag.object, url: this.gitObjectUrl(tag.object) },
          verification: {
            verified: false,
            reason: 'unsigned',
            payload: null,
            signature: null,
            verified_at: null,
          },
        },
      };
    }
    if (route('GET', /^\/(tarball|zipball)\/(.+)$/)) {
      const ref = group(2);
      if (!this.tagRefs.has(ref) && ref !== this.defaultBranch) throw new HttpError(404, 'Not Found');
      return { redirect: `${this.url}/download/archive/${group(1)}/${encodeURIComponent(ref)}` };
    }
    throw new HttpError(404, 'Not Found');
  }

  private gitObjectUrl(object: { type: 'commit' | 'tag'; sha: string }): string {
    return `${this.url}${this.repoPath()}/git/${object.type === 'tag' ? 'tags' : 'commits'}/${object.sha}`;
  }

  /** The commit a tag ref ends at, through annotated tag objects. */
  private peel(tag: string): string {
    let target = this.tagRefs.get(tag);
    while (target?.type === 'tag') target = this.tagObjects.get(target.sha)?.object;
    return target?.sha ?? '';
  }

  /** Pages a list the way GitHub does: `per_page` (max 100, default 30), `page`, a `Link` header. */
  private page(rest: string, query: URLSearchParams, items: unknown[]) {
    const perPage = Math.min(Number(query.get('per_page') ?? 30) || 30, 100);
    const page = Math.max(Number(query.get('page') ?? 1) || 1, 1);
    const last = Math.max(Math.ceil(items.length / perPage), 1);
    const link = (n: number) => `<${this.url}${this.repoPath()}${rest}?per_page=${perPage}&page=${n}>`;
    const links: string[] = [];
    if (page < last) links.push(`${link(page + 1)}; rel="next"`, `${link(last)}; rel="last"`);
    if (page > 1) links.push(`${link(1)}; rel="first"`, `${link(page - 1)}; rel="prev"`);
    return {
      status: 200,
      json: items.slice((page - 1) * perPage, page * perPage),
      headers: links.length > 0 ? { link: links.join(', ') } : {},
    };
  }

  private findRelease(id: string): FakeRelease {
    const found = this.releases.find((release) => release.id === Number(id));
    if (!found) throw new HttpError(404, 'Not Found');
    return found;
  }

  private findAsset(id: number): FakeAsset {
    for (const release of this.releases) {
      const asset = release.assets.find((candidate) => candidate.id === id);
      if (asset) return asset;
    }
    throw new HttpError(404, 'Not Found');
  }

  private checkCommitish(commitish: unknown): void {
    if (typeof commitish !== 'string' || commitish === this.defaultBranch || this.tagRefs.has(commitish))
      return;
    // Full SHAs are accepted; short ones are not (as GitHub answers, #65).
    if (!/^[0-9a-f]{40}$/.test(commitish))
      throw new HttpError(422, 'Validation Failed', [
        { resource: 'Release', code: 'invalid', field: 'target_commitish' },
      ]);
  }

  private create(body: unknown): FakeRelease {
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw new HttpError(400, 'Problems parsing JSON');
    const args = body as Body;
    const tag = args['tag_name'];
    if (typeof tag !== 'string' || tag === '')
      throw new HttpError(422, 'Invalid request.', [
        { resource: 'Release', field: 'tag_name', code: 'missing_field' },
      ]);
    if (this.releases.some((release) => release.tag_name === tag && !release.draft))
      throw new HttpError(422, 'Validation Failed', [
        { resource: 'Release', code: 'already_exists', field: 'tag_name' },
      ]);
    this.checkCommitish(args['target_commitish']);
    const draft = args['draft'] === true;
    const generated =
      args['generate_release_notes'] === true ? `## What's Changed\n* generated notes for ${tag}` : '';
    const body2 = [typeof args['body'] === 'string' ? args['body'] : '', generated]
      .filter(Boolean)
      .join('\n\n');
    const created = this.tick();
    const release: FakeRelease = {
      id: this.nextId++,
      tag_name: tag,
      name: typeof args['name'] === 'string' ? args['name'] : null,
      body: body2 === '' ? null : body2,
      draft,
      prerelease: args['prerelease'] === true,
      target_commitish:
        typeof args['target_commitish'] === 'string' ? args['target_commitish'] : this.defaultBranch,
      created_at: created,
      published_at: draft ? null : created,
      immutable: !draft && this.immutableReleases,
      assets: [],
    };
    if (!draft && !this.tagRefs.has(tag)) this.addTag(tag, this.commitOf(release.target_commitish));
    this.releases.push(release);
    return release;
  }

  private commitOf(commitish: string): string {
    return /^[0-9a-f]{40}$/.test(commitish) ? commitish : (this.tagRefs.get(commitish)?.sha ?? this.headSha);
  }

  private update(release: FakeRelease, body: unknown): FakeRelease {
    const args = (body ?? {}) as Body;
    if (args['target_commitish'] !== undefined) this.checkCommitish(args['target_commitish']);
    if (typeof args['tag_name'] === 'string') release.tag_name = args['tag_name'];
    if (typeof args['name'] === 'string') release.name = args['name'];
    if (typeof args['body'] === 'string') release.body = args['body'];
    if (typeof args['prerelease'] === 'boolean') release.prerelease = args['prerelease'];
    if (typeof args['target_commitish'] === 'string') release.target_commitish = args['target_commitish'];
    if (typeof args['draft'] === 'boolean') {
      if (release.draft && !args['draft']) {
        release.published_at = this.tick();
        release.immutable = this.immutableReleases;
        if (!this.tagRefs.has(release.tag_name))
          this.addTag(release.tag_name, this.commitOf(release.target_commitish));
      }
      release.draft = args['draft'];
    }
    return release;
  }

  private upload(rest: string, query: URLSearchParams, request: IncomingMessage, raw: Buffer): Body {
    const match = /^\/releases\/(\d+)\/assets$/.exec(rest);
    if (!match?.[1]) throw new HttpError(404, 'Not Found');
    const release = this.findRelease(match[1]);
    if (release.immutable) throw new HttpError(422, 'Cannot upload assets to an immutable release.');
    const name = query.get('name');
    if (!name)
      throw new HttpError(422, 'Validation Failed', [
        { resource: 'ReleaseAsset', code: 'missing_field', field: 'name' },
      ]);
    const contentType = request.headers['content-type'];
    if (!contentType)
      throw new HttpError(422, 'Validation Failed', [
        { resource: 'ReleaseAsset', code: 'missing_field', field: 'content_type' },
      ]);
    if (
      request.headers['content-length'] === undefined ||
      Number(request.headers['content-length']) !== raw.length
    )
      throw new HttpError(400, 'Content-Length does not match the body');
    if (release.assets.some((asset) => asset.name === name))
      throw new HttpError(422, 'Validation Failed', [
        { resource: 'ReleaseAsset', code: 'already_exists', field: 'name' },
      ]);
    const asset = this.addAsset(release, name, raw);
    asset.content_type = contentType;
    asset.label = query.get('label');
    return this.assetJson(asset);
  }

  /** What an upload cut off mid-way leaves behind: an asset in state `starter` holding the name. */
  private startUpload(url: URL): void {
    const id = /\/releases\/(\d+)\/assets$/.exec(url.pathname)?.[1];
    const name = url.searchParams.get('name');
    const release = this.releases.find((candidate) => candidate.id === Number(id));
    if (release && name) this.addAsset(release, name, '', 'starter');
  }

  private download(path: string, record: (status: number) => void, response: ServerResponse): void {
    const archive = /^\/download\/archive\/(tarball|zipball)\/(.+)$/.exec(path);
    if (archive) {
      record(200);
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      response.end(`${archive[1]} of ${decodeURIComponent(archive[2] ?? '')}`);
      return;
    }
    const id = Number(/^\/download\/(\d+)\//.exec(path)?.[1]);
    const asset = this.releases.flatMap((release) => release.assets).find((candidate) => candidate.id === id);
    record(asset ? 200 : 404);
    response.writeHead(asset ? 200 : 404, { 'content-type': 'application/octet-stream' });
    response.end(asset?.data ?? 'Not Found');
  }
}
