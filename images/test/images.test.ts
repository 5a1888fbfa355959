// Builds the sample resource image (and images over the git and OpenTofu layers), then proves
// them: reproducible digests, runc runs as Concourse would, registry round trip, worker bundles.
// Shared layers are built once per file (and cached across runs by input hash).
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  OciLayout,
  RegistryClient,
  pullImage,
  readImage,
  runInRootfs,
  unpackImage,
  writeImage,
  type ImageConfig,
} from '@hangar/oci';
import { GitRepo, startGitDaemon, startRegistry } from '@hangar/testkit';
import {
  bundleSampleResource,
  buildImages,
  resourceLayerTree,
  REPO_ROOT,
  type BuiltImage,
} from '../src/build.js';
import { main } from '../src/cli.js';
import { builtLayouts, exportWorkerBundles, pushImages, type LayoutRef } from '../src/distribute.js';
import { hangarCacheDir } from '../src/inputs.js';
import { SharedLayers, type SharedLayerName } from '../src/layers.js';
import { readLock } from '../src/lock.js';
import { runLikeConcourse } from './concourse-run.js';

let work: string;
let out: string;
let shared: SharedLayers;
let counter: BuiltImage;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'hangar-images-test-'));
  out = join(work, 'out');
  shared = new SharedLayers(await readLock(), hangarCacheDir());
  const { built } = await buildImages({ out, types: ['counter'], shared });
  counter = built[0] as BuiltImage;
}, 300_000);

afterAll(() => rm(work, { recursive: true, force: true }));

async function unpack(layoutDir: string, name: string): Promise<{ rootfs: string; config: ImageConfig }> {
  const rootfs = join(work, 'rootfs', name);
  const { config } = await unpackImage(await OciLayout.open(layoutDir), 'latest', rootfs, {
    ownership: 'preserve',
  });
  return { rootfs, config };
}

/** An image of the sample bundle over other shared layers: the tool layers before their resources land. */
async function sampleOver(layers: SharedLayerName[], name: string): Promise<LayoutRef> {
  const dir = join(work, 'extra', name);
  const layout = await OciLayout.create(dir);
  const bundleDir = await mkdtemp(join(work, 'bundle-'));
  const bundle = await bundleSampleResource(REPO_ROOT, bundleDir);
  const stack = [];
  for (const layer of layers) stack.push(await shared.addTo(layout, layer, 'amd64'));
  stack.push(await layout.addLayer(await resourceLayerTree(bundle), { epoch: 0 }));
  await writeImage(layout, {
    layers: stack,
    platform: { os: 'linux', architecture: 'amd64' },
    config: { Env: ['PATH=/usr/local/bin:/usr/bin:/bin', 'HOME=/root'], User: '0:0' },
    tags: ['0.0.0', 'latest'],
  });
  return { type: name, version: '0.0.0', layout };
}

