// OpenTofu is a plain binary for tests that run `tofu init/plan/apply` against local state.
import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { requireBinary } from './bin.js';

/** Absolute path of the OpenTofu binary scripts/bootstrap builds into ~/.cache/hangar/bin. */
export const tofuPath = (): string => requireBinary('tofu');

/**
 * Lays OpenTofu's own test provider `simple` (resource `simple_resource` with a string `value`, and a
 * data source of the same name) into `dir` the way a plugin dir or local mirror holds providers:
 * `<namespace>/simple/<version>/linux_<arch>/`. Returns its source address, `<namespace>/simple`.
 */
export async function installTestProvider(
  dir: string,
  namespace = 'example.test/hangar',
  version = '1.0.0',
): Promise<string> {
  const into = join(
    dir,
    namespace,
    'simple',
    version,
    `linux_${process.arch === 'arm64' ? 'arm64' : 'amd64'}`,
  );
  await mkdir(into, { recursive: true });
  await symlink(
    requireBinary('terraform-provider-simple'),
    join(into, `terraform-provider-simple_v${version}`),
  );
  return `${namespace}/simple`;
}
