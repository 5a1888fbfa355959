// Whether this process may use runc (for --runtime auto) and which cgroup limits it can set.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { access, constants, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** runc runs containers only as root here (no rootless setup); it must also answer --version. */
export function runcUsable(runc = 'runc'): boolean {
  if (process.geteuid?.() !== 0) return false;
  return spawnSync(runc, ['--version'], { stdio: 'ignore' }).status === 0;
}

export type LimitController = 'memory' | 'cpu';

const writable = (dir: string) =>
  access(dir, constants.W_OK).then(
    () => true,
    () => false,
  );

const probed = new Map<string, Promise<ReadonlySet<LimitController>>>();

/**
 * The controllers runc can set limits with under `root`: on cgroup v2 those the root's
 * cgroup.controllers lists (the root writable), on v1 each controller's own writable hierarchy.
 */
export function cgroupControllers(root = '/sys/fs/cgroup'): Promise<ReadonlySet<LimitController>> {
  let found = probed.get(root);
  if (!found) {
    found = (async () => {
      const wanted: LimitController[] = ['memory', 'cpu'];
      const v2 = join(root, 'cgroup.controllers');
      if (existsSync(v2)) {
        const listed = (await readFile(v2, 'utf8')).split(/\s+/);
        return new Set((await writable(root)) ? wanted.filter((c) => listed.includes(c)) : []);
      }
      const ok = await Promise.all(wanted.map((c) => writable(join(root, c))));
      return new Set(wanted.filter((_, i) => ok[i]));
    })();
    probed.set(root, found);
  }
  return found;
}
