import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RegistryServer, assertLoopbackOnly, startRegistry } from '../src/index.js';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const sha256 = (bytes: Uint8Array) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

describe('docker-registry', () => {
  let registry: RegistryServer;
  beforeAll(async () => {
    registry = await startRegistry();
  });
  afterAll(async () => {
    await registry?.stop();
  });

  it('listens on 127.0.0.1 only and speaks the v2 API', async () => {
    await assertLoopbackOnly(registry.port);
    const response = await fetch(`${registry.url}/v2/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
  });

  async function pushBlob(name: string, content: Uint8Array): Promise<string> {
    const digest = sha256(content);
    const start = await fetch(`${registry.url}/v2/${name}/blobs/uploads/`, { method: 'POST' });
    expect(start.status).toBe(202);
    const location = new URL(start.headers.get('location') ?? '', registry.url);
    location.searchParams.set('digest', digest);
    const put = await fetch(location, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/octet-stream' },
      body: content,
    });
    expect(put.status).toBe(201);
    expect(put.headers.get('docker-content-digest')).toBe(digest);
    return digest;
  }

  it('accepts a pushed blob and OCI manifest and serves them back by digest', async () => {
    const name = 'testkit/smoke';
    const layer = new TextEncoder().encode('a tiny layer\n');
    const config = new TextEncoder().encode(
      JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }),
    );
    const layerDigest = await pushBlob(name, layer);
    const configDigest = await pushBlob(name, config);
    const manifest = new TextEncoder().encode(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config: {
          mediaType: 'application/vnd.oci.image.config.v1+json',
          digest: configDigest,
          size: config.length,
        },
        layers: [
          { mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layerDigest, size: layer.length },
        ],
      }),
    );
    const manifestDigest = sha256(manifest);

    const put = await fetch(`${registry.url}/v2/${name}/manifests/v1`, {
      method: 'PUT',
      headers: { 'Content-Type': OCI_MANIFEST },
      body: manifest,
    });
    expect(put.status).toBe(201);
    expect(put.headers.get('docker-content-digest')).toBe(manifestDigest);

    const get = await fetch(`${registry.url}/v2/${name}/manifests/v1`, { headers: { Accept: OCI_MANIFEST } });
    expect(get.status).toBe(200);
    expect(get.headers.get('content-type')).toBe(OCI_MANIFEST);
    expect(get.headers.get('docker-content-digest')).toBe(manifestDigest);
    expect(sha256(new Uint8Array(await get.arrayBuffer()))).toBe(manifestDigest);

    const blob = await fetch(`${registry.url}/v2/${name}/blobs/${layerDigest}`);
    expect(blob.status).toBe(200);
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(layer);

    const tags = await fetch(`${registry.url}/v2/${name}/tags/list`);
    expect(await tags.json()).toEqual({ name, tags: ['v1'] });
  });
});
