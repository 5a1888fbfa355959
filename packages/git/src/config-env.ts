// Per-process git configuration. GIT_CONFIG_COUNT / GIT_CONFIG_KEY_n / GIT_CONFIG_VALUE_n (git >=
// 2.31) apply like `git -c` for one process tree, so nothing is written to ~/.gitconfig and two
// resources in one container never see each other's settings. Values are passed verbatim: quotes,
// `$(…)` and backslashes reach git as the literal characters.

export type ConfigEntry = readonly [key: string, value: string];

/** Turns config entries into the GIT_CONFIG_* variables (later entries win, as with `git -c`). */
export function configEnv(entries: readonly ConfigEntry[]): Record<string, string> {
  const env: Record<string, string> = { GIT_CONFIG_COUNT: String(entries.length) };
  entries.forEach(([key, value], index) => {
    env[`GIT_CONFIG_KEY_${index}`] = key;
    env[`GIT_CONFIG_VALUE_${index}`] = value;
  });
  return env;
}

/**
 * Settings every Hangar git process gets. Stored credential helpers are switched off (an empty
 * `credential.helper` resets the list) so credentials come only from the askpass helper;
 * `protocol.file.allow` lets file:// submodules work as in the reference image.
 */
export const BASE_CONFIG: readonly ConfigEntry[] = [
  ['credential.helper', ''],
  ['protocol.file.allow', 'always'],
  ['advice.detachedHead', 'false'],
  ['init.defaultBranch', 'master'],
];

/** Applied after the user's own entries, so a pipeline cannot re-enable them. */
export const ENFORCED_CONFIG: readonly ConfigEntry[] = [['protocol.ext.allow', 'never']];

/** Variables a parent process may carry that would redirect or reconfigure our git processes. */
const INHERITED_GIT_VARIABLE = /^(GIT_|SSH_AUTH_SOCK$|SSH_ASKPASS)/;

/**
 * The environment for git: the parent's, minus any GIT_* / ssh-agent variables it carries, with
 * prompts disabled and a stable locale (git's messages are parsed in a few places).
 */
export function baseGitEnv(
  parent: Readonly<Record<string, string | undefined>> = process.env,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(parent))
    if (value !== undefined && !INHERITED_GIT_VARIABLE.test(key)) env[key] = value;
  env['GIT_TERMINAL_PROMPT'] = '0';
  env['LC_ALL'] = 'C';
  return env;
}
