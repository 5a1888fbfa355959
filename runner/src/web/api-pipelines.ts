// fly's pipeline commands: get-pipeline and set-pipeline (GET/PUT .../config with Concourse's config
// version and error shapes), pause/unpause, expose/hide, archive, rename, order and destroy.
// set-pipeline validates with the runner's model as `hangar validate` does and saves through
// saveCheckedPipeline, as `hangar run` does, so the scheduler picks the pipeline up.
import type { ServerResponse } from 'node:http';
import { checkPipelineText, serverDecodeError, type CheckResult } from '../model/check.js';
import { checkIdentifier } from '../model/identifier.js';
import { saveCheckedPipeline } from '../engine/state.js';
import { groupName, pipelineRef } from '../store/pipeline-ref.js';
import { ConfigVersionConflict, type PipelineRow } from '../store/store.js';
import { redactedMarker } from '../vars/redact.js';
import { act, get, HttpError, P, type Route } from './api.js';
import { sentBearer } from './auth.js';
import { readBody, readJson } from './body.js';
import { removeFramesFiles } from './events.js';
import type { Hub } from './hub.js';
import { instanceVarsOf } from './instance-vars.js';
import { team } from './json.js';
import { securityHeaders } from './respond.js';

const configVersionHeader = 'x-concourse-config-version';

interface Warning {
  type: string;
  message: string;
}

/** Concourse's SaveConfigResponse, as fly reads it: Content-Type exactly application/json. */
function saveConfigResponse(
  res: ServerResponse,
  status: number,
  body: { errors?: string[]; warnings?: Warning[] },
): undefined {
  res.writeHead(status, { 'content-type': 'application/json', ...securityHeaders });
  res.end(JSON.stringify(body));
  return undefined;
}

/** A pipeline's row (the route's pipeline is already its ref, instance vars included), or 404. */
function existing(hub: Hub, ref: string): PipelineRow {
  const row = hub.store.pipeline(ref);
  if (!row) throw new HttpError(404, `pipeline '${ref}' not found`);
  return row;
}

/** `configvalidate.Validate`'s messages: one `invalid <section>:` block per section. */
function errorMessages(checked: Extract<CheckResult, { kind: 'checked' }>): string[] {
  return checked.result.errors.map(
    (group) => `invalid ${group.section}:\n${group.errors.map((e) => `\t${e.message}`).join('\n')}\n`,
  );
}

/**
 * `--check-creds`: hangar has no credential manager, so every ((var)) left after fly's static vars
 * is undefined, except a step's local vars (`((.:x))`, set by load_var and across at run time).
 */
function credentialErrors(checked: Extract<CheckResult, { kind: 'checked' }>): string | undefined {
  const undefinedVars = checked.unresolvedVars.filter((name) => !name.startsWith('.:'));
  if (undefinedVars.length === 0) return undefined;
  const n = undefinedVars.length;
  const items = undefinedVars.map((name) => `\t* undefined vars: ${name}\n`).join('');
  return `credential validation failed\n\n${n} error${n === 1 ? '' : 's'} occurred:\n${items}\n`;
}

/** Every value inside `var_sources[].config` (a `dummy` source holds its secrets right there). */
function withVarSourcesRedacted(config: unknown): unknown {
  const hide = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(hide)
      : value !== null && typeof value === 'object'
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, hide(v)]))
        : redactedMarker;
  const { var_sources: sources, ...rest } = config as { var_sources?: unknown };
  if (!Array.isArray(sources)) return config;
  return {
    ...rest,
    var_sources: sources.map((s: unknown) =>
      s !== null && typeof s === 'object' && 'config' in s ? { ...s, config: hide(s.config) } : s,
    ),
  };
}

function setFlag(flag: 'paused' | 'public', on: boolean): Route['handler'] {
  return ({ hub, params }) => {
    const row = existing(hub, params[0]!);
    if (flag === 'paused') hub.store.setPipelinePaused(row.id, on);
    else hub.store.setPipelinePublic(row.id, on);
    // an unpaused pipeline is scheduled now rather than at the next tick
    hub.pipelineSet(row.name);
    return {};
  };
}

