/**
 * Build metadata that Concourse passes to `in` and `out` (never reliably to `check`). Each
 * variable is set only when Concourse knows it, so every field is optional.
 */
export interface BuildMetadata {
  id?: string;
  name?: string;
  jobName?: string;
  pipelineName?: string;
  pipelineInstanceVars?: string;
  teamName?: string;
  createdBy?: string;
  atcExternalUrl?: string;
  url?: string;
  urlShort?: string;
  /** `succeeded`/`failed`/`aborted`/`errored`; only inside hooks. */
  status?: BuildStatus;
}

export type BuildStatus = 'succeeded' | 'failed' | 'aborted' | 'errored';

/** The variables `$NAME`/`${NAME}` that text interpolation understands. */
export const BUILD_VARIABLES = [
  'BUILD_ID',
  'BUILD_NAME',
  'BUILD_JOB_NAME',
  'BUILD_JOB_ID',
  'BUILD_PIPELINE_NAME',
  'BUILD_PIPELINE_ID',
  'BUILD_PIPELINE_INSTANCE_VARS',
  'BUILD_TEAM_NAME',
  'BUILD_TEAM_ID',
  'BUILD_CREATED_BY',
  'BUILD_STATUS',
  'BUILD_URL',
  'BUILD_URL_SHORT',
  'ATC_EXTERNAL_URL',
] as const;

type Env = Readonly<Record<string, string | undefined>>;

// The docs spell statuses `success`/`failure`, the ATC code sends `succeeded`/`failed`; accept both.
const STATUS_SPELLINGS: Record<string, BuildStatus> = {
  succeeded: 'succeeded',
  success: 'succeeded',
  failed: 'failed',
  failure: 'failed',
  aborted: 'aborted',
  errored: 'errored',
  error: 'errored',
};

const nonEmpty = (value: string | undefined): string | undefined => (value ? value : undefined);

export function readBuildMetadata(env: Env = process.env): BuildMetadata {
  const entries: [keyof BuildMetadata, string | undefined][] = [
    ['id', env['BUILD_ID']],
    ['name', env['BUILD_NAME']],
    ['jobName', env['BUILD_JOB_NAME']],
    ['pipelineName', env['BUILD_PIPELINE_NAME']],
    ['pipelineInstanceVars', env['BUILD_PIPELINE_INSTANCE_VARS']],
    ['teamName', env['BUILD_TEAM_NAME']],
    ['createdBy', env['BUILD_CREATED_BY']],
    ['atcExternalUrl', env['ATC_EXTERNAL_URL']],
    ['url', env['BUILD_URL'] ?? derivedBuildUrl(env)],
    ['urlShort', env['BUILD_URL_SHORT']],
    ['status', STATUS_SPELLINGS[(env['BUILD_STATUS'] ?? '').toLowerCase()]],
  ];
  const metadata: BuildMetadata = {};
  for (const [key, value] of entries) if (nonEmpty(value)) Object.assign(metadata, { [key]: value });
  return metadata;
}

/** Concourse before v8 had no BUILD_URL; build it the way the ATC does when the parts are known. */
function derivedBuildUrl(env: Env): string | undefined {
  const base = env['ATC_EXTERNAL_URL'];
  const { BUILD_TEAM_NAME: team, BUILD_PIPELINE_NAME: pipeline, BUILD_JOB_NAME: job, BUILD_NAME: name } = env;
  if (!base) return undefined;
  if (team && pipeline && job && name) {
    const path = [team, pipeline, job, name].map(encodeURIComponent);
    return `${base}/teams/${path[0]}/pipelines/${path[1]}/jobs/${path[2]}/builds/${path[3]}`;
  }
  return env['BUILD_ID'] ? `${base}/builds/${env['BUILD_ID']}` : undefined;
}

/** Extra inputs for `interpolateBuildVariables`, for resources whose text has more variables. */
export interface InterpolationOptions {
  /** More variables (e.g. a resource's `env` map); they win over build metadata of the same name. */
  variables?: Readonly<Record<string, string>>;
  /**
   * What a reference to any other name becomes. By default it is left exactly as written; return
   * '' to blank it, or throw to make it an error.
   */
  unknown?: (name: string, reference: string) => string;
}

/**
 * Replaces `$BUILD_NAME` and `${BUILD_NAME}` style references to build metadata in user text.
 * A known variable that is unset becomes empty (as in a shell, never the word "nil"); anything
 * else that merely looks like a variable is left alone, and nothing is ever evaluated. One pass:
 * substituted values are never expanded again.
 */
export function interpolateBuildVariables(
  text: string,
  env: Env = process.env,
  options: InterpolationOptions = {},
): string {
  const known = new Set<string>(BUILD_VARIABLES);
  const metadata = readBuildMetadata(env);
  const { variables = {}, unknown = (_name: string, reference: string) => reference } = options;
  const value = (name: string): string => {
    if (name === 'BUILD_URL') return metadata.url ?? '';
    if (name === 'BUILD_STATUS') return metadata.status ?? '';
    return env[name] ?? '';
  };
  return text.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (match, braced?: string, bare?: string) => {
      const name = braced ?? bare ?? '';
      if (Object.hasOwn(variables, name)) return variables[name] ?? '';
      if (known.has(name)) return value(name);
      return unknown(name, match);
    },
  );
}
