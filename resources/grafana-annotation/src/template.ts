// Annotation text: `$VAR`/`${VAR}` from params.env, then source.env, then build metadata, as data.
import {
  BUILD_VARIABLES,
  ConfigError,
  interpolateBuildVariables,
  readBuildMetadata,
} from '@hangar/resource-sdk';

type Env = Readonly<Record<string, string | undefined>>;

/** The reference resource's default, used when Concourse gives no build URL at all. */
export const LEGACY_TEMPLATE =
  '${BUILD_ID} ${ATC_EXTERNAL_URL}/teams/${BUILD_TEAM_NAME}/pipelines/${BUILD_PIPELINE_NAME}/jobs/${BUILD_JOB_NAME}/builds/${BUILD_NAME}';
/** With BUILD_URL (Concourse v8, or derived) the link is right for instanced pipelines and one-off builds too. */
export const DEFAULT_TEMPLATE = '${BUILD_ID} ${BUILD_URL}';

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

export function defaultTemplate(env: Env): string {
  return readBuildMetadata(env).url ? DEFAULT_TEMPLATE : LEGACY_TEMPLATE;
}

/**
 * Renders `template`. Unset variables become empty (never the word "nil"); with `strict` any
 * unset variable is an error naming it.
 */
export function renderTemplate(
  template: string,
  variables: Readonly<Record<string, string>>,
  env: Env,
  strict: boolean,
): string {
  if (strict) {
    const metadata = readBuildMetadata(env);
    const build = new Set<string>(BUILD_VARIABLES);
    const unset = new Set<string>();
    for (const match of template.matchAll(REFERENCE)) {
      const name = match[1] ?? match[2] ?? '';
      if (Object.hasOwn(variables, name)) continue;
      const value =
        name === 'BUILD_URL' ? metadata.url : name === 'BUILD_STATUS' ? metadata.status : env[name];
      if (!build.has(name) || !value) unset.add(name);
    }
    if (unset.size)
      throw new ConfigError(
        `template: ${[...unset].map((name) => `$${name}`).join(', ')} not set (strict is on; define it in params.env or source.env)`,
      );
  }
  return interpolateBuildVariables(template, env, { variables, unknown: () => '' });
}
