// Opens a @hangar/git session from the git/git-tag fields of `source`. Credentials live in the
// session's private directory for this process only: no ~/.netrc, no global git config.
import { ConfigError, type Logger } from '@hangar/resource-sdk';
import { assertSafeRemote, openGitSession, type GitSession } from '@hangar/git';
import type { Source } from '../source.js';

export interface Identity {
  name: string;
  email: string;
}

/** The reference image's global identity, used when `git_user` is not set. */
export const DEFAULT_IDENTITY: Identity = { name: 'git', email: 'git@localhost' };

/** `Name <a@b>` or `a@b` (RFC 5322 style, as the reference accepts). */
export function parseGitUser(value: string | undefined): Identity {
  if (!value?.trim()) return DEFAULT_IDENTITY;
  const named = /^\s*"?([^"<]*?)"?\s*<([^<>\s]+@[^<>\s]+)>\s*$/.exec(value);
  if (named?.[2]) return { name: named[1] || named[2].split('@')[0] || named[2], email: named[2] };
  const bare = /^\s*([^<>\s]+@[^<>\s]+)\s*$/.exec(value);
  if (bare?.[1]) return { name: bare[1].split('@')[0] || bare[1], email: bare[1] };
  throw new ConfigError(`invalid 'source.git_user': '${value}' is not 'Name <email>' or 'email'`);
}

/** Author and committer variables for commit-tree / tag. */
export function identityEnv(identity: Identity): Record<string, string> {
  return {
    GIT_AUTHOR_NAME: identity.name,
    GIT_AUTHOR_EMAIL: identity.email,
    GIT_COMMITTER_NAME: identity.name,
    GIT_COMMITTER_EMAIL: identity.email,
  };
}

/** `%version%` and `%file%` placeholders, as in the reference. */
export function renderMessage(template: string | undefined, version: string, file: string): string {
  return (template || 'bump to %version%').replaceAll('%version%', version).replaceAll('%file%', file);
}

export function requireField(value: string | undefined, field: string, driver: string): string {
  if (!value)
    throw new ConfigError(`missing required field 'source.${field}' (needed by the ${driver} driver)`);
  return value;
}

export async function openSourceSession(
  source: Source,
  env: Readonly<Record<string, string | undefined>>,
  log: Logger,
): Promise<GitSession> {
  assertSafeRemote(source.uri ?? '', 'source.uri');
  // The reference uses credentials only as a pair, and a passphrase not at all: say what is ignored.
  if (Boolean(source.username) !== Boolean(source.password))
    log.warn('ignoring source.username and source.password: HTTP credentials need both');
  if (source.private_key_passphrase && !source.private_key)
    log.warn('ignoring source.private_key_passphrase: there is no source.private_key');
  try {
    return await openGitSession({
      ...(source.private_key ? { privateKey: source.private_key, keyField: 'source.private_key' } : {}),
      ...(source.private_key_passphrase ? { privateKeyPassphrase: source.private_key_passphrase } : {}),
      ...(source.known_hosts ? { knownHosts: source.known_hosts } : {}),
      ...(source.username && source.password ? { username: source.username, password: source.password } : {}),
      ...(source.skip_ssl_verification ? { skipSslVerification: true } : {}),
      parentEnv: env,
      ...(env['TMPDIR'] ? { tmpDir: env['TMPDIR'] } : {}),
    });
  } catch (error) {
    // The reference's words for an encrypted key (its tests look for them), plus the way out.
    if (error instanceof ConfigError && /protected by a passphrase/.test(error.message))
      throw new ConfigError(
        'source.private_key: private keys with passphrases are not supported unless source.private_key_passphrase is set',
        { cause: error },
      );
    throw error;
  }
}
