// --runtime host|oci|auto and the oci runtime's flags (declared in engine-options.ts): auto picks
// oci when runc is usable (root and a working runc), so pipelines with images run in containers
// without asking.
import { resolve } from 'node:path';
import { HostRuntime } from '../runtime/host.js';
import { OciRuntime, runcUsable } from '../runtime/oci/index.js';
import type { ResourceTypeRegistry } from '../runtime/registry.js';
import type { Runtime } from '../runtime/runtime.js';
import type { Parsed } from './args.js';
import { CliError } from './io.js';

function mirrors(values: unknown): Map<string, string> {
  const list = Array.isArray(values) ? values : values === undefined ? [] : [values];
  return new Map(
    list.map((v) => {
      const [from, to] = String(v).split('=');
      if (!from || !to)
        throw new CliError(`invalid --registry-mirror '${String(v)}': expected registry=mirror`);
      return [from, to];
    }),
  );
}

export function createRuntime(parsed: Parsed, registry: ResourceTypeRegistry, stateDir: string): Runtime {
  const choice = typeof parsed.values.runtime === 'string' ? parsed.values.runtime : 'auto';
  if (!['auto', 'host', 'oci'].includes(choice)) {
    throw new CliError(`invalid --runtime '${choice}': expected host, oci or auto`);
  }
  const usable = choice === 'host' ? false : runcUsable();
  if (choice === 'oci' && !usable) {
    throw new CliError('--runtime oci needs runc on PATH and root privileges');
  }
  if (!usable) return new HostRuntime(registry);
  const registryFlag = parsed.values['resource-registry'];
  const images = parsed.values.images;
  return new OciRuntime({
    stateDir,
    registry,
    ...(typeof images === 'string' ? { imagesDir: resolve(images) } : {}),
    resourceRegistry: typeof registryFlag === 'string' ? registryFlag : undefined,
    mirrors: mirrors(parsed.values['registry-mirror']),
  });
}
