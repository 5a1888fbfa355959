// Image sizes against the goals and Concourse's bundled resource types (worker rootfs
// archives, concourse/concourse#8491): per image and architecture the compressed size and the bytes
// it adds on top of the shared layers, and the unique bytes all images put in a registry, per
// architecture and for the multi-platform tags together.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ARCHES, RESOURCE_SPECS, SharedLayers, buildImages, hangarCacheDir, readLock } from '@hangar/images';
import { record } from './measure.mjs';

const MB = 1e6;
const BUDGET_MB = 110;
const CONCOURSE_MB = { git: 134, semver: 223, pool: 276 };
const goalFor = (spec) => (spec.layers.includes('git') ? 75 : spec.layers.includes('tofu') ? 95 : 50);
const sum = (blobs) => blobs.reduce((total, blob) => total + blob.size, 0);

export async function run() {
  const work = await mkdtemp(join(tmpdir(), 'hangar-bench-images-'));
  try {
    const arches = Object.keys(ARCHES);
    const shared = new SharedLayers(await readLock(), hangarCacheDir());
    const { built, skipped } = await buildImages({ out: work, arches, shared });
    if (skipped.length)
      throw new Error(`build the resources first: ${skipped.map((s) => s.reason).join('; ')}`);
    const rows = [];
    const unique = new Map(arches.map((arch) => [arch, new Map()]));
    for (const image of built) {
      const spec = RESOURCE_SPECS.find((candidate) => candidate.type === image.type);
      for (const { platform, layers } of image.variants) {
        const total = sum(layers);
        const app = layers.find((layer) => layer.name === 'resource')?.size ?? 0;
        for (const layer of layers) unique.get(platform.architecture).set(layer.digest, layer);
        const reference = CONCOURSE_MB[image.type];
        rows.push({
          image: `${image.repository} ${platform.architecture}`,
          'compressed MB': (total / MB).toFixed(1),
          'goal MB': goalFor(spec),
          'within goal': total / MB <= goalFor(spec) && app <= MB ? 'yes' : 'NO',
          'unique on top of shared KB': (app / 1e3).toFixed(1),
          'vs Concourse': reference ? `${(total / MB / reference).toFixed(2)}x of ${reference} MB` : '',
        });
      }
    }
    console.table(rows);
    for (const arch of arches) {
      const blobs = [...unique.get(arch).values()];
      const layers = ['base', 'node', 'git', 'tofu'].map((name) => {
        const blob = blobs.find((candidate) => candidate.name === name);
        return `${name} ${blob ? (blob.size / MB).toFixed(1) : '-'} MB`;
      });
      const naive = sum(
        built.flatMap((image) => image.variants.find((v) => v.platform.architecture === arch).layers),
      );
      console.log(
        `${arch}: shared layers ${layers.join(', ')}; all ${built.length} images ${(sum(blobs) / MB).toFixed(1)} MB unique ` +
          `(goal <= ${BUDGET_MB} MB: ${sum(blobs) / MB <= BUDGET_MB ? 'yes' : 'NO'}), ${(naive / MB).toFixed(1)} MB without layer sharing`,
      );
      // An absolute goal: the baseline is the budget.
      record({
        name: `all ${built.length} images (${arch}), unique in a registry`,
        baseline: 'budget',
        baselineValue: BUDGET_MB,
        value: Number((sum(blobs) / MB).toFixed(1)),
        goal: 1,
        unit: 'MB',
      });
    }
    const everything = sum([...new Map([...unique.values()].flatMap((blobs) => [...blobs])).values()]);
    console.log(`both architectures under multi-platform tags: ${(everything / MB).toFixed(1)} MB unique`);
    const concourseTotal = CONCOURSE_MB.git + CONCOURSE_MB.semver + CONCOURSE_MB.pool;
    const ours = ['git', 'semver', 'pool']
      .map((type) => built.find((image) => image.type === type).variants[0].layers)
      .reduce((total, layers) => total + sum(layers), 0);
    console.log(
      `git+semver+pool (${arches[0]}): ${(ours / MB).toFixed(1)} MB vs Concourse's ${concourseTotal} MB = ${(ours / MB / concourseTotal).toFixed(2)}x`,
    );
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
