// Annotation text: `$VAR`/`${VAR}` from params.env, then source.env, then build metadata, as data.
import {
  BUILD_VARIABLES,
  ConfigError,
  interpolateBuildVariables,
  readBuildMetadata,
} from '@hangar/resource-sdk';

type Env = Readonly<Record<string, string | undefined>>;

/** The reference resource's default text. `${BUILD_URL}` is there for templates that want it. */
export const DEFAULT_TEMPLATE =
  '${BUILD_ID} ${ATC_EXTERNAL_URL}/teams/${BUILD_TEAM_NAME}/pipelines/${BUILD_PIPELINE_NAME}/jobs/${BUILD_JOB_NAME}/builds/${BUILD_NAME}';

/** What the reference renders for a variable that is not set (Go's `nil`). */
const UNSET = 'nil';

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

/** Names `template` refers to that neither the env maps nor the build metadata set. */
function unsetNames(template: string, variables: Readonly<Record<string, string>>, env: Env): string[] {
  const metadata = readBuildMetadata(env);
  const build = new Set<string>(BUILD_VARIABLES);
  const unset = new Set<string>();
  for (const match of template.matchAll(REFERENCE)) {
    const name = match[1] ?? match[2] ?? '';
    if (Object.hasOwn(variables, name)) continue;
    const value = name === 'BUILD_URL' ? metadata.url : name === 'BUILD_STATUS' ? metadata.status : env[name];
    if (!build.has(name) || !value) unset.add(name);
  }
  return [...unset];
}

/**
 * Renders `template`. An unset variable becomes `nil`, as in the reference, with a warning; with
 * `strict` it is an error naming it.
 */
export function renderTemplate(
  template: string,
  variables: Readonly<Record<string, string>>,
  env: Env,
  strict: boolean,
  warn: (message: string) => void,
): string {
  const unset = unsetNames(template, variables, env);
  if (unset.length) {
    const names = unset.map((name) => `$${name}`).join(', ');
    if (strict)
      throw new ConfigError(
        `template: ${names} not set (strict is on; define it in params.env or source.env)`,
      );
    warn(
      `template: ${names} not set: written as '${UNSET}', as the reference does (strict: true makes it an error)`,
    );
  }
  const nils = Object.fromEntries(unset.map((name) => [name, UNSET]));
  return interpolateBuildVariables(template, env, { variables: { ...nils, ...variables } });
}
