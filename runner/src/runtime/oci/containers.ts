// Containers on this machine: one runc state root and one directory of bundles per state dir, so
// whatever a killed runner left behind (containers, bundles, overlay layers) is found and removed
// at the next start. A container's bundle holds its config, overlay upper layer and /scratch.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chown, mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { deleteContainer, listContainers, runInRootfs, type BindMount, type RuncResult } from '@hangar/oci';

export interface ContainerSpec {
  rootfs: string;
  args: string[];
  cwd: string;
  env: string[];
  user: { uid: number; gid: number };
  binds: BindMount[];
  stdin?: string;
  /** A host directory kept as /tmp (reused check containers). */
  tmpDir?: string | undefined;
  privileged?: boolean | undefined;
  limits?: { memoryBytes?: number; cpuShares?: number } | undefined;
  signal: AbortSignal;
  onStdout?: (chunk: Buffer) => void;
  onStderr?: (chunk: Buffer) => void;
  /** Told the container's id before runc starts it. */
  onId?: (id: string) => void;
}

/** Host files every container sees read-only: the CA bundle (as a worker's --certs-dir) and DNS. */
const hostFiles = ['/etc/ssl/certs', '/etc/resolv.conf', '/etc/hosts'];

export class Containers {
  readonly stateRoot: string;
  readonly bundles: string;

  constructor(
    root: string,
    readonly runc = 'runc',
  ) {
    this.stateRoot = join(root, 'runc');
    this.bundles = join(root, 'containers');
  }

  async run(spec: ContainerSpec): Promise<RuncResult> {
    const id = `hangar-${randomBytes(6).toString('hex')}`;
    const bundle = join(this.bundles, id);
    spec.onId?.(id);
    try {
      const scratch = join(bundle, 'scratch');
      await mkdir(scratch, { recursive: true });
      if (spec.user.uid !== 0) await chown(scratch, spec.user.uid, spec.user.gid);
      const shared = hostFiles
        .filter((f) => existsSync(f))
        .map((f) => ({ source: f, destination: f, readonly: true }));
      return await runInRootfs({
        rootfs: spec.rootfs,
        args: spec.args,
        cwd: spec.cwd,
        env: spec.env,
        user: spec.user,
        stdin: spec.stdin ?? '',
        binds: [...shared, { source: scratch, destination: '/scratch' }, ...spec.binds],
        hostNetwork: true,
        overlay: { upper: join(bundle, 'upper'), work: join(bundle, 'work') },
        bundle: join(bundle, 'bundle'),
        id,
        runc: this.runc,
        stateRoot: this.stateRoot,
        signal: spec.signal,
        ...(spec.tmpDir ? { tmpDir: spec.tmpDir } : {}),
        ...(spec.privileged ? { privileged: true } : {}),
        ...(spec.limits ? { limits: spec.limits } : {}),
        ...(spec.onStdout ? { onStdout: spec.onStdout } : {}),
        ...(spec.onStderr ? { onStderr: spec.onStderr } : {}),
      });
    } finally {
      await rm(bundle, { recursive: true, force: true });
    }
  }

  /** Containers runc still knows in our state root plus bundle directories on disk. */
  async leftovers(): Promise<{ containers: string[]; bundles: string[] }> {
    const containers = await listContainers(this.stateRoot, this.runc);
    const bundles = await readdir(this.bundles).catch(() => []);
    return { containers, bundles };
  }

  /** Deletes every leftover container and bundle; returns how many containers there were. */
  async clean(): Promise<number> {
    const { containers, bundles } = await this.leftovers();
    for (const id of containers) await deleteContainer(this.stateRoot, id, this.runc);
    for (const b of bundles) await rm(join(this.bundles, b), { recursive: true, force: true });
    return new Set([...containers, ...bundles]).size;
  }
}
