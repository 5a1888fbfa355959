// Containers never outlive their step: none left after 100 builds, and those a SIGKILLed runner
// left running are deleted when the next runner starts.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type RegistryServer } from '@hangar/testkit';
import { OciRuntime } from '../../src/runtime/oci/index.js';
import { harness, sh } from '../engine/harness.js';
import { busyboxLayout, push } from './images.js';

const hangarBin = fileURLToPath(new URL('../../bin/hangar.js', import.meta.url));

let work: string;
let registry: RegistryServer;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'hangar-oci-life-'));
  registry = await startRegistry();
  await push(registry.host, await busyboxLayout(join(work, 'busybox')), 'tools/busybox', '1');
}, 120_000);

afterAll(async () => {
  await registry?.stop();
  await rm(work, { recursive: true, force: true });
});

/**
 * The mounts in this process's namespace that involve `dir` (as mount point, root or overlay
 * option): only this test's own, never the machine's, which other runtimes change at any time.
 */
const mountsUnder = (dir: string): string[] =>
  readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((line) => line.includes(dir));

function taskIn(script: string) {
  const step = sh('t', script);
  return {
    ...step,
    config: {
      ...(step.config as object),
      image_resource: {
        type: 'registry-image',
        source: { repository: `${registry.host}/tools/busybox`, tag: '1' },
      },
    },
  };
}

describe('oci container lifecycle', () => {
  it('leaves no container, bundle or mount behind after 100 builds', async () => {
    let runtime: OciRuntime | undefined;
    const h = await harness(
      { jobs: [{ name: 'j', plan: [taskIn('echo "$BUILD_NAME" > /dev/null; test "$FROM_IMAGE" = yes')] }] },
      { runtime: (r, stateDir) => (runtime = new OciRuntime({ stateDir, registry: r })) },
    );
    try {
      for (let i = 0; i < 100; i++) {
        const build = await h.runJob('j');
        expect(build.status, h.logOf(build.id)).toBe('succeeded');
      }
      expect(await runtime!.containers.leftovers()).toEqual({ containers: [], bundles: [] });
      expect(mountsUnder(h.dir)).toEqual([]);
    } finally {
      h.close();
    }
  }, 300_000);

  it('deletes the containers of a SIGKILLed runner at the next start', async () => {
    const dir = await mkdtemp(join(work, 'killed-'));
    const pipeline = join(dir, 'pipeline.yml');
    const stateDir = join(dir, 'state');
    writeFileSync(
      pipeline,
      JSON.stringify({ jobs: [{ name: 'j', plan: [taskIn('echo running; sleep 600')] }] }),
    );
    const child = spawn(
      process.execPath,
      [hangarBin, 'trigger', pipeline, 'j', '-w', '--runtime', 'oci', '--state', stateDir, '--no-color'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    // Wait until the task prints from inside its container.
    await new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (/^running$/m.test(out)) resolve();
      });
      child.on('exit', () => reject(new Error(`runner exited early: ${out}`)));
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const next = new OciRuntime({ stateDir });
    const left = await next.containers.leftovers();
    expect(left.containers).toHaveLength(1);
    expect(await next.start()).toBe(1);
    expect(await next.containers.leftovers()).toEqual({ containers: [], bundles: [] });
  }, 120_000);
});
