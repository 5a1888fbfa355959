// Whether this process may use runc (for --runtime auto) and set cgroup limits.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { access, constants } from 'node:fs/promises';

/** runc runs containers only as root here (no rootless setup); it must also answer --version. */
export function runcUsable(runc = 'runc'): boolean {
  if (process.geteuid?.() !== 0) return false;
  return spawnSync(runc, ['--version'], { stdio: 'ignore' }).status === 0;
}

let writable: Promise<boolean> | undefined;

/** cgroup v1 (a memory hierarchy) or v2 (the unified root) that we may create groups in. */
export function cgroupLimitsWritable(): Promise<boolean> {
  const v2 = existsSync('/sys/fs/cgroup/cgroup.controllers');
  writable ??= access(v2 ? '/sys/fs/cgroup' : '/sys/fs/cgroup/memory', constants.W_OK).then(
    () => true,
    () => false,
  );
  return writable;
}
