// A task's container options under real runc: `run.user`, `container_limits` (memory and cpu
// shares, read back from the container's own cgroup and enforced by the kernel) and `privileged`.
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OciRuntime, type OciRuntimeOptions } from '../../src/runtime/oci/index.js';
import { harness, type Harness } from '../engine/harness.js';
import { registryWithBusybox } from './images.js';

const fixture = registryWithBusybox('hangar-oci-options-');
const open: Harness[] = [];

afterAll(() => {
  for (const h of open) h.close();
});

type Fields = Record<string, unknown>;

/** A busybox task running `sh -c script`, with more fields for its `run`, its step and its config. */
function task(script: string, more: { run?: Fields; step?: Fields; config?: Fields } = {}) {
  const { run = {}, step = {}, config = {} } = more;
  return {
    task: 't',
    config: {
      platform: 'linux',
      ...config,
      image_resource: {
        type: 'registry-image',
        source: { repository: `${fixture.registry.host}/tools/busybox`, tag: '1' },
      },
      outputs: [{ name: 'out' }],
      run: { path: 'sh', args: ['-c', script], ...run },
    },
    ...step,
  };
}

async function ociHarness(
  jobs: Record<string, unknown>,
  options: Partial<OciRuntimeOptions> = {},
): Promise<Harness> {
  const h = await harness(
    { jobs: Object.entries(jobs).map(([name, step]) => ({ name, plan: [step] })) },
    { runtime: (r, stateDir) => new OciRuntime({ stateDir, registry: r, ...options }) },
  );
  open.push(h);
  return h;
}

async function run(h: Harness, job: string): Promise<{ status: string; log: string }> {
  const build = await h.runJob(job);
  return { status: build.status, log: h.logOf(build.id) };
}

const cgroupV2 = existsSync('/sys/fs/cgroup/cgroup.controllers');

describe('run.user', () => {
  it('runs the task as the named or numeric user, as root without one, and errors on an unknown user', async () => {
    const ids = 'echo "$(id -u):$(id -g)"; echo mine > out/file && echo wrote';
    const h = await ociHarness({
      root: task(ids),
      nobody: task(ids, { run: { user: 'nobody' } }),
      numeric: task(ids, { run: { user: '1000' } }),
      group: task(ids, { run: { user: 'nobody:user' } }),
      ghost: task(ids, { run: { user: 'ghost' } }),
    });
    expect(await run(h, 'root')).toEqual({ status: 'succeeded', log: '0:0\nwrote\n' });
    expect(await run(h, 'nobody')).toEqual({ status: 'succeeded', log: '65534:65534\nwrote\n' });
    expect(await run(h, 'numeric')).toEqual({ status: 'succeeded', log: '1000:1000\nwrote\n' });
    expect(await run(h, 'group')).toEqual({ status: 'succeeded', log: '65534:1000\nwrote\n' });
    const ghost = await run(h, 'ghost');
    expect(ghost.status).toBe('errored');
    expect(ghost.log).toMatch(/^ERROR user 'ghost' is not in \S*\/rootfs\/etc\/passwd\n$/);
  });
});

describe('container_limits', () => {
  // What the container's own cgroup says, on either cgroup version.
  const readLimits = cgroupV2
    ? 'cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/cpu.weight'
    : 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/cpu/cpu.shares';
  // runc's conversion of cpu shares to a cgroup v2 weight.
  const cpu = (shares: number) => (cgroupV2 ? 1 + Math.floor(((shares - 2) * 9999) / 262142) : shares);
  // 64 MiB held in one shell variable.
  const allocate = 'x=$(head -c 67108864 /dev/zero | tr "\\0" a); echo "allocated ${#x}"';

  it('puts memory and cpu shares in the container cgroup, from the config or the step', async () => {
    const h = await ociHarness({
      config: task(readLimits, { config: { container_limits: { memory: '48MB', cpu: 512 } } }),
      step: task(readLimits, { step: { container_limits: { memory: 50_331_648, cpu: 256 } } }),
    });
    const fromConfig = await run(h, 'config');
    expect(fromConfig).toEqual({ status: 'succeeded', log: `50331648\n${cpu(512)}\n` });
    expect(await run(h, 'step')).toEqual({ status: 'succeeded', log: `50331648\n${cpu(256)}\n` });
  });

  it('kills a task that allocates beyond its memory limit, and not one within it', async () => {
    const h = await ociHarness({
      small: task(allocate, { step: { container_limits: { memory: '16MB' } } }),
      large: task(allocate, { step: { container_limits: { memory: '512MB' } } }),
    });
    const small = await h.runJob('small');
    expect(small.status).toBe('failed');
    const finish = h.eventsOf(small.id).find((e) => e.event === 'finish-task');
    expect(finish?.data.exit_status).toBe(137);
    expect(h.logOf(small.id)).not.toContain('allocated');
    expect(await run(h, 'large')).toEqual({ status: 'succeeded', log: 'allocated 67108864\n' });
  });

  it('says in each build log, in one line, when this machine cannot apply them', async () => {
    const noCgroups = await mkdtemp(join(fixture.work, 'no-cgroups-'));
    const h = await ociHarness(
      { limited: task('echo ran', { step: { container_limits: { memory: '64MB', cpu: 512 } } }) },
      { cgroupRoot: noCgroups },
    );
    const warning = `WARNING: container_limits ignored: no writable cgroup for memory, cpu under ${noCgroups}\n`;
    expect(await run(h, 'limited')).toEqual({ status: 'succeeded', log: `${warning}ran\n` });
    expect(await run(h, 'limited')).toEqual({ status: 'succeeded', log: `${warning}ran\n` });
  });
});

describe('privileged', () => {
  it('gives a privileged task CAP_SYS_ADMIN and mount, and a default one neither', async () => {
    const script = [
      'sed -n "s/^CapEff:[[:space:]]*//p" /proc/self/status',
      'mkdir -p /tmp/m',
      'if mount -t tmpfs none /tmp/m 2>/dev/null; then echo mounted; else echo refused; fi',
    ].join('; ');
    const h = await ociHarness({
      plain: task(script),
      privileged: task(script, { step: { privileged: true } }),
    });
    const sysAdmin = (log: string) => (BigInt(`0x${log.split('\n')[0]}`) >> 21n) & 1n;
    const plain = await run(h, 'plain');
    expect(plain.status).toBe('succeeded');
    expect(plain.log).toMatch(/^[0-9a-f]{16}\nrefused\n$/);
    expect(sysAdmin(plain.log)).toBe(0n);
    const privileged = await run(h, 'privileged');
    expect(privileged.status).toBe('succeeded');
    expect(privileged.log).toMatch(/^[0-9a-f]{16}\nmounted\n$/);
    expect(sysAdmin(privileged.log)).toBe(1n);
  });
});
