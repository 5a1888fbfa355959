// The oci runtime's registry flags through the CLI, against a real local registry:
// --registry-mirror sends one registry's image references to another (here from a host that does
// not exist, and from docker.io), --resource-registry pulls our resource types from a registry.
import { readdirSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { OciLayout } from '@hangar/oci';
import { main } from '../../src/cli/main.js';
import { busyboxLayout, counterImage, push, registryWithBusybox } from './images.js';

const fixture = registryWithBusybox('hangar-oci-registries-', 'library/busybox');
let counterDigest: string;

beforeAll(async () => {
  const { work, registry } = fixture;
  await push(registry.host, await busyboxLayout(join(work, 'shres'), true), 'third/sh-resource', '1');
  const counter = await counterImage(join(work, 'images'));
  await push(registry.host, await OciLayout.open(counter.layout), 'ours/hangar/counter-resource', 'latest');
  const { digest } = await (await OciLayout.open(counter.layout)).resolve('latest');
  counterDigest = digest.replace(/^sha256:/, '');
}, 600_000);

/** `hangar trigger` of job `j` on the oci runtime, in a fresh state dir, with `flags`. */
async function trigger(pipeline: unknown, flags: string[]) {
  const dir = await mkdtemp(join(fixture.work, 'run-'));
  const file = join(dir, 'pipeline.yml');
  writeFileSync(file, JSON.stringify(pipeline));
  const state = join(dir, '.hangar');
  let out = '';
  const code = await main(['trigger', file, 'j', '-w', '--runtime', 'oci', '--state', state, ...flags], {
    stdout: (t) => (out += t),
    stderr: (t) => (out += t),
    env: { NO_COLOR: '1' },
  });
  return { code, out, state };
}

const task = (script: string, repository: string) => ({
  task: 't',
  config: {
    platform: 'linux',
    image_resource: { type: 'registry-image', source: { repository, tag: '1' } },
    inputs: [{ name: 'thing' }],
    run: { path: 'sh', args: ['-c', script] },
  },
});

describe('--registry-mirror', () => {
  // A custom type from a host that does not exist, a task image from Docker Hub.
  const pipeline = {
    resource_types: [
      {
        name: 'sh-res',
        type: 'registry-image',
        source: { repository: 'registry.invalid/third/sh-resource', tag: '1' },
      },
    ],
    resources: [{ name: 'thing', type: 'sh-res', source: {} }],
    jobs: [{ name: 'j', plan: [{ get: 'thing' }, task('echo "ref $(cat thing/ref)"', 'busybox')] }],
  };

  it('fetches images of the registries it names from the mirror', async () => {
    const unmirrored = await trigger(pipeline, []);
    expect(unmirrored.code, unmirrored.out).toBe(1);
    expect(unmirrored.out).toContain(
      'check thing errored: registry registry.invalid: GET manifest third/sh-resource:1 failed',
    );
    const mirrored = await trigger(pipeline, [
      '--registry-mirror',
      `registry.invalid=${fixture.registry.host}`,
      '--registry-mirror',
      `docker.io=${fixture.registry.host}`,
    ]);
    expect(mirrored.code, mirrored.out).toBe(0);
    expect(mirrored.out).toContain('\nref 1\n');
  });

  it('rejects a value without registry=mirror', async () => {
    const r = await trigger(pipeline, ['--registry-mirror', fixture.registry.host]);
    expect(r.code).not.toBe(0);
    expect(r.out).toBe(
      `error: invalid --registry-mirror '${fixture.registry.host}': expected registry=mirror\n`,
    );
  });
});

describe('--resource-registry', () => {
  const pipeline = () => ({
    resources: [{ name: 'thing', type: 'counter', source: { latest: 2 } }],
    jobs: [
      {
        name: 'j',
        plan: [
          { get: 'thing' },
          task('echo "number $(cat thing/number)"', `${fixture.registry.host}/library/busybox`),
        ],
      },
    ],
  });

  it('runs our types in HOST/PATH/hangar/<type>-resource:latest, through a mirror too', async () => {
    const empty = await mkdtemp(join(fixture.work, 'no-images-'));
    for (const flags of [
      ['--resource-registry', `${fixture.registry.host}/ours`],
      [
        '--resource-registry',
        'registry.invalid/ours/',
        '--registry-mirror',
        `registry.invalid=${fixture.registry.host}`,
      ],
    ]) {
      const r = await trigger(pipeline(), [...flags, '--images', empty]);
      expect(r.code, r.out).toBe(0);
      expect(r.out).toContain('\nnumber 2\n');
      expect(r.out).not.toContain('on this machine');
      expect(readdirSync(join(r.state, 'oci', 'images'))).toContain(counterDigest);
    }
  });
});
