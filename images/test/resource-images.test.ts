// Every resource image, built from the workspace bundles and pushed to a real local registry, is
// pulled back by the harness (`--image`) and passes its type's conformance cases
// (conformance/cases/<type>) through runc, with the image's user, env, argv and cwd, as a
// Concourse worker runs it. The same cases run against the bare bundles in each resource package.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { failingChecks, formatHuman, imageSubject, runPackageCases } from '@hangar/conformance';
import { startRegistry, type RegistryServer } from '@hangar/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildImages, type BuiltImage } from '../src/build.js';
import { builtLayouts, pushImages, REPO_ROOT, RESOURCE_SPECS } from '../src/index.js';

const TYPES = RESOURCE_SPECS.map((spec) => spec.type);
let work: string;
let built: BuiltImage[];
let registry: RegistryServer;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'hangar-resource-images-'));
  ({ built } = await buildImages({ out: work, types: TYPES }));
  registry = await startRegistry();
  await pushImages(`${registry.host}/hangar`, await builtLayouts(join(work, 'oci')));
}, 900_000);

afterAll(async () => {
  await registry?.stop();
  await rm(work, { recursive: true, force: true });
});

it.each(TYPES)(
  'the %s image, pulled from the registry, passes its conformance cases through runc',
  async (type) => {
    expect(built.map((image) => image.type)).toContain(type);
    const subject = imageSubject(`${registry.host}/hangar/${type}-resource:latest`);
    try {
      const spec = RESOURCE_SPECS.find((candidate) => candidate.type === type)!;
      const report = await runPackageCases({ type, packageDir: join(REPO_ROOT, spec.packageDir), subject });
      expect(failingChecks(report), formatHuman(report, false)).toEqual([]);
    } finally {
      await subject.close();
    }
  },
  900_000,
);
