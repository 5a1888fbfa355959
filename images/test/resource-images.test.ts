// Every resource image, built from the workspace bundles, passes its type's conformance cases
// (conformance/cases/<type>) through runc, with the image's user, env, argv and cwd, as a
// Concourse worker runs it. The same cases run against the bare bundles in each resource package.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OciSubject, failingChecks, formatHuman, runPackageCases } from '@hangar/conformance';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildImages, type BuiltImage } from '../src/build.js';
import { REPO_ROOT, RESOURCE_SPECS } from '../src/index.js';

const TYPES = RESOURCE_SPECS.map((spec) => spec.type);
let work: string;
let built: BuiltImage[];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'hangar-resource-images-'));
  ({ built } = await buildImages({ out: work, types: TYPES }));
}, 900_000);

afterAll(() => rm(work, { recursive: true, force: true }));

it.each(TYPES)(
  'the %s image passes its conformance cases through runc',
  async (type) => {
    const image = built.find((candidate) => candidate.type === type);
    expect(image, `${type} image was not built`).toBeDefined();
    const subject = new OciSubject(image!.layout);
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
