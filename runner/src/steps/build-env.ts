// Build metadata for resource processes (§1.3): only non-empty values are set; check gets none.
import type { BuildStatus } from '../store/store.js';
import type { BuildContext } from './context.js';

export const teamName = 'main';

export function resourceEnv(ctx: BuildContext, hookStatus: BuildStatus | undefined): Record<string, string> {
  const b = ctx.build;
  const ext = ctx.options.externalUrl;
  const env: Record<string, string> = {
    BUILD_ID: String(b.id),
    BUILD_NAME: b.name,
    BUILD_TEAM_NAME: teamName,
    ATC_EXTERNAL_URL: ext,
    BUILD_URL_SHORT: `${ext}/builds/${b.id}`,
  };
  if (ctx.pipeline) env.BUILD_PIPELINE_NAME = ctx.pipeline.name;
  if (ctx.pipeline && ctx.job) {
    env.BUILD_JOB_NAME = ctx.job.name;
    env.BUILD_URL = `${ext}/teams/${teamName}/pipelines/${encodeURIComponent(ctx.pipeline.name)}/jobs/${encodeURIComponent(ctx.job.name)}/builds/${b.name}`;
  } else {
    env.BUILD_URL = env.BUILD_URL_SHORT ?? '';
  }
  if (hookStatus) env.BUILD_STATUS = hookStatus;
  return env;
}

/** Tasks get ATC_EXTERNAL_URL and their params only (params coerced the way Concourse does). */
export function taskEnv(
  ctx: BuildContext,
  params: Record<string, unknown> | undefined,
): Record<string, string> {
  const env: Record<string, string> = { ATC_EXTERNAL_URL: ctx.options.externalUrl };
  for (const [k, v] of Object.entries(params ?? {})) {
    env[k] =
      v === null || v === undefined
        ? ''
        : typeof v === 'string'
          ? v
          : typeof v === 'number' || typeof v === 'boolean'
            ? String(v)
            : JSON.stringify(v);
  }
  return env;
}
