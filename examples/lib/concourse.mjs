// @ts-check
// The real Concourse side of the examples: one stack per suite file with our eight types (the
// worker bundles of `hangar-images export-worker`) and busybox as the docker.io task image.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LayerTree, OciLayout, pushImage, RegistryClient, writeImage } from '@hangar/oci';
import { cacheDir, startConcourse, tempDir } from '@hangar/testkit';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TYPES = ['git', 's3', 'semver', 'pool', 'terraform', 'slack', 'grafana-annotation', 'github-release'];

/**
 * `hangar-images export-worker` of this checkout's eight resource bundles, cached under
 * `$HANGAR_CACHE/worker-bundles/<hash of the bundles, the image lock and recipe>` (the export is
 * deterministic and takes about a minute).
 */
export async function workerBundles() {
  const hash = createHash('sha256').update(readFileSync(join(root, 'images', 'lock.json')));
  const recipe = join(root, 'images', 'src');
  for (const file of readdirSync(recipe).sort()) hash.update(file).update(readFileSync(join(recipe, file)));
  for (const type of TYPES) {
    const bundle = join(root, 'resources', type, 'dist', 'resource.js');
    if (!existsSync(bundle)) throw new Error(`missing ${bundle}: run npx turbo run build first`);
    hash.update(type).update(readFileSync(bundle));
  }
  const dir = join(cacheDir(), 'worker-bundles', hash.digest('hex').slice(0, 16));
  const bundles = join(dir, 'resource-types');
  if (!existsSync(bundles)) {
    await mkdir(join(dir, '..'), { recursive: true });
    // Beside its final place, so that the rename never crosses file systems.
    const out = { path: await mkdtemp(`${dir}.partial-`) };
    try {
      execFileSync(
        process.execPath,
        [join(root, 'images', 'bin', 'hangar-images.js'), 'export-worker', '--out', out.path, ...TYPES],
        {
          stdio: ['ignore', 'ignore', 'pipe'],
        },
      );
      await rm(dir, { recursive: true, force: true });
      await rename(out.path, dir);
    } finally {
      await rm(out.path, { recursive: true, force: true });
    }
  }
  if (readdirSync(bundles).length !== TYPES.length)
    throw new Error(`${bundles} does not hold the eight types`);
  return bundles;
}

/**
 * A Concourse with our eight types baked into the worker, the same eight images in its registry
 * (`<registry>/hangar/<type>-resource`, for pipelines' `resource_types`) and `busybox` (Debian's
 * busybox-static) as the default task image.
 */
export async function startExamplesConcourse() {
  const bundles = await workerBundles();
  const stack = await startConcourse({ resourceTypes: [bundles] });
  try {
    await pushBusybox(stack.registry.host);
    const out = join(bundles, '..');
    const cli = join(root, 'images', 'bin', 'hangar-images.js');
    execFileSync(
      process.execPath,
      [cli, 'push', '--to', `${stack.registry.host}/hangar`, '--out', out, ...TYPES],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    return stack;
  } catch (error) {
    await stack.stop();
    throw error;
  }
}

/** busybox as `library/busybox:latest`: what `repository: busybox` pulls through the mirror. */
async function pushBusybox(/** @type {string} */ registry) {
  const work = await tempDir('hangar-busybox-');
  try {
    const tree = new LayerTree();
    tree.add({ path: 'bin/busybox', type: 'file', sourcePath: '/bin/busybox', mode: 0o755 });
    const applets = execFileSync('/bin/busybox', ['--list'], { encoding: 'utf8' }).split('\n');
    for (const applet of applets)
      if (applet && applet !== 'busybox') tree.symlink(`bin/${applet}`, 'busybox');
    tree.file('etc/passwd', 'root:x:0:0:root:/root:/bin/sh\n');
    tree.file('etc/group', 'root:x:0:\n');
    tree.directory('tmp', { mode: 0o1777 });
    const layout = await OciLayout.create(join(work.path, 'busybox'));
    const layers = [await layout.addLayer(tree, { epoch: 0 })];
    await writeImage(layout, { layers, config: { Env: ['PATH=/bin'] }, created: 0, tags: ['latest'] });
    await pushImage(new RegistryClient({ registry }), layout, 'latest', 'library/busybox', {
      tags: ['latest'],
    });
  } finally {
    await work.remove();
  }
}
