// runner oci: the per-step cost of the oci runtime (bundle, overlay config, `runc run`, cleanup)
// for a trivial task, against `runc run` of a bundle over the same rootfs by hand, in the same run.
// Goal: at most 1.3x that floor. Needs root and runc; busybox-static gives the rootfs.
import { spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compareAsync, report } from './measure.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const { OciRuntime } = await import(join(root, 'runner/dist/runtime/index.js'));
const { runcConfig } = await import(join(root, 'packages/oci/dist/index.js'));

async function busyboxArtifact(dir) {
  await mkdir(join(dir, 'rootfs', 'bin'), { recursive: true });
  await mkdir(join(dir, 'rootfs', 'tmp'), { mode: 0o1777 });
  await copyFile('/bin/busybox', join(dir, 'rootfs', 'bin', 'busybox'));
  for (const applet of ['sh', 'true']) await symlink('busybox', join(dir, 'rootfs', 'bin', applet));
  await writeFile(join(dir, 'metadata.json'), JSON.stringify({ env: ['PATH=/bin'], user: '' }));
}

const elapsedSince = (start) => Number(process.hrtime.bigint() - start) / 1e6;

function rawRun(stateRoot, bundle, id) {
  const start = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn('runc', ['--root', stateRoot, 'run', '--bundle', bundle, id], { stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(elapsedSince(start)) : reject(new Error(`runc ${code}`)),
    );
  });
}

export async function run() {
  if (process.geteuid?.() !== 0) {
    console.log('skipped: runc containers need root');
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'hangar-bench-oci-'));
  try {
    const artifact = join(dir, 'image');
    await busyboxArtifact(artifact);
    const bundle = join(dir, 'raw-bundle');
    await mkdir(bundle);
    const config = runcConfig({ rootfs: join(artifact, 'rootfs'), args: ['/bin/true'], hostNetwork: true });
    await writeFile(join(bundle, 'config.json'), JSON.stringify(config));
    const runtime = new OciRuntime({ stateDir: join(dir, 'state') });
    const work = join(dir, 'work');
    await mkdir(work);
    let n = 0;
    const signal = new globalThis.AbortController().signal;
    const medians = await compareAsync({
      'runc run (by hand)': () => rawRun(join(dir, 'raw-state'), bundle, `raw-${n++}`),
      'oci runtime task step': async () => {
        const start = process.hrtime.bigint();
        const { exitCode } = await runtime.runTask({
          path: '/bin/true',
          args: [],
          cwd: work,
          workDir: work,
          containerDir: '/tmp/build/0123abcd',
          env: {},
          signal,
          onOutput: () => undefined,
          image: { kind: 'artifact', dir: artifact },
        });
        if (exitCode !== 0) throw new Error(`task exited ${exitCode}`);
        return elapsedSince(start);
      },
    });
    report(medians, 'runc run (by hand)', {
      goal: 1.3,
      subject: 'oci runtime task step',
      title: 'oci runtime task step',
    });
    const ratio = medians['oci runtime task step'] / medians['runc run (by hand)'];
    console.log(`per-step overhead ${ratio.toFixed(2)}x the runc floor (goal <= 1.3x)`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
