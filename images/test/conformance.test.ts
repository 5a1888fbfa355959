// The conformance harness against the built sample image, through runc (`--oci`), as Concourse
// runs it. The counter is the SDK's toy resource: the harness finds two real gaps in it (check from a
// vanished version answers [], in accepts a version that does not exist). Those are the sample's
// behaviour, not the image's: everything about running in the container (executables, argv, cwd,
// stdin/stdout, writes only in $1, timeouts, secrets) passes.
const SAMPLE_GAPS = ['check.from-unknown', 'in.missing-version'];
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  OciSubject,
  failingChecks,
  formatHuman,
  recommendations,
  main as conformanceMain,
  runConformance,
} from '@hangar/conformance';
import { startRegistry, type RegistryServer } from '@hangar/testkit';
import { buildImages, type BuiltImage } from '../src/build.js';
import { builtLayouts, pushImages } from '../src/distribute.js';

let work: string;
let image: BuiltImage;
let registry: RegistryServer;
/** The sample image pushed to a real local registry, for the `--image` subject. */
let pushedRef: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'hangar-images-conformance-'));
  const { built } = await buildImages({ out: work, types: ['counter'] });
  image = built[0] as BuiltImage;
  registry = await startRegistry();
  await pushImages(`${registry.host}/hangar`, await builtLayouts(join(work, 'oci')));
  pushedRef = `${registry.host}/hangar/counter-resource:latest`;
}, 300_000);

afterAll(async () => {
  await registry?.stop();
  await rm(work, { recursive: true, force: true });
});

it('the sample image passes the generic protocol checks through runc', async () => {
  const subject = new OciSubject(image.layout);
  try {
    const report = await runConformance({
      subject,
      harness: { timeoutMs: 30_000, concurrency: 2, checkEnv: 'none' },
      quick: {
        source: { latest: 3, password: 'hunter2' },
        putParams: { number: '3' },
        secrets: ['password'],
      },
    });
    const human = formatHuman(report, false);
    expect(failingChecks(report), human).toEqual(SAMPLE_GAPS);
    // Its schema also sets no length limits, so it accepts the corpus's 1 MiB source string (a SHOULD).
    expect(recommendations(report), human).toEqual(['bad-input.huge-string']);
    const passed = report.suites
      .flatMap((suite) => suite.results)
      .filter((result) => result.status === 'pass');
    expect(passed.map((result) => result.id)).toEqual(
      expect.arrayContaining([
        'executables',
        'check.initial',
        'in.writes-in-destination',
        'out.round-trip',
        'secrets.not-leaked',
        'bad-input.not-json',
      ]),
    );
  } finally {
    await subject.close();
  }
}, 300_000);

it.each([
  ['--oci', () => image.layout, () => `oci ${image.layout}`],
  ['--image', () => pushedRef, () => `image ${pushedRef}`],
])(
  'hangar-conformance %s runs the same checks from the command line',
  async (flag, subject, described) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await conformanceMain(
      [flag, subject(), '--source', '{"latest": 2}', '--params', '{"number": "2"}', '--skip', 'bad-input'],
      {
        stdout: { write: (text: string) => out.push(text) > 0 },
        stderr: { write: (text: string) => err.push(text) > 0 },
        env: {},
      },
    );
    const text = out.join('') + err.join('');
    expect(code, text).toBe(1);
    expect(text).toContain(described());
    expect(text).toMatch(/2 failed, 17 passed/);
    for (const id of SAMPLE_GAPS) expect(text).toMatch(new RegExp(`✗ ${id.replace('.', '\\.')}`));
  },
  120_000,
);
