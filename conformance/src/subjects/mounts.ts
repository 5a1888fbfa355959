// Translating the harness's host directories into the paths a Concourse container sees. Container
// subjects (runc) bind-mount each Mount and rewrite argv/cwd with `toContainerInvocation`.
import path from 'node:path';
import type { Mount, RunOptions } from './subject.js';

/** A host path as the script would see it in a Concourse container (`/tmp/build/get/x`), if mounted. */
export function containerPath(mounts: Mount[], hostPath: string): string | undefined {
  const mount = [...mounts]
    .sort((a, b) => b.host.length - a.host.length)
    .find((m) => hostPath === m.host || hostPath.startsWith(m.host + path.sep));
  return mount ? path.posix.join(mount.target, path.relative(mount.host, hostPath)) : undefined;
}

/** argv and cwd as the script sees them inside the container: `[/tmp/build/get]`, `/tmp/build/get`. */
export function toContainerInvocation(options: RunOptions): { args: string[]; cwd: string | undefined } {
  return {
    args: options.args.map((arg) => containerPath(options.mounts, arg) ?? arg),
    cwd: options.cwd === undefined ? undefined : (containerPath(options.mounts, options.cwd) ?? options.cwd),
  };
}
