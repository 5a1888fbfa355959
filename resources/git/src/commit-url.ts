// A browser link to the commit for the hosts whose URL scheme is known (GitHub, Gogs, GitLab,
// Bitbucket); other remotes get none.

/** `https://<host>/<path>/commit/<sha>` (or the host's variant), or undefined. */
export function commitUrl(origin: string, sha: string): string | undefined {
  const match = /^(https?:\/\/|ssh:\/\/git@|git@)([^/]+)\/(.*)$/.exec(origin);
  if (!match) return undefined;
  const [, scheme = '', rawHost = '', rawPath = ''] = match;
  let host = rawHost.replace(/^[^@]*@/, '');
  let path = rawPath.replace(/\.git$/, '');
  // scp-style `git@github.com:org/repo`: the org sits after the colon.
  if (scheme === 'git@' && host.includes(':')) {
    path = `${host.slice(host.indexOf(':') + 1)}/${path}`;
    host = host.slice(0, host.indexOf(':'));
  }
  if (/github|gogs/.test(host)) return `https://${host}/${path}/commit/${sha}`;
  if (/gitlab/.test(host)) return `https://${host}/${path}/-/commit/${sha}`;
  if (/bitbucket/.test(host)) return `https://${host}/${path}/commits/${sha}`;
  return undefined;
}
