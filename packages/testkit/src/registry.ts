// Debian's docker-registry (distribution v2) with its own config: loopback only, filesystem storage
// in a temp dir, no auth. Never the system config, which listens on every interface.
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { requireBinary } from './bin.js';
import { LOOPBACK, freePort, retryOnPortClash, waitForHttp } from './ports.js';
import { type ManagedProcess, startProcess } from './process.js';
import { tempDir } from './temp.js';

export interface RegistryServer extends AsyncDisposable {
  /** 127.0.0.1:port, as used in image references (127.0.0.1:port/name:tag). */
  readonly host: string;
  readonly port: number;
  /** http://127.0.0.1:port */
  readonly url: string;
  readonly process: ManagedProcess;
  stop(): Promise<void>;
}

/** docker-registry on a free 127.0.0.1 port with filesystem storage in a temp dir, no auth. */
export function startRegistry(): Promise<RegistryServer> {
  return retryOnPortClash(startOnce);
}

async function startOnce(): Promise<RegistryServer> {
  const registry = requireBinary('docker-registry');
  const dir = await tempDir('hangar-registry-');
  const port = await freePort();
  const config = join(dir.path, 'config.yml');
  // JSON is valid YAML; no YAML dependency needed to write it.
  await writeFile(
    config,
    JSON.stringify({
      version: 0.1,
      log: { level: 'error', accesslog: { disabled: true } },
      storage: { filesystem: { rootdirectory: join(dir.path, 'storage') }, delete: { enabled: true } },
      http: { addr: `${LOOPBACK}:${port}`, secret: randomBytes(16).toString('hex') },
      health: { storagedriver: { enabled: false } },
    }),
  );
  const child = startProcess(registry, ['serve', config], {
    name: 'docker-registry',
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' },
  });
  const stop = async () => {
    await child.stop();
    await dir.remove();
  };
  const url = `http://${LOOPBACK}:${port}`;
  try {
    await waitForHttp(`${url}/v2/`, { abort: child.exited, name: 'docker-registry' });
  } catch (error) {
    await stop();
    throw error;
  }
  return { host: `${LOOPBACK}:${port}`, port, url, process: child, stop, [Symbol.asyncDispose]: stop };
}
