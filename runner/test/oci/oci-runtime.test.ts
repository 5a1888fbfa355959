// The oci runtime against real runc and a real local registry: tasks in an image_resource,
// our own resource types in the images hangar-images builds, a custom resource type pulled from
// the registry, a plain-sh third-party resource, and the same outcomes as the host runtime.
import { readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type RegistryServer } from '@hangar/testkit';
import { OciLayout } from '@hangar/oci';
import { OciRuntime } from '../../src/runtime/oci/index.js';
import type { ResourceTypeRegistry } from '../../src/runtime/registry.js';
import { harness, sh, type Harness } from '../engine/harness.js';
import { busyboxLayout, counterImage, push } from './images.js';

let work: string;
let registry: RegistryServer;
let imagesDir: string;
const open: Harness[] = [];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'hangar-oci-test-'));
  registry = await startRegistry();
  await push(registry.host, await busyboxLayout(join(work, 'busybox')), 'tools/busybox', '1');
  await push(registry.host, await busyboxLayout(join(work, 'shres'), true), 'third/sh-resource', '1');
  imagesDir = join(work, 'images');
  const counter = await counterImage(imagesDir);
  await push(registry.host, await OciLayout.open(counter.layout), 'other/counter-thing', 'latest');
}, 600_000);

afterAll(async () => {
  for (const h of open) h.close();
  await registry?.stop();
  await rm(work, { recursive: true, force: true });
});

const oci = (registry: ResourceTypeRegistry, stateDir: string) =>
  new OciRuntime({ stateDir, registry, imagesDir });

async function ociHarness(pipeline: unknown): Promise<Harness> {
  const h = await harness(pipeline, { runtime: oci });
  open.push(h);
  return h;
}

const busybox = () => ({
  type: 'registry-image',
  source: { repository: `${registry.host}/tools/busybox`, tag: '1' },
});

describe('oci runtime', () => {
  it('runs a task in its image_resource with Concourse layout, and our type in its built image', async () => {
    const h = await ociHarness({
      resources: [{ name: 'num', type: 'counter', source: { latest: 2 } }],
      jobs: [
        {
          name: 'build',
          plan: [
            { get: 'num' },
            sh(
              'show',
              [
                'echo "$GREETING $FROM_IMAGE $(cat num/number) $(pwd) uid=$(id -u)"',
                'test -d /scratch && echo scratch',
                'test -s /etc/ssl/certs/ca-certificates.crt && echo certs',
                'echo built > out/result',
              ].join('; '),
              { inputs: [{ name: 'num' }], outputs: [{ name: 'out' }], params: { GREETING: 'step' } },
            ),
            sh('read', 'cat out/result; echo written > /etc/marker', { inputs: [{ name: 'out' }] }),
          ].map((step) =>
            'task' in step
              ? { ...step, config: { ...(step.config as object), image_resource: busybox() } }
              : step,
          ),
        },
      ],
    });
    const build = await h.runJob('build');
    const log = h.logOf(build.id);
    expect(build.status, log).toBe('succeeded');
    expect(log).toMatch(/^step yes 2 \/tmp\/build\/[0-9a-f]{8} uid=0$/m);
    expect(log).toContain('scratch\ncerts\n');
    expect(log).toContain('built\n');
    expect(log).not.toContain('running its bundle on this machine');
    // One unpacked image per digest: busybox and the counter image, untouched by the task's write.
    const cached = readdirSync(join(h.dir, '.hangar', 'oci', 'images')).filter((n) => !n.startsWith('.'));
    expect(cached).toHaveLength(2);
    for (const digest of cached) {
      expect(readdirSync(join(h.dir, '.hangar', 'oci', 'images', digest, 'rootfs', 'etc'))).not.toContain(
        'marker',
      );
    }
  });

  it('pulls a custom resource type from the registry, with its defaults, and runs check, get and put in it', async () => {
    const h = await ociHarness({
      resource_types: [
        {
          name: 'counter-thing',
          type: 'registry-image',
          source: { repository: `${registry.host}/other/counter-thing` },
          defaults: { latest: 3 },
        },
      ],
      // `latest` comes from the type's defaults.
      resources: [{ name: 'n', type: 'counter-thing', source: {} }],
      jobs: [
        {
          name: 'j',
          plan: [
            { get: 'n', trigger: true },
            { put: 'n', params: { number: '3' } },
          ],
        },
      ],
    });
    await h.runner.runUntilIdle();
    const [build] = h.builds('j');
    expect(build?.status, build && h.logOf(build.id)).toBe('succeeded');
    const finish = h.eventsOf(build!.id).find((e) => e.event === 'finish-get');
    expect(finish?.data.version).toEqual({ number: '3' });
  });

  it('runs a third-party resource written in sh, keeping its check container /tmp between checks', async () => {
    const h = await ociHarness({
      resource_types: [
        {
          name: 'sh-res',
          type: 'registry-image',
          source: { repository: `${registry.host}/third/sh-resource`, tag: '1' },
        },
      ],
      resources: [{ name: 'thing', type: 'sh-res', source: {} }],
      jobs: [
        {
          name: 'j',
          plan: [{ get: 'thing' }, { put: 'thing', params: { file: 'thing/ref' }, inputs: ['thing'] }],
        },
      ],
    });
    expect((await h.runner.check('thing')).error).toBeUndefined();
    expect((await h.runner.check('thing')).error).toBeUndefined();
    const build = await h.runJob('j');
    const log = h.logOf(build.id);
    expect(build.status, log).toBe('succeeded');
    // The trigger's check was the third: /tmp/checks persisted across containers.
    expect(log).toContain('fetching 3 into /tmp/build/get as 0');
    const finishPut = h.eventsOf(build.id).find((e) => e.event === 'finish-put');
    expect(finishPut?.data.version).toEqual({ ref: '3' });
  });

  it('errors a task whose image cannot be fetched, with one line naming the cause', async () => {
    const task = (name: string, source: Record<string, unknown>) => {
      const step = sh(name, 'true');
      return {
        ...step,
        config: { ...(step.config as object), image_resource: { type: 'registry-image', source } },
      };
    };
    const h = await ociHarness({
      jobs: [
        { name: 'no-repo', plan: [task('t', {})] },
        { name: 'no-tag', plan: [task('t', { repository: `${registry.host}/tools/busybox`, tag: 'nope' })] },
      ],
    });
    const noRepo = await h.runJob('no-repo');
    expect(noRepo.status).toBe('errored');
    expect(h.logOf(noRepo.id)).toBe('ERROR registry-image: source.repository must be a non-empty string\n');
    const noTag = await h.runJob('no-tag');
    expect(noTag.status).toBe('errored');
    expect(h.logOf(noTag.id)).toMatch(/^ERROR registry [\d.:]+: GET manifest tools\/busybox:nope.*\n$/);
  });
});
