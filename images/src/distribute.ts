// Getting built layouts out: push to a registry, or flatten into Concourse worker bundles.
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OciLayout, RegistryClient, pushImage, writeRootfsArchive } from '@hangar/oci';
import { ConfigError } from '@hangar/resource-sdk';
import { hostArch, type Arch } from './recipe.js';

export interface LayoutRef {
  type: string;
  version: string;
  layout: OciLayout;
}

/** The built layouts under `<ociDir>/<type>`, optionally only `types`. */
export async function builtLayouts(ociDir: string, types: readonly string[] = []): Promise<LayoutRef[]> {
  const present = (await readdir(ociDir).catch(() => [] as string[])).sort();
  const wanted = types.length ? [...types] : present;
  const refs: LayoutRef[] = [];
  for (const type of wanted) {
    if (!present.includes(type))
      throw new ConfigError(
        `no built image for '${type}' in ${ociDir}: run 'hangar-images build ${type}' first`,
      );
    const layout = await OciLayout.open(join(ociDir, type));
    // Builds tag the version and 'latest'; the tags hold whatever platforms were built.
    const version = (await layout.tags()).find((tag) => tag !== 'latest') ?? 'latest';
    refs.push({ type, version, layout });
  }
  return refs;
}

export interface PushedImage {
  type: string;
  reference: string;
  digest: string;
  uploaded: number;
  mounted: number;
  existing: number;
}

/**
 * Pushes each layout to `<registry>/<namespace>/<type>-resource` under its version and `latest`.
 * Blobs already pushed for an earlier image are mounted from that repository, not uploaded again.
 */
export async function pushImages(
  target: string,
  refs: readonly LayoutRef[],
  options: { client?: RegistryClient; log?: (line: string) => void } = {},
): Promise<PushedImage[]> {
  const slash = target.indexOf('/');
  if (slash <= 0) throw new ConfigError(`--to must be REGISTRY/NAMESPACE, got '${target}'`);
  const registry = target.slice(0, slash);
  const namespace = target.slice(slash + 1).replace(/\/+$/, '');
  const client = options.client ?? new RegistryClient({ registry });
  const pushedRepos: string[] = [];
  const results: PushedImage[] = [];
  for (const { type, version, layout } of refs) {
    const repository = `${namespace}/${type}-resource`;
    const pushed = await pushImage(client, layout, 'latest', repository, {
      tags: [version, 'latest'],
      mountFrom: pushedRepos,
    });
    const outcomes = Object.values(pushed.blobs);
    const count = (kind: string) => outcomes.filter((outcome) => outcome === kind).length;
    results.push({
      type,
      reference: `${registry}/${repository}:${version}`,
      digest: pushed.digest,
      uploaded: count('uploaded'),
      mounted: count('mounted'),
      existing: count('exists'),
    });
    options.log?.(
      `pushed ${registry}/${repository}:${version} ${pushed.digest} (${count('uploaded')} uploaded, ${count('mounted')} mounted, ${count('exists')} present)`,
    );
    pushedRepos.push(repository);
  }
  return results;
}

export interface WorkerBundle {
  type: string;
  dir: string;
  rootfsDigest: string;
  rootfsSize: number;
}

/**
 * `resource-types/<type>/{resource_metadata.json, rootfs.tgz}` for `concourse worker
 * --resource-types`, of the `arch` variant (default this machine's).
 */
export async function exportWorkerBundles(
  out: string,
  refs: readonly LayoutRef[],
  options: { epoch?: number; arch?: Arch; log?: (line: string) => void } = {},
): Promise<WorkerBundle[]> {
  const platform = { os: 'linux', architecture: options.arch ?? hostArch() };
  const bundles: WorkerBundle[] = [];
  for (const { type, version, layout } of refs) {
    const dir = join(out, 'resource-types', type);
    await mkdir(dir, { recursive: true });
    const archive = await writeRootfsArchive(layout, 'latest', join(dir, 'rootfs.tgz'), {
      epoch: options.epoch ?? 0,
      platform,
    });
    const metadata = { type, version, privileged: false, unique_version_history: false };
    await writeFile(join(dir, 'resource_metadata.json'), `${JSON.stringify(metadata, null, 2)}\n`);
    const size = (await stat(join(dir, 'rootfs.tgz'))).size;
    bundles.push({ type, dir, rootfsDigest: archive.digest, rootfsSize: size });
    options.log?.(`exported ${dir} (rootfs.tgz ${(size / 1e6).toFixed(1)} MB)`);
  }
  return bundles;
}
