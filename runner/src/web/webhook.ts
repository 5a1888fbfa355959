// Resource webhooks (`webhook_token`): `POST .../resources/R/check/webhook?webhook_token=T` checks
// the resource now, as Concourse's CheckResourceWebHook does: no sign-in (the token is the
// credential), 400 without a token, 404 for an unknown pipeline or resource, 401 for a wrong
// token, else 201 while the check runs. Instanced pipelines are named by `vars.k=<json>` params.
import { timingSafeEqual } from 'node:crypto';
import { varSourceLookup } from '../steps/runtime-vars.js';
import { interpolate } from '../vars/template.js';
import { HttpError } from './api.js';
import type { Hub } from './hub.js';
import { pipelineRefOf } from './instance-vars.js';
import { team } from './json.js';

export const webhookPattern = new RegExp(
  `^/api/v1/teams/${team}/pipelines/([^/]+)/resources/([^/]+)/check/webhook$`,
);

const same = (a: string, b: string): boolean =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export function checkWebhook(
  hub: Hub,
  path: RegExpExecArray,
  query: URLSearchParams,
): { status: number; body: unknown } {
  const given = query.get('webhook_token');
  if (!given) return { status: 400, body: 'missing webhook_token' };
  let name: string;
  try {
    name = pipelineRefOf(decodeURIComponent(path[1]!), query);
  } catch (err) {
    if (err instanceof HttpError) return { status: err.status, body: err.message };
    throw err;
  }
  const resourceName = decodeURIComponent(path[2]!);
  if (!hub.store.pipeline(name)) return { status: 404, body: `pipeline '${name}' not found` };
  const runner = hub.runner(name);
  const config = runner.pipeline.resources.find((r) => r.config.name === resourceName)?.config;
  if (!config) return { status: 404, body: `resource '${resourceName}' not found in pipeline '${name}'` };
  let token: unknown;
  try {
    token = interpolate(config.webhook_token ?? '', varSourceLookup(runner.pipeline), {
      allowUnresolved: false,
    }).value;
  } catch {
    return { status: 500, body: 'the webhook token could not be resolved' };
  }
  if (typeof token !== 'string' || token === '' || !same(token, given))
    return { status: 401, body: 'wrong webhook token' };
  // answered at once; the check runs on, then the jobs it feeds are scheduled
  runner
    .check(resourceName)
    .then(() => runner.wake())
    .catch(() => undefined); // the outcome is the resource's check status
  return {
    status: 201,
    body: {
      name: 'check',
      status: 'started',
      team_name: team,
      pipeline_name: name,
      resource_name: resourceName,
    },
  };
}
