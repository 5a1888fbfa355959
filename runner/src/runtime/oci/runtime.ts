// The oci runtime: every resource script and task runs in a runc container from an unpacked image
// with Concourse's layout (/opt/resource/{check,in,out}, /tmp/build/{get,put}, /tmp/build/<hash>
// for tasks, /scratch, the host's CA bundle, host networking). Images come from the built-in
// registry-image type, custom resource_types (resolved down to a base type) and the layouts
// `hangar-images` builds for our own types. What has no image here (a task without one, a type
// registered with --resource-type, one of our types not built as an image) runs on the host.
import { createHash } from 'node:crypto';
import { lchown, mkdir, mkdtemp, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { resolveContainerUser } from '@hangar/oci';
import type { ResourceTypeConfig } from '../../model/types.js';
import { canonicalJson } from '../../store/version-identity.js';
import { HostRuntime } from '../host.js';
import { parseCheckOutput, requestJson } from '../protocol.js';
import { ResourceTypeRegistry } from '../registry.js';
import type {
  ContainerLimits,
  ImageResource,
  ProcessResult,
  ResourceInvocation,
  Runtime,
  TaskInvocation,
} from '../runtime.js';
import { AbortedError } from '../runtime.js';
import { Containers } from './containers.js';
import { ImageCache, type CachedImage, type ImageMetadata } from './image-cache.js';
import { cgroupControllers } from './probe.js';
import { LocalImages } from './local-images.js';
import { ImageSourceError, RegistryImage } from './registry-image.js';

export interface OciRuntimeOptions {
  /** The runner's state dir: containers, bundles and the image cache live under `<state>/oci`. */
  stateDir: string;
  registry?: ResourceTypeRegistry;
  /** Where `hangar-images build` wrote its layouts (default `<workspace>/images/out`). */
  imagesDir?: string;
  /** Pull our types from `<registry>/hangar/<type>-resource:latest` instead. */
  resourceRegistry?: string | undefined;
  mirrors?: ReadonlyMap<string, string>;
  imageCacheBytes?: number;
  runc?: string;
  /** Where to look for the cgroup controllers runc would use (default `/sys/fs/cgroup`). */
  cgroupRoot?: string;
}

type Types = readonly ResourceTypeConfig[];

const textOf = (chunk: Buffer) => chunk.toString('utf8');

export class OciRuntime implements Runtime {
  readonly name = 'oci';
  readonly runsImages = true;
  readonly registry: ResourceTypeRegistry;
  readonly host: HostRuntime;
  readonly containers: Containers;
  readonly cache: ImageCache;
  readonly registryImage: RegistryImage;
  readonly local: LocalImages;
  readonly #root: string;
  readonly #cgroupRoot: string | undefined;
  readonly #noted = new Set<string>();
  #ready: Promise<number> | undefined;

  constructor(options: OciRuntimeOptions) {
    this.registry = options.registry ?? new ResourceTypeRegistry();
    this.host = new HostRuntime(this.registry);
    this.#root = join(options.stateDir, 'oci');
    this.#cgroupRoot = options.cgroupRoot;
    this.containers = new Containers(this.#root, options.runc);
    this.cache = new ImageCache(join(this.#root, 'images'), options.imageCacheBytes);
    this.registryImage = new RegistryImage(this.cache, join(this.#root, 'tmp'), options.mirrors);
    this.local = new LocalImages(
      options.imagesDir ?? join(this.registry.workspace, 'images', 'out'),
      this.cache,
      this.registryImage,
      options.resourceRegistry,
    );
  }

  /** Removes what a previous runner left (it may have been SIGKILLed); returns how many containers. */
  start(): Promise<number> {
    this.#ready ??= this.containers.clean();
    return this.#ready;
  }

  #custom(type: string, types: Types | undefined, seen: ReadonlySet<string>): ResourceTypeConfig | undefined {
    return seen.has(type) ? undefined : types?.find((t) => t.name === type);
  }

  assertResourceType(type: string, types?: Types): void {
    if (this.#custom(type, types, new Set()) || type === 'registry-image' || this.local.has(type)) return;
    this.registry.command(type); // host fallback, or its error naming the type
  }

  /** Once per runtime: why something runs on the host instead of in a container. */
  #note(key: string, text: string, out: (t: string) => void): void {
    if (this.#noted.has(key)) return;
    this.#noted.add(key);
    out(`${text}\n`);
  }

  // ---- images ----

  /** The image for resources of `type`, or undefined when it runs on the host. */
  async #typeImage(
    type: string,
    types: Types | undefined,
    seen: ReadonlySet<string>,
    signal: AbortSignal,
  ): Promise<(CachedImage & { privileged: boolean }) | undefined> {
    const custom = this.#custom(type, types, seen);
    if (custom) {
      const image = await this.#imageOf(
        {
          type: custom.type,
          source: (custom.source ?? {}) as Record<string, unknown>,
          params: (custom.params ?? undefined) as Record<string, unknown> | undefined,
        },
        types,
        new Set([...seen, type]),
        signal,
      );
      return { ...image, privileged: custom.privileged === true };
    }
    if (this.local.has(type)) {
      try {
        return { ...(await this.local.image(type)), privileged: false };
      } catch (err) {
        throw new ImageSourceError(`image for resource type '${type}': ${(err as Error).message}`);
      }
    }
    return undefined;
  }

  /** An image resource fetched and unpacked: registry-image in-process, any other type in a container. */
  async #imageOf(
    res: ImageResource,
    types: Types | undefined,
    seen: ReadonlySet<string>,
    signal: AbortSignal,
  ): Promise<CachedImage> {
    if (res.type === 'registry-image' && !this.#custom(res.type, types, seen)) {
      return this.registryImage.image(res.source, res.version?.digest);
    }
    const image = await this.#typeImage(res.type, types, seen, signal);
    if (!image) throw new ImageSourceError(`resource type '${res.type}' has no image to fetch images with`);
    try {
      const call = async (action: 'check' | 'in', stdin: string, dir?: string) => {
        let stderr = '';
        const r = await this.#runScript(
          image,
          action,
          stdin,
          dir,
          undefined,
          {},
          signal,
          (t) => (stderr += t),
        );
        if (r.exitCode !== 0)
          throw new ImageSourceError(`image ${action} of type '${res.type}' failed: ${stderr.trim()}`);
        return r.stdout;
      };
      let version = res.version;
      if (!version) {
        const versions = parseCheckOutput(await call('check', requestJson(res.source)));
        version = versions.at(-1);
        if (!version) throw new ImageSourceError(`image check of type '${res.type}' found no version`);
      }
      const key = createHash('sha256')
        .update(canonicalJson({ type: res.type, source: res.source, params: res.params ?? null, version }))
        .digest('hex');
      return await this.cache.get(`sha256:${key}`, async (rootfs) => {
        await mkdir(join(this.#root, 'tmp'), { recursive: true });
        const dir = await mkdtemp(join(this.#root, 'tmp', 'get-'));
        try {
          await call('in', requestJson(res.source, res.params, version), dir);
          return await rootfsArtifact(dir, rootfs);
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      });
    } finally {
      image.release();
    }
  }

  // ---- running ----

  /** The limits runc can apply here; the task's log says, in one line, which it cannot. */
  async #limits(
    wanted: ContainerLimits,
    warn: (text: string) => void,
  ): Promise<{ memoryBytes?: number; cpuShares?: number }> {
    const controllers = await cgroupControllers(this.#cgroupRoot);
    const memory = wanted.memory && controllers.has('memory') ? wanted.memory : undefined;
    const cpu = wanted.cpu && controllers.has('cpu') ? wanted.cpu : undefined;
    const ignored = [wanted.memory && !memory && 'memory', wanted.cpu && !cpu && 'cpu'].filter(Boolean);
    if (ignored.length) {
      const root = this.#cgroupRoot ?? '/sys/fs/cgroup';
      warn(`WARNING: container_limits ignored: no writable cgroup for ${ignored.join(', ')} under ${root}\n`);
    }
    return { ...(memory ? { memoryBytes: memory } : {}), ...(cpu ? { cpuShares: cpu } : {}) };
  }

  async #runScript(
    image: CachedImage & { privileged?: boolean },
    action: 'check' | 'in' | 'out',
    stdin: string,
    dir: string | undefined,
    tmpDir: string | undefined,
    env: Record<string, string>,
    signal: AbortSignal,
    onStderr: (text: string) => void,
  ): Promise<ProcessResult> {
    const user = await resolveContainerUser(image.rootfs, image.metadata.user);
    const dest = action === 'in' ? '/tmp/build/get' : '/tmp/build/put';
    const binds = [];
    if (action !== 'check' && dir !== undefined) {
      await giveTo(dir, user);
      binds.push({ source: dir, destination: dest });
    }
    const result = await this.containers.run({
      rootfs: image.rootfs,
      args: action === 'check' ? ['/opt/resource/check'] : [`/opt/resource/${action}`, dest],
      cwd: action === 'check' ? '/' : dest,
      env: mergeEnv(image.metadata.env, env),
      user,
      binds,
      stdin,
      tmpDir,
      privileged: image.privileged,
      signal,
      onStderr: (chunk) => onStderr(textOf(chunk)),
    });
    if (result.aborted) throw new AbortedError();
    return { exitCode: result.exitCode, stdout: result.stdout.toString('utf8') };
  }

  async runResource(inv: ResourceInvocation): Promise<ProcessResult> {
    await this.start();
    if (this.registry.isRegistered(inv.type)) return this.host.runResource(inv);
    if (inv.type === 'registry-image' && !this.#custom(inv.type, inv.resourceTypes, new Set())) {
      // The built-in type answers like a script: a registry failure fails the step.
      try {
        return { exitCode: 0, stdout: await this.registryImage.run(inv.action, inv.stdin, inv.dir) };
      } catch (err) {
        if (!(err instanceof ImageSourceError)) throw err;
        inv.onStderr(`${err.message}\n`);
        return { exitCode: 1, stdout: '' };
      }
    }
    // Failing to get the type's image errors the step, as in Concourse.
    const image = await this.#typeImage(inv.type, inv.resourceTypes, new Set(), inv.signal);
    if (!image) {
      this.#note(
        `type:${inv.type}`,
        `no image for resource type '${inv.type}' (npx hangar-images build ${inv.type} --out ${relative(process.cwd(), this.local.imagesDir) || '.'}); running its bundle on this machine`,
        inv.onStderr,
      );
      return this.host.runResource(inv);
    }
    try {
      // A check's directory persists between checks of one resource: its container's /tmp.
      const tmpDir = inv.action === 'check' ? inv.cwd : undefined;
      return await this.#runScript(
        image,
        inv.action,
        inv.stdin,
        inv.dir,
        tmpDir,
        inv.env,
        inv.signal,
        inv.onStderr,
      );
    } finally {
      image.release();
    }
  }

  async runTask(inv: TaskInvocation): Promise<{ exitCode: number }> {
    await this.start();
    if (!inv.image || inv.image.kind === 'none' || !inv.workDir || !inv.containerDir) {
      this.#note('task:no-image', 'task has no image: running it on this machine', (t) =>
        inv.onOutput(t, 'stderr'),
      );
      return this.host.runTask(inv);
    }
    // Failing to fetch the image errors the task (thrown), as in Concourse.
    const image =
      inv.image.kind === 'artifact'
        ? await artifactImage(inv.image.dir)
        : await this.#imageOf(inv.image.resource, inv.resourceTypes, new Set(), inv.signal);
    try {
      const user = await resolveContainerUser(image.rootfs, inv.user ?? image.metadata.user);
      await giveTo(inv.workDir, user);
      const limits = inv.limits && (await this.#limits(inv.limits, (t) => inv.onOutput(t, 'stderr')));
      const cwd = join(inv.containerDir, relative(inv.workDir, inv.cwd));
      const runc = { stateRoot: this.containers.stateRoot, binary: this.containers.runc, cwd };
      const result = await this.containers.run({
        rootfs: image.rootfs,
        args: [inv.path, ...inv.args],
        cwd,
        onId: (id) => inv.onContainer?.({ ...runc, id }),
        env: mergeEnv(image.metadata.env, inv.env),
        user,
        binds: [{ source: inv.workDir, destination: inv.containerDir }],
        privileged: inv.privileged,
        limits,
        signal: inv.signal,
        onStdout: (chunk) => inv.onOutput(textOf(chunk), 'stdout'),
        onStderr: (chunk) => inv.onOutput(textOf(chunk), 'stderr'),
      });
      if (result.aborted) throw new AbortedError();
      return { exitCode: result.exitCode };
    } finally {
      inv.onContainer?.(undefined);
      image.release();
    }
  }
}

/**
 * A worker hands a container volumes its user owns (Concourse 8.3 for a non-root `run.user`): the
 * step's directory and everything copied into it (copies, so the artifacts stay as they were).
 */
async function giveTo(dir: string, user: { uid: number; gid: number }): Promise<void> {
  if (user.uid === 0) return;
  const entries = await readdir(dir, { recursive: true });
  for (const path of [dir, ...entries.map((e) => join(dir, e))]) await lchown(path, user.uid, user.gid);
}

/** Image env first, the step's on top (a step's params win over the image's Env). */
function mergeEnv(imageEnv: readonly string[], env: Record<string, string>): string[] {
  const merged = new Map<string, string>();
  for (const entry of imageEnv) {
    const eq = entry.indexOf('=');
    if (eq > 0) merged.set(entry.slice(0, eq), entry.slice(eq + 1));
  }
  for (const [k, v] of Object.entries(env)) merged.set(k, v);
  return [...merged].map(([k, v]) => `${k}=${v}`);
}

async function readMetadata(dir: string): Promise<ImageMetadata> {
  let text: string;
  try {
    text = await readFile(join(dir, 'metadata.json'), 'utf8');
  } catch {
    throw new ImageSourceError(`image has no metadata.json in ${dir}: is the image in rootfs format?`);
  }
  const parsed = JSON.parse(text) as Partial<ImageMetadata>;
  return { env: parsed.env ?? [], user: parsed.user ?? '' };
}

/** A task's `image:` artifact: `rootfs/` + `metadata.json` used in place (the overlay keeps it unchanged). */
async function artifactImage(dir: string): Promise<CachedImage> {
  return { rootfs: join(dir, 'rootfs'), metadata: await readMetadata(dir), release: () => undefined };
}

/** Moves a fetched image artifact's rootfs into the cache and returns its metadata. */
async function rootfsArtifact(dir: string, rootfs: string): Promise<ImageMetadata> {
  const metadata = await readMetadata(dir);
  await mkdir(join(rootfs, '..'), { recursive: true });
  await rename(join(dir, 'rootfs'), rootfs);
  return metadata;
}
