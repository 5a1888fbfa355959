// Against the real registry: Debian's docker-registry started by @hangar/testkit on 127.0.0.1.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort, type RegistryServer, startRegistry } from '@hangar/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  canonicalJsonBytes,
  LayerTree,
  MediaType,
  OciLayout,
  parseImageReference,
  pullImage,
  pushImage,
  readImage,
  RegistryClient,
  sha256Digest,
  unpackImage,
  writeImage,
  writeImageIndex,
  gzipBytes,
  type Layer,
} from '../src/index.js';
import { tempDir } from './temp.js';

let registry: RegistryServer;
beforeAll(async () => {
  registry = await startRegistry();
});
afterAll(() => registry?.stop());

/** base and node layers are shared; the app layer differs per image. */
async function buildImage(dir: string, app: string, platform = { os: 'linux', architecture: 'amd64' }) {
  const layout = await OciLayout.create(dir);
  const layers: Layer[] = [
    await layout.addLayer(new LayerTree().file('etc/passwd', 'root:x:0:0::/:/bin/sh\n'), {
      createdBy: 'base',
    }),
    await layout.addLayer(
      new LayerTree().file('opt/node/bin/node', randomishBytes(64 * 1024), { mode: 0o755 }),
      { createdBy: 'node' },
    ),
    await layout.addLayer(
      new LayerTree().file('opt/resource/check', `#!/bin/sh\necho ${app}\n`, { mode: 0o755 }),
      { createdBy: 'app' },
    ),
  ];
  const image = await writeImage(layout, {
    layers,
    platform,
    config: { Env: ['APP=' + app] },
    tags: ['1.0.0'],
  });
  return { layout, layers, image };
}

/** Fixed pseudo-random bytes, so the blob is the same in every image and run. */
function randomishBytes(size: number): Buffer {
  const out = Buffer.alloc(size);
  let state = 42;
  for (let index = 0; index < size; index += 1) {
    state = (state * 1103515245 + 12345) >>> 0;
    out[index] = state >>> 24;
  }
  return out;
}

