// `hangar-images build`: one OCI layout per resource type from the shared layers plus its bundle.
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  formatPlatform,
  LayerTree,
  OciLayout,
  writeImage,
  writeImageIndex,
  type Descriptor,
  type Layer,
  type Platform,
} from '@hangar/oci';
import { ConfigError } from '@hangar/resource-sdk';
import { run } from './exec.js';
import { hangarCacheDir } from './inputs.js';
import { NON_ROOT, SharedLayers, type SharedLayerName } from './layers.js';
import { readLock, type ImagesLock } from './lock.js';
import { hostArch, type Arch } from './recipe.js';
import { CA_BUNDLE, ENV_PATH, RESOURCE_SPECS, SAMPLE_SPEC, findSpec, type ImageSpec } from './specs.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const IMAGE_SOURCE = 'https://github.com/hangar-ci/hangar';

export interface BuildOptions {
  /** Output directory: layouts go to `<out>/oci/<type>`, a summary to `<out>/images.json`. */
  out: string;
  /** Types to build; default: the eight resource types (those without a bundle are reported). */
  types?: readonly string[];
  /**
   * Architectures to build; default: this machine's. With more than one, the tags point at an
   * image index over one manifest per architecture.
   */
  arches?: readonly Arch[];
  repoRoot?: string;
  lock?: ImagesLock;
  cacheDir?: string;
  /** Where built shared layers are cached (default `<cacheDir>/layers`). */
  layerCacheDir?: string;
  /** Reuse one SharedLayers across calls (tests build the shared layers once per file). */
  shared?: SharedLayers;
  /** Commit for the revision label; default `git rev-parse HEAD` of the repository. */
  revision?: string;
  log?: (line: string) => void;
}

export interface BuiltLayer {
  name: SharedLayerName | 'resource';
  digest: string;
  size: number;
  diffId: string;
}

/** One architecture's image manifest. */
export interface BuiltVariant {
  platform: Platform;
  manifest: Descriptor;
  layers: BuiltLayer[];
}

export interface BuiltImage {
  type: string;
  repository: string;
  version: string;
  layout: string;
  /** What the tags point at: the one variant's manifest, or the index over several. */
  manifest: Descriptor;
  variants: BuiltVariant[];
}

export interface SkippedImage {
  type: string;
  reason: string;
}

export interface BuildResult {
  built: BuiltImage[];
  skipped: SkippedImage[];
}

export function repositoryName(type: string): string {
  return `hangar/${type}-resource`;
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined)) !== undefined;
}

async function gitRevision(repoRoot: string): Promise<string> {
  return (await run('git', ['rev-parse', 'HEAD'], { cwd: repoRoot }).catch(() => 'unknown')).trim();
}

/** Bundles the SDK's counter fixture (the sample resource) into `<dir>/resource.js`. */
export async function bundleSampleResource(repoRoot: string, dir: string): Promise<string> {
  const { bundleResource } = await import('@hangar/resource-sdk/bundle');
  const outfile = join(dir, 'resource.js');
  await bundleResource({
    entry: join(repoRoot, SAMPLE_SPEC.packageDir, 'test', 'fixtures', 'counter-main.ts'),
    outfile,
  });
  return outfile;
}

/** The top layer: the bundle as an executable script and check/in/out links to it. */
export async function resourceLayerTree(bundlePath: string): Promise<LayerTree> {
  const bundle = await readFile(bundlePath, 'utf8');
  const script = bundle.startsWith('#!') ? bundle : `#!/usr/bin/node\n${bundle}`;
  const tree = new LayerTree().file('opt/resource/resource.js', script, { mode: 0o755 });
  // The SDK dispatches on the executable's basename, so links are enough (no wrapper process).
  for (const name of ['check', 'in', 'out']) tree.symlink(`opt/resource/${name}`, 'resource.js');
  return tree;
}

function imageConfig(spec: ImageSpec, version: string, revision: string) {
  const nonRoot = spec.user === 'hangar';
  return {
    User: nonRoot ? `${NON_ROOT.uid}:${NON_ROOT.gid}` : '0:0',
    Env: [
      `PATH=${ENV_PATH}`,
      `SSL_CERT_FILE=${CA_BUNDLE}`,
      `HOME=${nonRoot ? NON_ROOT.home : '/root'}`,
      'LANG=C.UTF-8',
    ],
    WorkingDir: '/',
    Labels: {
      'org.opencontainers.image.source': IMAGE_SOURCE,
      'org.opencontainers.image.revision': revision,
      'org.opencontainers.image.version': version,
      'org.opencontainers.image.title': repositoryName(spec.type),
      'org.opencontainers.image.description': `Concourse resource type '${spec.type}': ${spec.description}`,
    },
  };
}

async function buildVariant(
  layout: OciLayout,
  spec: ImageSpec,
  resource: Layer,
  arch: Arch,
  options: { version: string; shared: SharedLayers; revision: string },
): Promise<BuiltVariant> {
  const layers: Layer[] = [];
  for (const name of spec.layers) layers.push(await options.shared.addTo(layout, name, arch));
  layers.push(resource);
  const names: BuiltLayer['name'][] = [...spec.layers, 'resource'];
  const { manifest } = await writeImage(layout, {
    layers,
    platform: { os: 'linux', architecture: arch },
    config: imageConfig(spec, options.version, options.revision),
    created: options.shared.lock.sourceDateEpoch,
    history: true,
  });
  return {
    platform: manifest.platform as Platform,
    manifest,
    layers: layers.map((layer, index) => ({
      name: names[index] ?? 'resource',
      digest: layer.descriptor.digest,
      size: layer.descriptor.size,
      diffId: layer.diffId,
    })),
  };
}