export function pipelineRoutes(): Route[] {
  return [
    get('pipeline-config', `${P}/config`, ({ hub, params, req, res }) => {
      const row = existing(hub, params[0]!);
      if (row.archived) throw new HttpError(404, `pipeline '${row.name}' is archived`);
      res.setHeader(configVersionHeader, String(row.configVersion));
      // fly (a Bearer token) gets the config whole, as Concourse gives it to the team; a browser,
      // whose pages must never show a secret, gets var source configs redacted
      return { config: sentBearer(req) ? row.config : withVarSourcesRedacted(row.config) };
    }),

    act('PUT', 'set-pipeline', `${P}/config`, async ({ hub, params, query, req, res }) => {
      const ref = params[0]!;
      const instanceVars = instanceVarsOf(query);
      const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
      if (type !== 'application/json' && type !== 'application/x-yaml')
        throw new HttpError(415, 'send the config as application/x-yaml or application/json');
      const versionText = req.headers[configVersionHeader];
      if (typeof versionText === 'string' && versionText !== '' && !/^\d+$/.test(versionText))
        return saveConfigResponse(res, 400, { errors: ['config version is malformed: expected integer'] });
      const text = (await readBody(req)).toString('utf8');
      const checked = checkPipelineText(text, `${groupName(ref)}.yml`);
      if (checked.kind === 'unreadable')
        return saveConfigResponse(res, 400, { errors: [`malformed config: ${checked.error.message}`] });
      const undecodable = serverDecodeError(checked);
      if (undecodable) return saveConfigResponse(res, 400, { errors: [undecodable] });
      if (checked.result.errors.length > 0)
        return saveConfigResponse(res, 400, { errors: errorMessages(checked) });
      const warnings: Warning[] = checked.result.warnings.map(({ type, message }) => ({ type, message }));
      const identifier = checkIdentifier(groupName(ref), 'pipeline');
      if (identifier.kind === 'error') return saveConfigResponse(res, 400, { errors: [identifier.message] });
      if (identifier.kind === 'warning')
        warnings.push({ type: 'invalid_identifier', message: identifier.message });
      if (query.has('check_creds')) {
        const credentials = credentialErrors(checked);
        if (credentials) return saveConfigResponse(res, 400, { errors: [credentials] });
      }
      const created = hub.store.pipeline(ref) === undefined;
      try {
        saveCheckedPipeline(hub.store, ref, checked, {
          pausedIfNew: true,
          instanceVars,
          fromVersion: typeof versionText === 'string' && versionText !== '' ? Number(versionText) : 0,
        });
      } catch (err) {
        if (!(err instanceof ConfigVersionConflict)) throw err;
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8', ...securityHeaders });
        res.end(`failed to save config: ${err.message}`);
        return undefined;
      }
      hub.pipelineSet(ref);
      return saveConfigResponse(res, created ? 201 : 200, warnings.length > 0 ? { warnings } : {});
    }),

    act('PUT', 'pause-pipeline', `${P}/pause`, setFlag('paused', true)),
    act('PUT', 'unpause-pipeline', `${P}/unpause`, setFlag('paused', false)),
    act('PUT', 'expose-pipeline', `${P}/expose`, setFlag('public', true)),
    act('PUT', 'hide-pipeline', `${P}/hide`, setFlag('public', false)),
    act('PUT', 'archive-pipeline', `${P}/archive`, ({ hub, params }) => {
      const row = existing(hub, params[0]!);
      hub.store.setPipelineArchived(row.id, true);
      hub.pipelineSet(row.name);
      return {};
    }),

    // renames a pipeline, or a whole instance group, as Concourse does
    act('PUT', 'rename-pipeline', `${P}/rename`, async ({ hub, params, req, res }) => {
      const from = params[0]!;
      const body = await readJson(req);
      const to = (body as { name?: unknown } | null)?.name;
      if (typeof to !== 'string') throw new HttpError(400, 'expected {"name": "<new name>"}');
      const identifier = checkIdentifier(to, 'pipeline');
      if (identifier.kind === 'error') return saveConfigResponse(res, 400, { errors: [identifier.message] });
      const taken = hub.store.pipelines().some((p) => groupName(p.name) === to);
      if (to !== from && taken) throw new HttpError(409, `pipeline '${to}' already exists`);
      if (hub.store.renamePipeline(from, to) === 0) throw new HttpError(404, `pipeline '${from}' not found`);
      const warnings =
        identifier.kind === 'warning' ? [{ type: 'invalid_identifier', message: identifier.message }] : [];
      return { warnings };
    }),

    act('PUT', 'order-pipelines', `/api/v1/teams/${team}/pipelines/ordering`, async ({ hub, req }) => {
      const names = await readJson(req);
      if (!Array.isArray(names) || !names.every((n) => typeof n === 'string'))
        throw new HttpError(400, 'expected a JSON array of pipeline names');
      const unknown = hub.store.orderPipelines(names);
      if (unknown !== undefined) throw new HttpError(400, `pipeline '${unknown}' not found`);
      return {};
    }),

    act('PUT', 'order-instanced-pipelines', `${P}/ordering`, async ({ hub, params, req }) => {
      const list = await readJson(req);
      if (!Array.isArray(list) || !list.every((v) => v !== null && typeof v === 'object'))
        throw new HttpError(400, 'expected a JSON array of instance vars');
      const unknown = hub.store.orderInstances(
        list.map((vars: Record<string, unknown>) => pipelineRef(params[0]!, vars)),
      );
      if (unknown !== undefined) throw new HttpError(400, `pipeline '${unknown}' not found`);
      return {};
    }),

    act('DELETE', 'destroy-pipeline', P, async ({ hub, params, res }) => {
      const row = existing(hub, params[0]!);
      const builds = hub.store.builds({ pipelineId: row.id });
      // as Concourse does, its running builds are aborted (they finish writing into nothing)
      const unfinished = builds.filter((b) => b.status === 'pending' || b.status === 'started');
      for (const b of unfinished) hub.runner(row.name).abortBuild(b.id);
      hub.store.destroyPipeline(row.name);
      hub.pipelineDestroyed(row.id);
      await removeFramesFiles(hub.store, builds);
      res.statusCode = 204;
      return null;
    }),
  ];
}
