// A local Grafana annotations API (`/api/annotations`: POST, PATCH, GET), following Grafana's
// HTTP API documentation for annotations: bearer (service account token) or basic auth, JSON
// bodies, and Grafana's response shapes. Grafana ignores unknown body fields; the fake rejects
// them with 400 so a misspelt field fails the resource's tests instead of vanishing.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { closeServer, isPlainObject, listenLocal, mediaType, sendJson } from './http-server.js';

export interface GrafanaAnnotation {
  id: number;
  alertId: number;
  dashboardId: number;
  dashboardUID: string;
  panelId: number;
  userId: number;
  login: string;
  time: number;
  timeEnd: number;
  created: number;
  updated: number;
  text: string;
  tags: string[];
  data: Record<string, unknown>;
}

export interface GrafanaRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  /** The parsed JSON body (undefined for GET or an unparsable body). */
  body: unknown;
  status: number;
  response: unknown;
}

export interface FakeGrafanaOptions {
  /** Service account tokens accepted as `Authorization: Bearer …` (default: `glsa_fake`). */
  apiTokens?: readonly string[];
  /** Users accepted with basic auth (default: admin/admin). */
  users?: Readonly<Record<string, string>>;
  /** Dashboards that exist, uid → numeric id (default: `deploys` → 7). */
  dashboards?: Readonly<Record<string, number>>;
}

/** A failure served instead of the next request's normal answer. */
export interface GrafanaFailure {
  status: number;
  body?: unknown;
}

type FieldKind = 'integer' | 'string' | 'tags' | 'object';

/** Fields of POST /api/annotations (Grafana's PostAnnotationsCmd). */
const CREATE_FIELDS: Record<string, FieldKind> = {
  dashboardId: 'integer',
  dashboardUID: 'string',
  panelId: 'integer',
  time: 'integer',
  timeEnd: 'integer',
  tags: 'tags',
  text: 'string',
  data: 'object',
};

/** Fields of PATCH /api/annotations/:id (Grafana's PatchAnnotationsCmd). */
const PATCH_FIELDS: Record<string, FieldKind> = {
  id: 'integer',
  time: 'integer',
  timeEnd: 'integer',
  text: 'string',
  tags: 'tags',
  data: 'object',
};

class GrafanaError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class FakeGrafana {
  readonly requests: GrafanaRequest[] = [];
  readonly annotations = new Map<number, GrafanaAnnotation>();
  private readonly failures: GrafanaFailure[] = [];
  private readonly apiTokens: Set<string>;
  private readonly users: Map<string, string>;
  private readonly dashboards: Map<string, number>;
  private nextId = 1;

  private constructor(
    private readonly server: Server,
    /** Base URL, e.g. `http://127.0.0.1:41234` (no trailing slash). */
    readonly url: string,
    options: FakeGrafanaOptions,
  ) {
    this.apiTokens = new Set(options.apiTokens ?? ['glsa_fake']);
    this.users = new Map(Object.entries(options.users ?? { admin: 'admin' }));
    this.dashboards = new Map(Object.entries(options.dashboards ?? { deploys: 7 }));
  }

  static async start(options: FakeGrafanaOptions = {}): Promise<FakeGrafana> {
    const started: { fake?: FakeGrafana } = {};
    const { server, url } = await listenLocal((request, body, response) =>
      started.fake?.handle(request, body, response),
    );
    started.fake = new FakeGrafana(server, url, options);
    return started.fake;
  }

  /** Serves these failures, one per request, before answering normally again. */
  failNext(...failures: GrafanaFailure[]): void {
    this.failures.push(...failures);
  }

  close(): Promise<void> {
    return closeServer(this.server);
  }

  private handle(request: IncomingMessage, raw: string, response: ServerResponse): void {
    const parsed = new URL(request.url ?? '/', this.url);
    const entry: Omit<GrafanaRequest, 'status' | 'response'> = {
      method: request.method ?? 'GET',
      path: parsed.pathname,
      query: parsed.searchParams,
      headers: request.headers,
      body: undefined,
    };
    const answer = (status: number, payload: unknown) => {
      this.requests.push({ ...entry, status, response: payload });
      sendJson(response, status, payload);
    };
    try {
      if (entry.method !== 'GET') entry.body = parseJson(raw);
      const failure = this.failures.shift();
      if (failure) return answer(failure.status, failure.body ?? { message: 'Internal Server Error' });
      this.authenticate(request);
      answer(200, this.route(entry.method, parsed, request, entry.body));
    } catch (error) {
      if (!(error instanceof GrafanaError)) throw error;
      answer(error.status, { message: error.message });
    }
  }