async function buildOne(
  spec: ImageSpec,
  bundlePath: string,
  version: string,
  options: { out: string; shared: SharedLayers; revision: string; arches: readonly Arch[] },
): Promise<BuiltImage> {
  const dir = join(options.out, 'oci', spec.type);
  await rm(dir, { recursive: true, force: true });
  const layout = await OciLayout.create(dir);
  // The bundle is JavaScript: one resource layer, byte-identical in every architecture's image.
  const resource = await layout.addLayer(await resourceLayerTree(bundlePath), {
    epoch: options.shared.lock.sourceDateEpoch,
    createdBy: `hangar: ${repositoryName(spec.type)} ${version}`,
  });
  const variants: BuiltVariant[] = [];
  for (const arch of options.arches)
    variants.push(await buildVariant(layout, spec, resource, arch, { ...options, version }));
  const tags = [version, 'latest'];
  const [only] = variants;
  let manifest: Descriptor;
  if (variants.length === 1 && only) {
    manifest = only.manifest;
    for (const tag of tags) await layout.tag(tag, manifest);
  } else {
    manifest = await writeImageIndex(
      layout,
      variants.map((variant) => variant.manifest),
      { tags },
    );
  }
  return { type: spec.type, repository: repositoryName(spec.type), version, layout: dir, manifest, variants };
}

/** `<out>/images.json`: every image built into `out` so far (entries of rebuilt types replaced), sorted by type. */
async function writeSummary(out: string, built: readonly BuiltImage[]): Promise<void> {
  const path = join(out, 'images.json');
  const previous = JSON.parse(await readFile(path, 'utf8').catch(() => '[]')) as { type: string }[];
  const fresh = built.map(({ type, repository, version, manifest, variants }) => ({
    type,
    repository,
    version,
    digest: manifest.digest,
    size: manifest.size,
    platforms: variants.map(({ platform, manifest: variant, layers }) => ({
      platform: formatPlatform(platform),
      digest: variant.digest,
      layers,
    })),
  }));
  const merged = [...previous.filter((entry) => !built.some((image) => image.type === entry.type)), ...fresh];
  merged.sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
  await writeFile(path, `${JSON.stringify(merged, null, 2)}\n`);
}

export async function buildImages(options: BuildOptions): Promise<BuildResult> {
  const repoRoot = options.repoRoot ?? REPO_ROOT;
  const log = options.log ?? (() => {});
  const cacheDir = options.cacheDir ?? hangarCacheDir();
  const shared =
    options.shared ?? new SharedLayers(options.lock ?? (await readLock()), cacheDir, options.layerCacheDir);
  const revision = options.revision ?? (await gitRevision(repoRoot));
  const arches = options.arches?.length ? options.arches : [hostArch()];
  const context = { out: options.out, shared, revision, arches };
  const types = options.types?.length ? options.types : RESOURCE_SPECS.map((spec) => spec.type);
  const result: BuildResult = { built: [], skipped: [] };
  await mkdir(options.out, { recursive: true });
  for (const type of types) {
    const spec = findSpec(type);
    if (!spec)
      throw new ConfigError(
        `unknown image type '${type}' (known: ${[...RESOURCE_SPECS.map((s) => s.type), SAMPLE_SPEC.type].join(', ')})`,
      );
    const packageJson = join(repoRoot, spec.packageDir, 'package.json');
    if (spec === SAMPLE_SPEC) {
      const work = await mkdtemp(join(tmpdir(), 'hangar-sample-'));
      try {
        const bundle = await bundleSampleResource(repoRoot, work);
        const { version } = JSON.parse(await readFile(packageJson, 'utf8')) as { version: string };
        result.built.push(await buildOne(spec, bundle, version, context));
      } finally {
        await rm(work, { recursive: true, force: true });
      }
    } else {
      const bundle = join(repoRoot, spec.packageDir, 'dist', 'resource.js');
      if (!(await exists(bundle))) {
        const reason = (await exists(packageJson))
          ? `${join(spec.packageDir, 'dist', 'resource.js')} is missing: build @hangar/${type}-resource first`
          : `${spec.packageDir} does not exist yet: the ${type} resource has not landed`;
        result.skipped.push({ type, reason });
        log(`skip ${type}: ${reason}`);
        continue;
      }
      const { version } = JSON.parse(await readFile(packageJson, 'utf8')) as { version: string };
      result.built.push(await buildOne(spec, bundle, version, context));
    }
    const image = result.built.at(-1) as BuiltImage;
    const platforms = image.variants.map((variant) => formatPlatform(variant.platform)).join(', ');
    log(
      `built ${image.repository}:${image.version} (${platforms}) ${image.manifest.digest} -> ${image.layout}`,
    );
  }
  await writeSummary(options.out, result.built);
  return result;
}
