// Opens a @hangar/git session from `source`: credentials, git_config, TLS and tunnel settings. The
// lock-commit identity defaults to the reference image's and yields to `git_config` entries.
import { assertSafeRefName, assertSafeRemote, openGitSession, type GitSession } from '@hangar/git';
import { ConfigError } from '@hangar/resource-sdk';
import type { Source } from './source.js';

/** `source` once its required fields are known to be set. */
export type PoolSource = Source & { uri: string; branch: string; pool: string };

/**
 * Checks the fields every script uses before any git process starts. Missing ones are reported
 * together, in the reference's words (its tests look for them).
 */
export function validateSource(source: Source): PoolSource {
  const missing = (['uri', 'branch', 'pool'] as const).filter((field) => !source[field]);
  if (missing.length)
    throw new ConfigError(
      missing.map((field) => `invalid payload (missing ${field}): set source.${field}`).join('; '),
    );
  const valid = source as PoolSource;
  assertSafeRemote(valid.uri, 'source.uri');
  assertSafeRefName(valid.branch, 'source.branch');
  poolPath(valid.pool);
  return valid;
}

/** The pool directory as a relative path; nested paths are allowed, escapes are not. */
export function poolPath(pool: string): string {
  const parts = pool.split('/').filter((part) => part !== '' && part !== '.');
  if (!parts.length) throw new ConfigError('source.pool must name a directory of the repository');
  if (parts.some((part) => part === '..' || part === '.git' || part.startsWith('-')))
    throw new ConfigError(`source.pool '${pool}' must stay inside the repository`);
  return parts.join('/');
}

/** What lock commits carry in the reference's image: the global identity its Dockerfile sets. */
const IDENTITY: readonly (readonly [string, string])[] = [
  ['user.name', 'git'],
  ['user.email', 'git@localhost'],
];

export function openSourceSession(
  source: Source,
  env: Readonly<Record<string, string | undefined>>,
): Promise<GitSession> {
  const tunnel = source.https_tunnel;
  return openGitSession({
    ...(source.private_key ? { privateKey: source.private_key } : {}),
    ...(source.private_key_passphrase ? { privateKeyPassphrase: source.private_key_passphrase } : {}),
    ...(source.private_key_user ? { privateKeyUser: source.private_key_user } : {}),
    ...(source.forward_agent ? { forwardAgent: true } : {}),
    ...(source.known_hosts ? { knownHosts: source.known_hosts } : {}),
    ...(source.username && source.password ? { username: source.username, password: source.password } : {}),
    ...(tunnel?.proxy_host && tunnel.proxy_port !== undefined
      ? {
          httpsTunnel: {
            proxyHost: tunnel.proxy_host,
            proxyPort: tunnel.proxy_port,
            ...(tunnel.proxy_user ? { proxyUser: tunnel.proxy_user } : {}),
            ...(tunnel.proxy_password ? { proxyPassword: tunnel.proxy_password } : {}),
          },
        }
      : {}),
    skipSslVerification: Boolean(source.skip_ssl_verification),
    config: [
      ...IDENTITY,
      ...(source.git_config ?? []).map(({ name, value }) => [name, String(value)] as const),
    ],
    parentEnv: env,
    ...(env['TMPDIR'] ? { tmpDir: env['TMPDIR'] } : {}),
  });
}
