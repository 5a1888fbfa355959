// Submodules for `in`: all, none or a list of paths; a submodule whose URL has its own key in
// submodule_credentials is updated in a session holding that key.
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ConfigError, type Logger, RemoteError } from '@hangar/resource-sdk';
import { type Git, GitCommandError, lastMeaningfulLine } from '@hangar/git';
import type { GetParams, Source } from './source.js';
import { checkoutRef, deepenUntilFound } from './clone.js';
import { lfsEnv, openSourceSession } from './remote-session.js';

interface Submodule {
  name: string;
  path: string;
  url: string;
}

async function listSubmodules(git: Git): Promise<Submodule[]> {
  const entries = await git
    .lines(['config', '--file', '.gitmodules', '--get-regexp', '^submodule\\..*\\.(path|url)$'])
    .catch(() => []);
  const byName = new Map<string, Partial<Submodule>>();
  for (const line of entries) {
    const match = /^submodule\.(.*)\.(path|url) (.*)$/.exec(line);
    if (!match) continue;
    const [, name = '', key = '', value = ''] = match;
    byName.set(name, { ...byName.get(name), name, [key]: value });
  }
  return [...byName.values()].filter((s): s is Submodule => Boolean(s.path && s.url));
}

/**
 * A `params.submodules` entry selects the submodule paths it matches at their end, read as a
 * regular expression as the reference reads it (`lib` selects `vendor/lib`).
 */
function pathPattern(entry: string): (path: string) => boolean {
  const trimmed = entry.replace(/\/+$/, '');
  try {
    const regex = new RegExp(`(?:${trimmed})$`);
    return (path) => regex.test(path);
  } catch {
    return (path) => path === trimmed || path.endsWith(`/${trimmed}`);
  }
}

const CLONE_FAILED = /^fatal: clone of '(.*)' into submodule path '(.*)' failed$/;
const CHECKOUT_FAILED = /^fatal: Unable to checkout '([0-9a-f]+)' in submodule path '(.*)'$/;

const commitNotFound = (path: string, sha: string) =>
  `submodule '${path}' records commit ${sha}, which no branch fetched from its remote holds: was it force-pushed away?`;

/**
 * `git submodule update` prints git's reason, then "clone of '<url>' into submodule path '<abs>'
 * failed", and does it all again on its retry: one line naming the submodule, its URL and the
 * reason. A recorded commit the clone lacks is named as such.
 */
async function runUpdate(git: Git, destination: string, args: string[]): Promise<void> {
  try {
    await git.run(args);
  } catch (error) {
    if (!(error instanceof GitCommandError)) throw error;
    const lines = error.result.stderr.split('\n').map((line) => line.trim());
    const checkout = lines.map((line) => CHECKOUT_FAILED.exec(line)).find(Boolean);
    if (checkout)
      throw new RemoteError(commitNotFound(checkout[2] ?? '', checkout[1] ?? ''), {
        exitCode: error.result.code,
      });
    const at = lines.findIndex((line) => CLONE_FAILED.test(line));
    if (at < 0) throw error;
    const [, url = '', path = ''] = CLONE_FAILED.exec(lines[at] ?? '') ?? [];
    const reason = lastMeaningfulLine(lines.slice(0, at).join('\n'));
    throw new RemoteError(
      `submodule '${relative(destination, path)}' could not be cloned from ${url}${reason ? `: ${reason}` : ''}`,
    );
  }
}

interface UpdateOptions {
  depth: number;
  recursive: boolean;
  remote: boolean;
  log: Logger;
}

/**
 * Updates `modules` as the reference does: `--no-fetch`, so a recorded commit that no branch of
 * the submodule's remote holds fails rather than being fetched by its id. With a depth (and
 * without `submodule_remote`), each submodule is cloned that deep and then deepened until its
 * recorded commit is there, as the reference's custom update command does; its own submodules
 * then get git's plain update.
 */
async function updateModules(
  git: Git,
  destination: string,
  modules: readonly Submodule[],
  { depth, recursive, remote, log }: UpdateOptions,
): Promise<void> {
  const update = ['submodule', '--quiet', 'update', '--init', '--no-fetch'];
  if (depth > 0) update.push(`--depth=${depth}`);
  const nested = [...update, ...(recursive ? ['--recursive'] : []), ...(remote ? ['--remote'] : [])];
  if (depth === 0 || remote) {
    await runUpdate(git, destination, [...nested, '--', ...modules.map((m) => m.path)]);
    return;
  }
  // `!true` as the update command: git only clones; the checkout is ours.
  const cloneOnly = modules.flatMap((m) => ['-c', `submodule.${m.name}.update=!true`]);
  await runUpdate(git, destination, [...cloneOnly, ...update, '--', ...modules.map((m) => m.path)]);
  for (const module of modules) {
    const recorded = await git.output(['rev-parse', `HEAD:${module.path}`]);
    const inside = git.at(join(destination, module.path));
    await deepenUntilFound(inside, recorded, depth, log);
    await checkoutRef(inside, recorded, commitNotFound(module.path, recorded));
    if (recursive && existsSync(join(destination, module.path, '.gitmodules')))
      await runUpdate(inside, destination, nested);
  }
}

export async function updateSubmodules(
  git: Git,
  destination: string,
  source: Source,
  params: GetParams,
  env: Readonly<Record<string, string | undefined>>,
  log: Logger,
): Promise<void> {
  const wanted = params.submodules ?? 'all';
  if (wanted === 'none' || !existsSync(join(destination, '.gitmodules'))) return;
  let modules = await listSubmodules(git);
  if (Array.isArray(wanted)) {
    const patterns = wanted.map((entry) => ({ entry, matches: pathPattern(entry) }));
    for (const { entry, matches } of patterns)
      if (!modules.some((module) => matches(module.path)))
        log.warn(`submodule path '${entry}' is not in .gitmodules; skipped`);
    modules = modules.filter((module) => patterns.some(({ matches }) => matches(module.path)));
  }
  for (const module of modules)
    if (!existsSync(join(destination, module.path)))
      log.warn(
        `submodule '${module.name}' is in .gitmodules but its path '${module.path}' is not in the commit; skipped`,
      );
  modules = modules.filter((module) => existsSync(join(destination, module.path)));
  if (!modules.length) return;
  const options: UpdateOptions = {
    depth: Math.max(0, params.depth ?? 0),
    recursive: params.submodule_recursive !== false,
    remote: Boolean(params.submodule_remote),
    log,
  };
  await git.run(['submodule', '--quiet', 'sync', '--recursive']);
  const keys = (source.submodule_credentials ?? []).flatMap((entry, index) =>
    entry.url ? [{ entry, index }] : [],
  );
  const plain = modules.filter((module) => !keys.some(({ entry }) => entry.url === module.url));
  if (plain.length) await updateModules(git, destination, plain, options);
  for (const module of modules) {
    const key = keys.find(({ entry }) => entry.url === module.url);
    if (!key) continue;
    if (!key.entry.private_key)
      throw new ConfigError(
        `source.submodule_credentials[${key.index}] names submodule ${module.url} but has no private_key`,
      );
    await using session = await openSourceSession(source, {
      env,
      extraEnv: lfsEnv(params),
      key: {
        privateKey: key.entry.private_key,
        passphrase: key.entry.private_key_passphrase,
        field: `source.submodule_credentials[${key.index}].private_key`,
      },
    });
    await updateModules(session.git.at(destination), destination, [module], options);
  }
}
