// Image sizes against the goals and Concourse's bundled resource types (worker rootfs
// archives, concourse/concourse#8491): per image the compressed size, the unique bytes it adds on
// top of the shared layers, and the unique bytes all images together put in a registry.
// Types whose resource has not landed yet are measured with the sample (counter) bundle standing in
// for theirs, over their real layer stack, and marked "stand-in".
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OciLayout, writeImage } from '@hangar/oci';
import {
  REPO_ROOT,
  RESOURCE_SPECS,
  SharedLayers,
  bundleSampleResource,
  buildImages,
  hangarCacheDir,
  readLock,
  resourceLayerTree,
} from '@hangar/images';
import { record } from './measure.mjs';

const MB = 1e6;
const CONCOURSE_MB = { git: 134, semver: 223, pool: 276 };
const goalFor = (spec) => (spec.layers.includes('git') ? 75 : spec.layers.includes('tofu') ? 95 : 50);

export async function run() {
  const work = await mkdtemp(join(tmpdir(), 'hangar-bench-images-'));
  try {
    const shared = new SharedLayers(await readLock(), hangarCacheDir());
    const sample = await bundleSampleResource(REPO_ROOT, await mkdtemp(join(work, 'sample-')));
    const images = [];
    for (const spec of RESOURCE_SPECS) {
      const exists = await stat(join(REPO_ROOT, spec.packageDir, 'dist', 'resource.js')).catch(
        () => undefined,
      );
      if (exists) {
        const { built } = await buildImages({ out: work, types: [spec.type], shared });
        const image = built[0];
        images.push({ spec, standIn: false, blobs: image.layers.map((layer) => ({ ...layer })) });
      } else {
        const layout = await OciLayout.create(join(work, 'standin', spec.type));
        const layers = [];
        for (const name of spec.layers) layers.push(await shared.addTo(layout, name));
        layers.push(await layout.addLayer(await resourceLayerTree(sample), { epoch: 0 }));
        await writeImage(layout, {
          layers,
          platform: { os: 'linux', architecture: 'amd64' },
          tags: ['latest'],
        });
        images.push({
          spec,
          standIn: true,
          blobs: layers.map((layer, index) => ({
            name: spec.layers[index] ?? 'resource',
            digest: layer.descriptor.digest,
            size: layer.descriptor.size,
          })),
        });
      }
    }
    const seen = new Map();
    const rows = [];
    for (const { spec, standIn, blobs } of images) {
      const total = blobs.reduce((sum, blob) => sum + blob.size, 0);
      const app = blobs.find((blob) => blob.name === 'resource')?.size ?? 0;
      for (const blob of blobs) seen.set(blob.digest, blob);
      const goal = goalFor(spec);
      const reference = CONCOURSE_MB[spec.type];
      rows.push({
        image: `hangar/${spec.type}-resource${standIn ? ' (stand-in)' : ''}`,
        'compressed MB': (total / MB).toFixed(1),
        'goal MB': goal,
        'within goal': total / MB <= goal && app <= MB ? 'yes' : 'NO',
        'unique on top of shared KB': (app / 1e3).toFixed(1),
        'vs Concourse': reference ? `${(total / MB / reference).toFixed(2)}x of ${reference} MB` : '',
      });
    }
    console.table(rows);
    const unique = [...seen.values()].reduce((sum, blob) => sum + blob.size, 0);
    const naive = images.reduce((sum, image) => sum + image.blobs.reduce((s, blob) => s + blob.size, 0), 0);
    const layers = ['base', 'node', 'git', 'tofu'].map((name) => {
      const blob = [...seen.values()].find((candidate) => candidate.name === name);
      return `${name} ${blob ? (blob.size / MB).toFixed(1) : '-'} MB`;
    });
    console.log(`shared layers: ${layers.join(', ')}`);
    console.log(
      `all ${images.length} images: ${(unique / MB).toFixed(1)} MB unique in a registry (goal <= 110 MB: ${unique / MB <= 110 ? 'yes' : 'NO'}); ` +
        `${(naive / MB).toFixed(1)} MB without layer sharing = ${(unique / naive).toFixed(2)}x`,
    );
    // An absolute goal: the baseline is the 110 MB budget.
    record({
      name: `all ${images.length} images, unique in a registry`,
      baseline: 'budget',
      baselineValue: 110,
      value: Number((unique / MB).toFixed(1)),
      goal: 1,
      unit: 'MB',
    });
    const concourseTotal = CONCOURSE_MB.git + CONCOURSE_MB.semver + CONCOURSE_MB.pool;
    const ours = ['git', 'semver', 'pool']
      .map((type) => images.find((image) => image.spec.type === type))
      .reduce((sum, image) => sum + image.blobs.reduce((s, blob) => s + blob.size, 0), 0);
    console.log(
      `git+semver+pool: ${(ours / MB).toFixed(1)} MB vs Concourse's ${concourseTotal} MB = ${(ours / MB / concourseTotal).toFixed(2)}x`,
    );
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
