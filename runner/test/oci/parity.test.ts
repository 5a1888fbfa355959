// The same pipeline on the host and oci runtimes gives the same build outcomes: the sample
// resource runs as its bundle on the host and in its hangar-images image under runc; tasks run
// locally on the host and in busybox under runc.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleSampleResource, REPO_ROOT } from '@hangar/images';
import { startRegistry, type RegistryServer } from '@hangar/testkit';
import { HostRuntime } from '../../src/runtime/host.js';
import { OciRuntime } from '../../src/runtime/oci/index.js';
import { harness, sh, type Harness } from '../engine/harness.js';
import { busyboxLayout, counterImage, push } from './images.js';

let work: string;
let registry: RegistryServer;
let imagesDir: string;
let bundle: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'hangar-oci-parity-'));
  registry = await startRegistry();
  await push(registry.host, await busyboxLayout(join(work, 'busybox')), 'tools/busybox', '1');
  imagesDir = join(work, 'images');
  await counterImage(imagesDir);
  bundle = await bundleSampleResource(REPO_ROOT, await mkdtemp(join(work, 'bundle-')));
}, 600_000);

afterAll(async () => {
  await registry?.stop();
  await rm(work, { recursive: true, force: true });
});

function pipeline() {
  const image = {
    type: 'registry-image',
    source: { repository: `${registry.host}/tools/busybox`, tag: '1' },
  };
  const task = (name: string, script: string, extra: Record<string, unknown> = {}) => {
    const step = sh(name, script, extra);
    return { ...step, config: { ...(step.config as object), image_resource: image } };
  };
  return {
    resources: [
      { name: 'num', type: 'counter', source: { latest: 2 } },
      { name: 'broken', type: 'counter', source: { latest: 1, fail_with: 'nope' } },
    ],
    jobs: [
      {
        name: 'ok',
        plan: [
          { get: 'num' },
          task('read', 'test "$(cat num/number)" = 2 && echo out > o/x', {
            inputs: [{ name: 'num' }],
            outputs: [{ name: 'o' }],
          }),
          { put: 'num', params: { number: '2' } },
        ],
      },
      { name: 'fails', plan: [task('exit3', 'exit 3')] },
      { name: 'missing-input', plan: [task('needs', 'true', { inputs: [{ name: 'nothing' }] })] },
      {
        name: 'hooks',
        plan: [task('bad', 'exit 1')],
        on_failure: task('after', 'echo hook'),
        ensure: { get: 'num' },
      },
      { name: 'bad-get', plan: [{ get: 'num', params: { bogus: true } }] },
      { name: 'uses-broken', plan: [{ get: 'broken' }] },
      { name: 'try', plan: [{ try: task('t', 'exit 4') }, task('then', 'true')] },
    ],
  };
}

async function outcomes(h: Harness): Promise<Record<string, unknown>> {
  await h.runner.check('num');
  const result: Record<string, unknown> = {};
  for (const job of ['ok', 'fails', 'missing-input', 'hooks', 'bad-get', 'try']) {
    const build = await h.runJob(job);
    const exits = h
      .eventsOf(build.id)
      .filter((e) => e.event === 'finish-task' || e.event === 'finish-get' || e.event === 'finish-put')
      .map((e) => `${e.event}:${String(e.data.exit_status)}`);
    result[job] = { status: build.status, exits };
  }
  result.check = (await h.runner.check('broken')).error;
  return result;
}

describe('host and oci runtimes', () => {
  it('give the same build outcomes for the same pipeline', async () => {
    const host = await harness(pipeline(), {
      runtime: (r) => {
        r.register('counter', [process.execPath, bundle]);
        return new HostRuntime(r);
      },
    });
    const oci = await harness(pipeline(), {
      runtime: (r, stateDir) => new OciRuntime({ stateDir, registry: r, imagesDir }),
    });
    try {
      const onHost = await outcomes(host);
      const inOci = await outcomes(oci);
      expect(inOci).toEqual(onHost);
      const ociLogs = oci
        .builds()
        .map((b) => oci.logOf(b.id))
        .join('');
      expect(ociLogs).not.toContain('on this machine');
      expect(onHost).toMatchObject({
        ok: { status: 'succeeded' },
        fails: { status: 'failed', exits: ['finish-task:3'] },
        'missing-input': { status: 'errored' },
        hooks: { status: 'failed' },
        'bad-get': { status: 'failed' },
        try: { status: 'succeeded' },
        check: 'check failed with exit status 1',
      });
    } finally {
      host.close();
      oci.close();
    }
  }, 300_000);
});