describe('registry client against docker-registry', () => {
  it('pushes an image, and pulling it back by tag and by digest gives the same digests and files', async () => {
    const dir = await tempDir();
    const { layout, image } = await buildImage(join(dir, 'built'), 'one');
    const client = new RegistryClient({ registry: registry.host });
    await client.ping();
    const pushed = await pushImage(client, layout, '1.0.0', 'hangar/one');
    expect(pushed.digest).toBe(image.manifest.digest);
    expect(Object.values(pushed.blobs)).toEqual(['uploaded', 'uploaded', 'uploaded', 'uploaded']);

    const head = await fetch(`${registry.url}/v2/hangar/one/manifests/1.0.0`, {
      headers: { accept: MediaType.ociManifest },
    });
    expect(head.headers.get('docker-content-digest')).toBe(image.manifest.digest);
    expect(head.headers.get('content-type')).toBe(MediaType.ociManifest);

    const pulled = await OciLayout.create(join(dir, 'pulled'));
    const byTag = await pullImage(client, 'hangar/one', '1.0.0', pulled);
    expect(byTag.digest).toBe(image.manifest.digest);
    const byDigest = await pullImage(
      client,
      'hangar/one',
      image.manifest.digest,
      await OciLayout.create(join(dir, 'by-digest')),
    );
    expect(byDigest.digest).toBe(image.manifest.digest);
    expect((await readImage(pulled, '1.0.0')).config.config?.Env).toEqual(['APP=one']);
    await unpackImage(pulled, '1.0.0', join(dir, 'rootfs'));
    expect(await readFile(join(dir, 'rootfs/opt/resource/check'), 'utf8')).toContain('echo one');

    // a second push of the same image sends nothing
    const before = client.bytesUploaded;
    const again = await pushImage(client, layout, '1.0.0', 'hangar/one');
    expect(new Set(Object.values(again.blobs))).toEqual(new Set(['exists']));
    expect(client.bytesUploaded).toBe(before);
  });

  it('mounts shared layers across repositories: the second push uploads only its own blobs', async () => {
    const dir = await tempDir();
    const first = await buildImage(join(dir, 'a'), 'alpha');
    const second = await buildImage(join(dir, 'b'), 'beta');
    const client = new RegistryClient({ registry: registry.host });
    await pushImage(client, first.layout, '1.0.0', 'hangar/alpha');
    const before = client.bytesUploaded;
    const result = await pushImage(client, second.layout, '1.0.0', 'hangar/beta', {
      mountFrom: ['hangar/alpha'],
    });
    const [base, node, app] = second.layers;
    expect(result.blobs[base!.descriptor.digest]).toBe('mounted');
    expect(result.blobs[node!.descriptor.digest]).toBe('mounted');
    expect(result.blobs[app!.descriptor.digest]).toBe('uploaded');
    expect(result.blobs[second.image.config.digest]).toBe('uploaded');
    expect(client.bytesUploaded - before).toBe(app!.descriptor.size + second.image.config.size);
    expect(await client.hasBlob('hangar/beta', node!.descriptor.digest)).toBe(true);
  });

  it('uploads in chunks and pushes and pulls a multi-platform index', async () => {
    const dir = await tempDir();
    const amd = await buildImage(join(dir, 'multi'), 'multi');
    const arm = await buildImage(join(dir, 'multi'), 'multi', { os: 'linux', architecture: 'arm64' });
    const index = await writeImageIndex(amd.layout, [amd.image.manifest, arm.image.manifest], {
      tags: ['multi'],
    });
    const client = new RegistryClient({ registry: `http://${registry.host}`, chunkSize: 4096 });
    // the mount source lacks these blobs: the registry opens an upload instead, and we use it
    const pushed = await pushImage(client, amd.layout, 'multi', 'hangar/multi', {
      mountFrom: ['hangar/never-pushed'],
    });
    expect(pushed.digest).toBe(index.digest);
    expect(new Set(Object.values(pushed.blobs))).toEqual(new Set(['uploaded']));
    const node = amd.layers[1]!.descriptor;
    expect(node.size).toBeGreaterThan(4096 * 3); // really went in several PATCH chunks
    const pulled = await OciLayout.create(join(dir, 'pulled'));
    expect((await pullImage(client, 'hangar/multi', 'multi', pulled)).digest).toBe(index.digest);
    const arm64 = await readImage(pulled, 'multi', { os: 'linux', architecture: 'arm64' });
    expect(arm64.descriptor.digest).toBe(arm.image.manifest.digest);
    expect(sha256Digest(await pulled.readBlob(node.digest))).toBe(node.digest);
  });

  it('pulls Docker schema 2 manifests and manifest lists', async () => {
    const client = new RegistryClient({ registry: registry.host });
    const layer = gzipBytes(Buffer.alloc(1024)); // an empty tar: two zero blocks
    const config = canonicalJsonBytes({
      architecture: 'amd64',
      os: 'linux',
      config: { Env: ['DOCKER=1'] },
      rootfs: { type: 'layers', diff_ids: [sha256Digest(Buffer.alloc(1024))] },
    });
    for (const blob of [layer, config]) await client.pushBlob('hangar/docker', sha256Digest(blob), blob);
    const manifest = canonicalJsonBytes({
      schemaVersion: 2,
      mediaType: MediaType.dockerManifest,
      config: { mediaType: MediaType.dockerConfig, digest: sha256Digest(config), size: config.length },
      layers: [{ mediaType: MediaType.dockerLayerGzip, digest: sha256Digest(layer), size: layer.length }],
    });
    const manifestDigest = await client.putManifest(
      'hangar/docker',
      'v2',
      manifest,
      MediaType.dockerManifest,
    );
    const list = canonicalJsonBytes({
      schemaVersion: 2,
      mediaType: MediaType.dockerManifestList,
      manifests: [
        {
          mediaType: MediaType.dockerManifest,
          digest: manifestDigest,
          size: manifest.length,
          platform: { architecture: 'amd64', os: 'linux' },
        },
      ],
    });
    await client.putManifest('hangar/docker', 'list', list, MediaType.dockerManifestList);

    const fetched = await client.getManifest('hangar/docker', 'list');
    expect(fetched.mediaType).toBe(MediaType.dockerManifestList);
    const dir = await tempDir();
    const layout = await OciLayout.create(dir);
    const descriptor = await pullImage(client, 'hangar/docker', 'list', layout);
    expect(descriptor.digest).toBe(sha256Digest(list));
    const image = await readImage(layout, 'list');
    expect(image.descriptor.digest).toBe(manifestDigest);
    expect(image.config.config?.Env).toEqual(['DOCKER=1']);
    await unpackImage(layout, 'list', join(dir, 'rootfs'));
  });

  it('fails with one line naming the registry, the request and the registry error code', async () => {
    const client = new RegistryClient({ registry: registry.host });
    await expect(client.getManifest('hangar/one', 'missing')).rejects.toThrow(
      new RegExp(
        `^registry ${registry.host}: GET manifest hangar/one:missing failed: HTTP 404 MANIFEST_UNKNOWN`,
      ),
    );
    const port = await freePort(); // nothing listens there
    const closed = new RegistryClient({ registry: `127.0.0.1:${port}` });
    await expect(closed.ping()).rejects.toThrow(
      new RegExp(`^registry 127\\.0\\.0\\.1:${port}: GET /v2/ failed: .*ECONNREFUSED`),
    );
  });

  it('parses image references', () => {
    expect(parseImageReference(`${registry.host}/hangar/git-resource:1.2.3`)).toEqual({
      registry: registry.host,
      repository: 'hangar/git-resource',
      tag: '1.2.3',
    });
    expect(parseImageReference('busybox')).toEqual({ registry: 'docker.io', repository: 'library/busybox' });
    expect(() => parseImageReference('Bad/Name')).toThrow(/invalid repository/);
  });
});