describe('hangar-images build', () => {
  it('writes an OCI layout with version and latest tags, labels, Env and a non-root user', async () => {
    const layout = await OciLayout.open(counter.layout);
    expect(await layout.tags()).toEqual(['0.1.0', 'latest']);
    const { config, manifest, descriptor } = await readImage(layout, 'latest');
    expect(descriptor.digest).toBe(counter.manifest.digest);
    expect(config.config?.User).toBe('1000:1000');
    expect(config.config?.Env).toEqual(
      expect.arrayContaining([
        'PATH=/usr/local/bin:/usr/bin:/bin',
        'SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt',
      ]),
    );
    const labels = config.config?.Labels ?? {};
    expect(labels['org.opencontainers.image.version']).toBe('0.1.0');
    expect(labels['org.opencontainers.image.title']).toBe('hangar/counter-resource');
    expect(labels['org.opencontainers.image.revision']).toMatch(/^[0-9a-f]{40}$/);
    for (const key of ['source', 'description'])
      expect(labels[`org.opencontainers.image.${key}`]).toBeTruthy();
    const [variant] = counter.variants;
    expect(variant?.platform).toEqual({ os: 'linux', architecture: 'amd64' });
    expect(variant?.manifest).toEqual(counter.manifest);
    expect(variant?.layers.map((layer) => layer.name)).toEqual(['base', 'node', 'resource']);
    expect(manifest.layers.map((layer) => layer.digest)).toEqual(
      variant?.layers.map((layer) => layer.digest),
    );
    const app = variant?.layers.at(-1);
    expect(app?.size).toBeLessThan(1_000_000);
    const summary = JSON.parse(await readFile(join(out, 'images.json'), 'utf8')) as { digest: string }[];
    expect(summary.map((image) => image.digest)).toEqual([counter.manifest.digest]);
  });

  it('gives identical manifest digests when built twice from scratch (fresh layer caches)', async () => {
    const digests = [];
    for (const round of [1, 2]) {
      const { built } = await buildImages({
        out: join(work, `repro-${round}`),
        types: ['counter'],
        layerCacheDir: join(work, `layer-cache-${round}`),
      });
      digests.push(built[0]?.manifest.digest);
    }
    expect(digests[0]).toBe(counter.manifest.digest);
    expect(digests[1]).toBe(counter.manifest.digest);
  });

  it('reports resources whose package or bundle is missing instead of building a fake, and the CLI fails for them', async () => {
    // A repository root holding only an unbuilt github-release package and no s3 package at all.
    const repoRoot = join(work, 'partial-repo');
    await mkdir(join(repoRoot, 'resources', 'github-release'), { recursive: true });
    await writeFile(join(repoRoot, 'resources', 'github-release', 'package.json'), '{"version": "0.1.0"}\n');
    const { built, skipped } = await buildImages({
      out: join(work, 'missing'),
      types: ['github-release', 's3'],
      repoRoot,
      revision: 'test',
      shared,
    });
    expect(built).toEqual([]);
    expect(skipped.map((entry) => entry.type)).toEqual(['github-release', 's3']);
    expect(skipped[0]?.reason).toMatch(/dist\/resource\.js is missing: build/);
    expect(skipped[1]?.reason).toMatch(/resources\/s3 does not exist yet/);
    expect(await main(['build', 'no-such-type', '--out', join(work, 'missing')])).toBe(1);
  });

  it('CLI: build counter prints the same digest', async () => {
    const chunks: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = (chunk: string) => chunks.push(String(chunk)) > 0;
    try {
      expect(await main(['build', 'counter', '--out', join(work, 'cli')])).toBe(0);
    } finally {
      process.stdout.write = write;
    }
    expect(chunks.join('')).toBe(`hangar/counter-resource:0.1.0\t${counter.manifest.digest}\n`);
  });
});

describe('the built image under runc, as Concourse runs it', () => {
  let rootfs: string;
  let config: ImageConfig;
  beforeAll(async () => {
    ({ rootfs, config } = await unpack(counter.layout, 'counter'));
  }, 120_000);

  it('runs /bin/sh in the base layer and finds the CA bundle and accounts', async () => {
    const result = await runInRootfs({
      rootfs,
      args: ['/bin/sh', '-c', 'echo hello; test -s /etc/ssl/certs/ca-certificates.crt && echo ca-ok'],
    });
    expect(result.exitCode, result.stderr.toString()).toBe(0);
    expect(result.stdout.toString()).toContain('ca-ok');
    const bundle = await readFile(join(rootfs, 'etc/ssl/certs/ca-certificates.crt'), 'utf8');
    expect(bundle.match(/BEGIN CERTIFICATE/g)?.length).toBeGreaterThan(100);
  });

  it('check, in and out answer the protocol with the image user, env, argv and cwd', async () => {
    const check = await runLikeConcourse(rootfs, config, 'check', {
      source: { latest: 3 },
      version: { number: '2' },
    });
    expect(check.exitCode, check.stderr.toString()).toBe(0);
    expect(check.json).toEqual([{ number: '2' }, { number: '3' }]);

    const get = join(work, 'build', 'get');
    const fetched = await runLikeConcourse(
      rootfs,
      config,
      'in',
      { source: { latest: 3 }, version: { number: '3' }, params: { file_name: 'n' } },
      get,
    );
    expect(fetched.exitCode, fetched.stderr.toString()).toBe(0);
    expect(fetched.json).toEqual({ version: { number: '3' }, metadata: [{ name: 'number', value: '3' }] });
    expect(await readFile(join(get, 'n'), 'utf8')).toBe('3');

    const put = await runLikeConcourse(
      rootfs,
      config,
      'out',
      { source: { latest: 3 }, params: { number: '9' } },
      join(work, 'build', 'put'),
    );
    expect(put.exitCode, put.stderr.toString()).toBe(0);
    expect(put.json).toMatchObject({ version: { number: '9' } });

    const failing = await runLikeConcourse(rootfs, config, 'check', {
      source: { latest: 1, fail_with: 'nope' },
    });
    expect(failing.exitCode).toBe(1);
    expect(failing.stderr.toString()).toContain('remote refused: nope');
  });
});

