// Opens a @hangar/git session from `source`: credentials, git_config, TLS and tunnel settings.
import { ConfigError, type Logger } from '@hangar/resource-sdk';
import {
  assertSafeRefName,
  assertSafeRemote,
  openGitSession,
  type ConfigEntry,
  type GitSession,
  type HostCredential,
} from '@hangar/git';
import { reportUnknownSourceKeys, type GetParams, type Source } from './source.js';

/**
 * The LFS filter that `git lfs install` writes into the reference image's global config, given to
 * every git process instead (HOME holds no config here): LFS files are smudged on checkout.
 */
const LFS_CONFIG: readonly ConfigEntry[] = [
  ['filter.lfs.clean', 'git-lfs clean -- %f'],
  ['filter.lfs.smudge', 'git-lfs smudge -- %f'],
  ['filter.lfs.process', 'git-lfs filter-process'],
  ['filter.lfs.required', 'true'],
];

/** `disable_git_lfs: true` leaves LFS pointers unsmudged, in the checkout and its submodules. */
export const lfsEnv = (params: GetParams): Record<string, string> =>
  params.disable_git_lfs ? { GIT_LFS_SKIP_SMUDGE: '1' } : {};

/** Checks the source before any git runs; unknown keys fail in check and warn elsewhere. */
export function validateSource(source: Source, script: 'check' | 'in' | 'out', log: Logger): void {
  reportUnknownSourceKeys(source, script, log);
  assertSafeRemote(source.uri, 'source.uri');
  if (source.branch !== undefined) assertSafeRefName(source.branch, 'source.branch');
  if (source.tag_regex !== undefined) {
    try {
      new RegExp(source.tag_regex);
    } catch (error) {
      throw new ConfigError(
        `source.tag_regex is not a valid regular expression: ${(error as Error).message}`,
      );
    }
  }
  for (const [index, entry] of (source.submodule_credentials ?? []).entries())
    if (entry.url) assertSafeRemote(entry.url, `source.submodule_credentials[${index}].url`);
}

export interface SessionExtras {
  env: Readonly<Record<string, string | undefined>>;
  /** Build log; with source.debug it receives every git command and its stderr. */
  log?: Logger;
  extraEnv?: Record<string, string>;
  /** A different key (a submodule's) instead of source.private_key. */
  key?: { privateKey: string; passphrase?: string | undefined; field: string };
}

export function openSourceSession(source: Source, extras: SessionExtras): Promise<GitSession> {
  // The reference writes a netrc line only for an entry with all three; others it skips.
  const hostCredentials: HostCredential[] = (source.submodule_credentials ?? []).flatMap(
    ({ host, username, password }) => (host && username && password ? [{ host, username, password }] : []),
  );
  const key = extras.key ?? {
    privateKey: source.private_key,
    passphrase: source.private_key_passphrase,
    field: 'source.private_key',
  };
  const tunnel = source.https_tunnel;
  const debugEnv: Record<string, string> = source.debug ? { GIT_TRACE: '1', GIT_CURL_VERBOSE: '1' } : {};
  return openGitSession({
    ...(key.privateKey ? { privateKey: key.privateKey, keyField: key.field } : {}),
    ...(key.passphrase ? { privateKeyPassphrase: key.passphrase } : {}),
    ...(source.private_key_user ? { privateKeyUser: source.private_key_user } : {}),
    ...(source.forward_agent ? { forwardAgent: true } : {}),
    ...(source.known_hosts ? { knownHosts: source.known_hosts } : {}),
    ...(source.username && source.password ? { username: source.username, password: source.password } : {}),
    hostCredentials,
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
    config: [...LFS_CONFIG, ...(source.git_config ?? []).map(({ name, value }) => [name, value] as const)],
    parentEnv: extras.env,
    ...(extras.env['TMPDIR'] ? { tmpDir: extras.env['TMPDIR'] } : {}),
    extraEnv: { ...debugEnv, ...extras.extraEnv },
    trace: source.debug && extras.log ? (text: string) => extras.log?.info(text.trimEnd()) : undefined,
  });
}
