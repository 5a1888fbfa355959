// Subject: an OCI image layout, unpacked once and run with runc the way a Concourse worker runs a
// resource container: the image's Env and User, /opt/resource/<script>, the harness's directories
// bind-mounted at /tmp/build/get|put, /tmp and /root, argv and cwd rewritten to those paths.
import { lchown, lstat, mkdtemp, readdir, readlink, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { OciLayout, resolveContainerUser, runInRootfs, unpackImage, type ImageConfig } from '@hangar/oci';
import type { Script } from '../protocol/types.js';
import { toContainerInvocation } from './mounts.js';
import type { Availability, RunOptions, RunResult, Subject } from './subject.js';

export interface OciSubjectOptions {
  /** Tag or digest in the layout; default `latest`, else the layout's only image. */
  reference?: string;
  /** How the subject names itself in reports (default `oci <layout>[:reference]`). */
  description?: string;
  /**
   * Share the host's network namespace (default true): Concourse containers reach the network, and
   * case-file remotes listen on the host's 127.0.0.1.
   */
  hostNetwork?: boolean;
}

/** Fills an OCI layout (e.g. by pulling from a registry) under `workDir`; returns its path. */
export type LayoutSource = (workDir: string) => Promise<string>;

interface Unpacked {
  dir: string;
  rootfs: string;
  config: ImageConfig;
  user: { uid: number; gid: number };
}

async function chownTree(dir: string, uid: number, gid: number): Promise<void> {
  await lchown(dir, uid, gid);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) await chownTree(full, uid, gid);
    else await lchown(full, uid, gid);
  }
}

export class OciSubject implements Subject {
  readonly kind = 'oci';
  readonly description: string;
  readonly #layout: string | LayoutSource;
  readonly #options: OciSubjectOptions;
  #unpacked: Promise<Unpacked> | undefined;

  /** `layout` is a layout directory, or a function filling one inside the subject's work directory. */
  constructor(layout: string | LayoutSource, options: OciSubjectOptions = {}) {
    this.#layout = typeof layout === 'string' ? path.resolve(layout) : layout;
    this.#options = options;
    this.description =
      options.description ??
      `oci ${typeof layout === 'string' ? layout : 'layout'}${options.reference ? `:${options.reference}` : ''}`;
  }

  #unpack(): Promise<Unpacked> {
    this.#unpacked ??= (async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'hangar-conformance-oci-'));
      const layout = await OciLayout.open(
        typeof this.#layout === 'string' ? this.#layout : await this.#layout(dir),
      );
      const reference =
        this.#options.reference ?? ((await layout.tags()).includes('latest') ? 'latest' : undefined);
      const rootfs = path.join(dir, 'rootfs');
      const { config } = await unpackImage(layout, reference, rootfs, { ownership: 'preserve' });
      const user = await resolveContainerUser(rootfs, config.config?.User);
      return { dir, rootfs, config, user };
    })();
    return this.#unpacked;
  }

  /** A container path's host path, following symlinks inside the rootfs (absolute targets too). */
  async #hostPath(rootfs: string, containerPath: string, depth = 0): Promise<string> {
    const host = path.join(rootfs, containerPath);
    const info = await lstat(host);
    if (!info.isSymbolicLink() || depth > 8) return host;
    const target = await readlink(host);
    const next = path.posix.isAbsolute(target)
      ? target
      : path.posix.join(path.posix.dirname(containerPath), target);
    return this.#hostPath(rootfs, next, depth + 1);
  }

  async available(script: Script): Promise<Availability> {
    const { rootfs } = await this.#unpack();
    const container = `/opt/resource/${script}`;
    try {
      const info = await stat(await this.#hostPath(rootfs, container));
      if (!info.isFile()) return { ok: false, reason: `${container} in the image is not a file` };
      if (!(info.mode & 0o111)) return { ok: false, reason: `${container} in the image is not executable` };
      return { ok: true };
    } catch {
      return { ok: false, reason: `${container} does not exist in the image` };
    }
  }

  async run(script: Script, options: RunOptions): Promise<RunResult> {
    const { rootfs, config, user } = await this.#unpack();
    const started = performance.now();
    const { args, cwd } = toContainerInvocation(options);
    // Volumes a worker hands a container are writable by the image's user.
    if (user.uid !== 0) for (const mount of options.mounts) await chownTree(mount.host, user.uid, user.gid);
    const env = new Map<string, string>();
    for (const entry of config.config?.Env ?? []) {
      const eq = entry.indexOf('=');
      if (eq > 0) env.set(entry.slice(0, eq), entry.slice(eq + 1));
    }
    for (const [key, value] of Object.entries(options.env)) env.set(key, value);
    const result = await runInRootfs({
      rootfs,
      args: [`/opt/resource/${script}`, ...args],
      cwd: cwd ?? '/',
      env: Object.fromEntries(env),
      user,
      stdin: options.stdin,
      binds: options.mounts.map((mount) => ({ source: mount.host, destination: mount.target })),
      timeoutMs: options.timeoutMs,
      hostNetwork: this.#options.hostNetwork ?? true,
    });
    return {
      exitCode: result.timedOut ? null : result.exitCode,
      signal: result.timedOut ? 'SIGKILL' : null,
      stdout: result.stdout.toString('utf8'),
      stderr: result.stderr.toString('utf8'),
      durationMs: Math.round(performance.now() - started),
      timedOut: result.timedOut,
      // Processes run inside the container's pid namespace; the /proc watch of host subjects does not see them.
      sightings: [],
    };
  }

  async close(): Promise<void> {
    const unpacked = this.#unpacked;
    this.#unpacked = undefined;
    if (unpacked) await rm((await unpacked).dir, { recursive: true, force: true });
  }
}