describe('tool layers', () => {
  let git: LayoutRef;
  let tofu: LayoutRef;
  beforeAll(async () => {
    git = await sampleOver(['base', 'node', 'git'], 'git-sample');
    tofu = await sampleOver(['base', 'node', 'tofu'], 'tofu-sample');
  }, 300_000);

  it('git, ssh, gpg, git-lfs, git-crypt and proxytunnel run, and git reads a real remote from inside the container', async () => {
    const remotes = join(work, 'remotes');
    await mkdir(remotes, { recursive: true });
    const source = await GitRepo.init(join(work, 'source'));
    const head = await source.commit('initial', { 'README.md': '# sample\n' });
    await GitRepo.initBare(join(remotes, 'app.git'));
    await source.push(join(remotes, 'app.git'), 'main');
    await using daemon = await startGitDaemon(remotes);

    const { rootfs } = await unpack(git.layout.dir, 'git');
    const script = [
      'git --version',
      'ssh -V',
      'gpg --version',
      'git lfs version',
      'git-crypt --version',
      'command -v proxytunnel',
      `git ls-remote ${daemon.url('app.git')} refs/heads/main`,
      `git clone -q ${daemon.url('app.git')} /tmp/clone && git -C /tmp/clone show HEAD:README.md`,
    ].join(' && ');
    const result = await runInRootfs({
      rootfs,
      args: ['/bin/sh', '-c', script],
      env: ['PATH=/usr/local/bin:/usr/bin:/bin', 'HOME=/root'],
      hostNetwork: true,
      timeoutMs: 60_000,
    });
    const output = result.stdout.toString() + result.stderr.toString();
    expect(result.exitCode, output).toBe(0);
    expect(output).toMatch(/git version 2\.39/);
    expect(output).toMatch(/OpenSSH_9/);
    expect(output).toMatch(/gpg \(GnuPG\) 2\.2/);
    expect(output).toMatch(/git-lfs\/3/);
    expect(output).toContain(`${head}\trefs/heads/main`);
    expect(output).toContain('# sample');
  });

  it('tofu runs in the terraform stack', async () => {
    const { rootfs } = await unpack(tofu.layout.dir, 'tofu');
    const result = await runInRootfs({
      rootfs,
      args: ['/usr/local/bin/tofu', 'version'],
      env: ['HOME=/root'],
    });
    expect(result.exitCode, result.stderr.toString()).toBe(0);
    expect(result.stdout.toString()).toMatch(/OpenTofu v1\./);
  });

  it('push: the registry stores shared layers once, mounts them across repositories, and pulls back the same digest', async () => {
    await using registry = await startRegistry();
    const refs = [...(await builtLayouts(join(out, 'oci'))), git, tofu];
    const pushed = await pushImages(`${registry.host}/hangar`, refs);
    expect(pushed.map((image) => image.type)).toEqual(['counter', 'git-sample', 'tofu-sample']);
    // base and node travel once; the later images mount them.
    expect(pushed[1]?.mounted).toBeGreaterThanOrEqual(2);
    expect(pushed[2]?.mounted).toBeGreaterThanOrEqual(2);
    const client = new RegistryClient({ registry: registry.host });
    for (const [index, image] of pushed.entries()) {
      const ref = refs[index] as LayoutRef;
      const built = await ref.layout.resolve('latest');
      expect(image.digest).toBe(built.digest);
      const pulledLayout = await OciLayout.create(join(work, 'pulled', image.type));
      const pulled = await pullImage(client, `hangar/${image.type}-resource`, ref.version, pulledLayout);
      expect(pulled.digest).toBe(built.digest);
    }
  });
});

describe('hangar-images export-worker', () => {
  it('writes resource-types/<type>/{resource_metadata.json, rootfs.tgz}', async () => {
    const bundles = await exportWorkerBundles(out, await builtLayouts(join(out, 'oci')));
    expect(bundles.map((bundle) => bundle.type)).toEqual(['counter']);
    const dir = join(out, 'resource-types', 'counter');
    expect(JSON.parse(await readFile(join(dir, 'resource_metadata.json'), 'utf8'))).toEqual({
      type: 'counter',
      version: '0.1.0',
      privileged: false,
      unique_version_history: false,
    });
    const listing = execFileSync('tar', ['-tzf', join(dir, 'rootfs.tgz')], {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    for (const path of [
      'opt/resource/check',
      'opt/resource/in',
      'opt/resource/out',
      'usr/bin/node',
      'bin/sh',
    ])
      expect(listing).toMatch(new RegExp(`^(\\./)?${path}$`, 'm'));
    // Exporting again gives the same bytes.
    const again = await exportWorkerBundles(join(work, 'export-2'), await builtLayouts(join(out, 'oci')));
    expect(again[0]?.rootfsDigest).toBe(bundles[0]?.rootfsDigest);
    await writeFile(join(work, 'done'), '');
  });
});
