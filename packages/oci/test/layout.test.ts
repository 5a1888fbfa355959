import { execFileSync } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  canonicalJson,
  LayerTree,
  OciLayout,
  readImage,
  REF_NAME,
  sha256Digest,
  writeImage,
  writeImageIndex,
  type ImageConfig,
  type ImageManifest,
} from '../src/index.js';
import { tempDir } from './temp.js';

afterEach(() => vi.unstubAllEnvs());

async function buildSample(dir: string, options: { created?: number; arch?: string } = {}) {
  const layout = await OciLayout.create(dir);
  const base = await layout.addLayer(new LayerTree().file('etc/passwd', 'root:x:0:0::/:/bin/sh\n'), {
    createdBy: 'base',
  });
  const app = await layout.addLayer(
    new LayerTree().file('opt/resource/check', '#!/bin/sh\n', { mode: 0o755 }),
    { createdBy: 'app' },
  );
  const image = await writeImage(layout, {
    layers: [base, app],
    platform: { os: 'linux', architecture: options.arch ?? 'amd64' },
    config: {
      Env: ['PATH=/usr/bin:/bin'],
      User: '1000',
      WorkingDir: '/',
      Labels: { 'org.opencontainers.image.version': '1.0.0' },
    },
    annotations: { 'org.opencontainers.image.version': '1.0.0' },
    tags: ['1.0.0', 'latest'],
    ...(options.created === undefined ? {} : { created: options.created }),
  });
  return { layout, base, app, image };
}

describe('OCI image layout', () => {
  it('writes oci-layout, index.json with ref names and content-addressed blobs', async () => {
    const dir = await tempDir();
    const { layout, image, base, app } = await buildSample(dir);
    expect(await readFile(join(dir, 'oci-layout'), 'utf8')).toBe('{"imageLayoutVersion":"1.0.0"}');
    const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as {
      manifests: { annotations: Record<string, string>; digest: string }[];
    };
    expect(index.manifests.map((entry) => entry.annotations[REF_NAME])).toEqual(['1.0.0', 'latest']);
    expect(new Set(index.manifests.map((entry) => entry.digest))).toEqual(new Set([image.manifest.digest]));
    for (const name of await readdir(join(dir, 'blobs/sha256'))) {
      expect(sha256Digest(await readFile(join(dir, 'blobs/sha256', name)))).toBe(`sha256:${name}`);
    }
    const manifest = await layout.readJson<ImageManifest>(image.manifest.digest);
    expect(manifest.layers.map((layer) => layer.digest)).toEqual([
      base.descriptor.digest,
      app.descriptor.digest,
    ]);
    expect(manifest.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
    const config = await layout.readJson<ImageConfig>(manifest.config.digest);
    expect(config).toEqual({
      architecture: 'amd64',
      os: 'linux',
      config: {
        Env: ['PATH=/usr/bin:/bin'],
        User: '1000',
        WorkingDir: '/',
        Labels: { 'org.opencontainers.image.version': '1.0.0' },
      },
      rootfs: { type: 'layers', diff_ids: [base.diffId, app.diffId] },
      history: [{ created_by: 'base' }, { created_by: 'app' }],
    });
    // stored JSON is canonical: what we would write again, byte for byte
    const stored = await layout.readBlob(manifest.config.digest);
    expect(stored.toString()).toBe(canonicalJson(config));
  });

  it('builds the same digests twice; created appears only with an epoch, and changes the digest', async () => {
    const first = await buildSample(await tempDir());
    const second = await buildSample(await tempDir());
    expect(second.image.manifest.digest).toBe(first.image.manifest.digest);
    expect(await readFile(join(second.layout.dir, 'index.json'), 'utf8')).toBe(
      await readFile(join(first.layout.dir, 'index.json'), 'utf8'),
    );

    vi.stubEnv('SOURCE_DATE_EPOCH', '1700000000');
    const dated = await buildSample(await tempDir());
    expect(dated.image.manifest.digest).not.toBe(first.image.manifest.digest);
    expect(dated.base.descriptor.digest).not.toBe(first.base.descriptor.digest);
    const config = await dated.layout.readJson<ImageConfig>(dated.image.config.digest);
    expect(config.created).toBe('2023-11-14T22:13:20Z');
    expect(config.history?.[0]).toEqual({ created: '2023-11-14T22:13:20Z', created_by: 'base' });
  });

  it('writes a multi-platform index and reads each platform back', async () => {
    const dir = await tempDir();
    const amd = await buildSample(dir);
    const arm = await buildSample(dir, { arch: 'arm64' });
    const index = await writeImageIndex(amd.layout, [amd.image.manifest, arm.image.manifest], {
      tags: ['multi'],
    });
    expect(index.mediaType).toBe('application/vnd.oci.image.index.v1+json');
    const layout = await OciLayout.open(dir);
    expect(await layout.tags()).toEqual(['1.0.0', 'latest', 'multi']);
    expect((await layout.resolve('latest')).digest).toBe(arm.image.manifest.digest); // retagged
    const arm64 = await readImage(layout, 'multi', { os: 'linux', architecture: 'arm64' });
    expect(arm64.descriptor.digest).toBe(arm.image.manifest.digest);
    expect(arm64.config.architecture).toBe('arm64');
    expect((await readImage(layout, 'multi')).config.architecture).toBe('amd64');
    await expect(readImage(layout, 'multi', { os: 'linux', architecture: 's390x' })).rejects.toThrow(
      /no linux\/s390x variant \(has: linux\/amd64, linux\/arm64\)/,
    );
    await expect(layout.resolve('nope')).rejects.toThrow(/no image 'nope'.*tags: 1.0.0, latest, multi/);
  });

  it('detects a corrupt blob', async () => {
    const dir = await tempDir();
    const { layout, image } = await buildSample(dir);
    const { writeFile } = await import('node:fs/promises');
    await writeFile(layout.blobPath(image.config.digest), '{}');
    await expect(readImage(layout, 'latest')).rejects.toThrow(/is corrupt/);
  });

  it('produces layers GNU tar reads', async () => {
    const dir = await tempDir();
    const { base } = await buildSample(dir);
    const listing = execFileSync(
      'tar',
      ['-tvzf', join(dir, 'blobs/sha256', base.descriptor.digest.slice(7))],
      { encoding: 'utf8' },
    );
    expect(listing).toMatch(
      /^drwxr-xr-x 0\/0 +0 1970-01-01 00:00 etc\/\n-rw-r--r-- 0\/0 +22 1970-01-01 00:00 etc\/passwd\n$/,
    );
  });
});