  private authenticate(request: IncomingMessage): void {
    const header = request.headers.authorization ?? '';
    if (header.startsWith('Bearer ')) {
      if (this.apiTokens.has(header.slice('Bearer '.length))) return;
      throw new GrafanaError(401, 'invalid API key');
    }
    if (header.startsWith('Basic ')) {
      const decoded = Buffer.from(header.slice('Basic '.length), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const [user, password] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
      if (colon > 0 && this.users.get(user) === password) return;
      throw new GrafanaError(401, 'Invalid username or password');
    }
    throw new GrafanaError(401, 'Unauthorized');
  }

  private route(method: string, url: URL, request: IncomingMessage, body: unknown): unknown {
    const match = /^\/api\/annotations(?:\/(\d+))?$/.exec(url.pathname);
    if (!match) throw new GrafanaError(404, 'Not found');
    const id = match[1] === undefined ? undefined : Number(match[1]);
    if (method === 'GET') return id === undefined ? this.find(url.searchParams) : this.get(id);
    if (mediaType(request) !== 'application/json') throw new GrafanaError(400, 'bad request data');
    if (!isPlainObject(body)) throw new GrafanaError(400, 'bad request data');
    if (method === 'POST' && id === undefined) return this.create(body);
    if (method === 'PATCH' && id !== undefined) return this.patch(id, body);
    throw new GrafanaError(405, 'Method Not Allowed');
  }

  private create(body: Record<string, unknown>): unknown {
    checkFields(body, CREATE_FIELDS);
    if (typeof body['text'] !== 'string' || body['text'] === '')
      throw new GrafanaError(400, 'Failed to save annotation: text field should not be empty');
    let dashboardId = (body['dashboardId'] as number | undefined) ?? 0;
    const uid = body['dashboardUID'] as string | undefined;
    if (uid) {
      const found = this.dashboards.get(uid);
      if (found === undefined) throw new GrafanaError(400, 'Invalid dashboard UID in annotation request');
      dashboardId = found;
    }
    const now = Date.now();
    const time = (body['time'] as number | undefined) || now;
    const annotation: GrafanaAnnotation = {
      id: this.nextId++,
      alertId: 0,
      dashboardId,
      dashboardUID: uid ?? '',
      panelId: (body['panelId'] as number | undefined) ?? 0,
      userId: 1,
      login: 'admin',
      time,
      timeEnd: (body['timeEnd'] as number | undefined) || time,
      created: now,
      updated: now,
      text: body['text'],
      tags: (body['tags'] as string[] | undefined) ?? [],
      data: (body['data'] as Record<string, unknown> | undefined) ?? {},
    };
    this.annotations.set(annotation.id, annotation);
    return { id: annotation.id, message: 'Annotation added' };
  }

  /** Grafana's patch changes only the fields given (tags only when the key is present). */
  private patch(id: number, body: Record<string, unknown>): unknown {
    checkFields(body, PATCH_FIELDS);
    const annotation = this.annotations.get(id);
    if (!annotation) throw new GrafanaError(404, 'Could not find annotation to update');
    if (typeof body['time'] === 'number' && body['time'] > 0) annotation.time = body['time'];
    if (typeof body['timeEnd'] === 'number' && body['timeEnd'] > 0) annotation.timeEnd = body['timeEnd'];
    if (typeof body['text'] === 'string' && body['text'] !== '') annotation.text = body['text'];
    if (Array.isArray(body['tags'])) annotation.tags = body['tags'] as string[];
    if (isPlainObject(body['data'])) annotation.data = body['data'];
    annotation.updated = Date.now();
    return { message: 'Annotation patched' };
  }

  private get(id: number): GrafanaAnnotation {
    const annotation = this.annotations.get(id);
    if (!annotation) throw new GrafanaError(404, 'Annotation not found');
    return annotation;
  }

  private find(query: URLSearchParams): GrafanaAnnotation[] {
    const tags = query.getAll('tags');
    const matchAny = query.get('matchAny') === 'true';
    const number = (name: string) => (query.has(name) ? Number(query.get(name)) : undefined);
    const [from, to, panelId, limit] = [number('from'), number('to'), number('panelId'), number('limit')];
    const uid = query.get('dashboardUID');
    return [...this.annotations.values()]
      .filter(
        (a) =>
          (from === undefined || a.timeEnd >= from) &&
          (to === undefined || a.time <= to) &&
          (panelId === undefined || a.panelId === panelId) &&
          (uid === null || a.dashboardUID === uid) &&
          (tags.length === 0 ||
            (matchAny ? tags.some((t) => a.tags.includes(t)) : tags.every((t) => a.tags.includes(t)))),
      )
      .sort((a, b) => b.time - a.time)
      .slice(0, limit ?? 100);
  }
}

function parseJson(raw: string): unknown {
  if (raw === '') return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new GrafanaError(400, 'bad request data');
  }
}

function checkFields(body: Record<string, unknown>, fields: Record<string, FieldKind>): void {
  for (const [key, value] of Object.entries(body)) {
    const kind = fields[key];
    if (!kind) throw new GrafanaError(400, `bad request data: unknown field '${key}'`);
    const ok =
      kind === 'integer'
        ? Number.isInteger(value)
        : kind === 'string'
          ? typeof value === 'string'
          : kind === 'tags'
            ? Array.isArray(value) && value.every((tag) => typeof tag === 'string')
            : isPlainObject(value);
    if (!ok) throw new GrafanaError(400, `bad request data: field '${key}' must be ${kind}`);
  }
}
