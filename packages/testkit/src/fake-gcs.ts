// Google Cloud Storage on 127.0.0.1: fsouza/fake-gcs-server (built by scripts/bootstrap), which
// serves the JSON API (objects, generations, `ifGenerationMatch` preconditions) from memory. It
// accepts any credentials or none; tests that check authentication put their own gate in front.
import { requireBinary } from './bin.js';
import { LOOPBACK, freePort, retryOnPortClash, waitForHttp } from './ports.js';
import { type ManagedProcess, startProcess } from './process.js';

export interface GcsObject {
  body: string;
  contentType: string | undefined;
  cacheControl: string | undefined;
  generation: string;
}

export interface FakeGcsServer extends AsyncDisposable {
  /** http://127.0.0.1:port: the JSON API lives under /storage/v1 and /upload/storage/v1. */
  readonly endpoint: string;
  readonly port: number;
  /** A bucket created at start. */
  readonly bucket: string;
  /** Creates another bucket. */
  createBucket(name: string): Promise<void>;
  /** Stores `body` as `bucket/name` unconditionally. */
  putObject(bucket: string, name: string, body: string): Promise<void>;
  /** The object with the metadata the semver driver sets, or undefined when there is none. */
  getObject(bucket: string, name: string): Promise<GcsObject | undefined>;
  readonly process: ManagedProcess;
  stop(): Promise<void>;
}

/** fake-gcs-server on a free 127.0.0.1 port, in-memory storage, bucket `hangar` created. */
export function startFakeGcs(): Promise<FakeGcsServer> {
  return retryOnPortClash(startOnce);
}

async function startOnce(): Promise<FakeGcsServer> {
  const binary = requireBinary('fake-gcs-server');
  const port = await freePort();
  const endpoint = `http://${LOOPBACK}:${port}`;
  const child = startProcess(
    binary,
    [
      ...['-scheme', 'http', '-host', LOOPBACK, '-port', String(port)],
      ...['-backend', 'memory', '-external-url', endpoint, '-log-level', 'warn'],
    ],
    { name: 'fake-gcs-server', env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' } },
  );
  const stop = () => child.stop();
  const call = async (path: string, init: RequestInit = {}): Promise<Response> => {
    const response = await fetch(`${endpoint}${path}`, init);
    if (!response.ok && response.status !== 404)
      throw new Error(`fake-gcs-server: ${init.method ?? 'GET'} ${path} answered ${response.status}`);
    return response;
  };
  const objectPath = (bucket: string, name: string) =>
    `/storage/v1/b/${encodeURIComponent(bucket)}/o/${encodeURIComponent(name)}`;
  const createBucket = async (name: string) => {
    const response = await call('/storage/v1/b?project=hangar', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name }),
    });
    await response.body?.cancel();
    if (!response.ok) throw new Error(`fake-gcs-server: cannot create bucket ${name}`);
  };
  const bucket = 'hangar';
  try {
    await waitForHttp(`${endpoint}/storage/v1/b`, { abort: child.exited, name: 'fake-gcs-server' });
    await createBucket(bucket);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    endpoint,
    port,
    bucket,
    createBucket,
    async putObject(bucketName, name, body) {
      const query = new URLSearchParams({ uploadType: 'media', name });
      const response = await call(
        `/upload/storage/v1/b/${encodeURIComponent(bucketName)}/o?${query.toString()}`,
        {
          method: 'POST',
          headers: { 'content-type': 'text/plain' },
          body,
        },
      );
      await response.body?.cancel();
      if (!response.ok) throw new Error(`fake-gcs-server: cannot store ${bucketName}/${name}`);
    },
    async getObject(bucketName, name) {
      const metadata = await call(objectPath(bucketName, name));
      if (metadata.status === 404) return undefined;
      const { contentType, cacheControl, generation } = (await metadata.json()) as Omit<GcsObject, 'body'>;
      const media = await call(`${objectPath(bucketName, name)}?alt=media&generation=${generation}`);
      return { body: await media.text(), contentType, cacheControl, generation };
    },
    process: child,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
