// fly's resource commands: check-resource and check-resource-type answer with a check build whose
// events fly streams; resource-versions with `filter`; enable/disable-resource-version; the pin
// comment.
import type { IncomingMessage } from 'node:http';
import { EventSink } from '../engine/events.js';
import { markCheckBuild, setPinComment } from '../store/controls.js';
import type { VersionRow } from '../store/store.js';
import { Redactor } from '../vars/redact.js';
import { readBody } from './body.js';
import type { Hub } from './hub.js';
import { act, get, HttpError, limitOf, loadPipeline, loadResource, P, seg, type Route } from './api.js';
import { buildJson, versionJson } from './json.js';

/** A JSON object body; an empty body (the UI's check button) is `{}`. */
export async function jsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const text = (await readBody(req, 1 << 20)).toString('utf8');
  if (text.trim() === '') return {};
  try {
    const value = JSON.parse(text) as unknown;
    if (value !== null && typeof value === 'object' && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new HttpError(400, 'request body is not a JSON object');
}

function stringMap(value: unknown): Record<string, string> | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const entries = Object.entries(value as Record<string, unknown>).map(([k, v]): [string, string] => [
    k,
    String(v),
  ]);
  return entries.length === 0 ? undefined : Object.fromEntries(entries);
}

/**
 * A check as Concourse 7 shows it: a build of its own (kept out of build lists), with
 * initialize-check, the outcome and a final status. `run` returns the check's error, if any.
 */
function checkBuild(
  hub: Hub,
  pipelineId: number,
  name: string,
  run: (log: (line: string) => void) => Promise<string | undefined>,
) {
  const build = hub.store.createOneOffBuild(pipelineId);
  markCheckBuild(hub.store, build.id);
  const events = new EventSink(hub.store, build.id, new Redactor(), [hub.hooks.listener]);
  events.emit('status', { status: 'started' });
  events.emit('initialize-check', { origin: { id: 'check' }, name });
  void run((line) => events.log('check', 'stderr', line))
    .catch((err: unknown) => (err as Error).message)
    .then((error) => {
      if (error !== undefined) events.error('check', error);
      const status = error === undefined ? 'succeeded' : 'errored';
      events.emit('status', { status });
      hub.store.finishBuild(build.id, status);
    });
  return { ...buildJson(hub.store.build(build.id)), resource_name: name };
}

function findVersion(versions: VersionRow[], id: string | undefined, resource: string): VersionRow {
  const version = versions.find((v) => String(v.id) === id);
  if (!version) throw new HttpError(404, `version ${id ?? ''} of resource '${resource}' not found`);
  return version;
}

function enable(enabled: boolean): Route['handler'] {
  return ({ hub, params }) => {
    const r = loadResource(hub, params[0]!, params[1]!);
    const version = findVersion(hub.store.versions(r.row.id), params[2], r.row.name);
    hub.store.setVersionEnabled(version.id, enabled);
    // the scheduler resolves inputs again, as after a pin
    hub.runner(r.name).pinChanged(r.row.name);
    return {};
  };
}

export const resourceRoutes = (): Route[] => [
  get('resource-versions', `${P}/resources/${seg}/versions`, ({ hub, params, query }) => {
    const r = loadResource(hub, params[0]!, params[1]!);
    const filter = query.getAll('filter').map((f) => f.split(':', 2));
    return hub.store
      .versions(r.row.id)
      .filter((v) => filter.every(([k, value]) => v.version[k!] === value))
      .slice(0, limitOf(query, 100))
      .map((v) => versionJson(v, r.row.pinnedVersionId));
  }),
  act('POST', 'check-resource', `${P}/resources/${seg}/check`, async ({ hub, params, req, res }) => {
    const r = loadResource(hub, params[0]!, params[1]!);
    const from = stringMap((await jsonBody(req)).from);
    res.statusCode = 201;
    return checkBuild(
      hub,
      r.id,
      r.row.name,
      async (log) => (await hub.runner(r.name).check(r.row.name, from, log)).error,
    );
  }),
  act(
    'POST',
    'check-resource-type',
    `${P}/resource-types/${seg}/check`,
    async ({ hub, params, req, res }) => {
      const p = loadPipeline(hub, params[0]!);
      if (!p.pipeline.resourceTypes.some((t) => t.config.name === params[1]))
        throw new HttpError(404, `resource type '${params[1]!}' not found in pipeline '${p.name}'`);
      await jsonBody(req);
      res.statusCode = 201;
      // hangar resolves a type's image when a step uses it: there are no type versions to collect
      return checkBuild(hub, p.id, params[1]!, () => Promise.resolve(undefined));
    },
  ),
  act('PUT', 'enable-version', `${P}/resources/${seg}/versions/${seg}/enable`, enable(true)),
  act('PUT', 'disable-version', `${P}/resources/${seg}/versions/${seg}/disable`, enable(false)),
  act('PUT', 'pin-comment', `${P}/resources/${seg}/pin_comment`, async ({ hub, params, req }) => {
    const r = loadResource(hub, params[0]!, params[1]!);
    const body = await jsonBody(req);
    if (r.row.pinnedVersionId === null && !r.configPin)
      throw new HttpError(409, `resource '${r.row.name}' is not pinned`);
    setPinComment(hub.store, r.row.id, typeof body.pin_comment === 'string' ? body.pin_comment : '');
    return {};
  }),
];
